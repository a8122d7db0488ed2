"""Use cases of ALC contracts: staff admin records them; they make a company a customer."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.alc.schemas import AlcContractIn, AlcContractOut
from backend.alc.tables import AlcContract
from backend.audit.services import record
from backend.clock import aware, today
from backend.db import Param, Prepared, json_value, write_transaction
from backend.errors import N_, FieldErrors, InvalidInput, NotFound

MAX_PRODUCTS = 50


def _out(row: dict[str, Any], on: date) -> AlcContractOut:
    return AlcContractOut(
        id=row["id"],
        company_id=row["company"],
        products=list(json_value(row["products"])),
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        annual_fee=row["annual_fee"],
        active=row["valid_from"] <= on <= row["valid_until"],
        created_at=aware(row["created_at"]),
    )


def _check(data: AlcContractIn) -> list[str]:
    errors: dict[str, InvalidInput] = {}
    products = [" ".join(p.split()) for p in data.products if p and p.strip()]
    if not products:
        errors["products"] = InvalidInput(
            N_("List at least one product the contract covers."), field="products"
        )
    elif len(products) > MAX_PRODUCTS or any(len(p) > 200 for p in products):
        errors["products"] = InvalidInput(
            N_("At most 50 products of up to 200 characters."), field="products"
        )
    if data.valid_until < data.valid_from:
        errors["valid_until"] = InvalidInput(
            N_("The contract must end after it starts."), field="valid_until"
        )
    if data.annual_fee < 0:
        errors["annual_fee"] = InvalidInput(N_("Enter an amount of zero or more."), field="annual_fee")
    if errors:
        raise FieldErrors(errors)
    return products


async def record_contract(actor: Actor, company_id: int, data: AlcContractIn) -> AlcContractOut:
    """A new contract (a renewal is a new one too); the company is a customer while one is valid."""
    actor.require_staff_admin()
    products = _check(data)
    async with write_transaction():
        if not await Company.exists().where(Company.id == company_id):
            raise NotFound(N_("Company not found."))
        row = (
            await AlcContract.insert(
                AlcContract(
                    company=company_id,
                    products=products,
                    valid_from=data.valid_from,
                    valid_until=data.valid_until,
                    annual_fee=data.annual_fee,
                    note=data.note.strip()[:500],
                    created_by=actor.id,
                )
            ).returning(*AlcContract.all_columns())
        )[0]
        await record(
            "alc.recorded",
            object_type="alc_contract",
            object_id=row["id"],
            actor=actor,
            company_id=company_id,
            after={
                "products": products,
                "valid_from": str(data.valid_from),
                "valid_until": str(data.valid_until),
            },
        )
    return _out(row, today())


async def contracts_of(company_id: int) -> list[AlcContractOut]:
    rows = (
        await AlcContract.select()
        .where(AlcContract.company == company_id)
        .order_by(AlcContract.valid_until, ascending=False)
    )
    on = today()
    return [_out(row, on) for row in rows]


_ACTIVE_CONTRACTS = Prepared(  # every Hotline page and the dashboard ask (db.Prepared)
    lambda: AlcContract.select().where(
        (AlcContract.company == Param("company"))
        & (AlcContract.valid_from <= Param("on"))
        & (AlcContract.valid_until >= Param("on"))
    )
)


async def active_contracts(company_id: int, on: date | None = None) -> list[AlcContractOut]:
    on = on or today()
    rows = await _ACTIVE_CONTRACTS.rows(company=company_id, on=on)
    return [_out(row, on) for row in rows]
