"""Use cases of SLA contracts: an approved plan becomes a contract; staff admin may change one
company's terms without touching the plan; tickets and estimates read the active terms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.clock import today
from backend.db import Param, Prepared, json_value, locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound
from backend.i18n import current_language
from backend.plans.tables import Plan
from backend.settings import get_settings
from backend.sla import domain
from backend.sla.domain import STANDARD_CALENDAR, Calendar, Priority, Target
from backend.sla.schemas import SlaContractOut, SlaTermsChange
from backend.sla.tables import SlaContract


@dataclass(frozen=True, slots=True)
class Terms:
    """What a ticket runs under: ALC defaults or the company's SLA contract."""

    kind: str  # alc | sla
    targets: dict[Priority, Target]
    calendar: Calendar
    discount_percent: int = 0


def alc_terms() -> Terms:
    return Terms(
        kind="alc",
        targets=domain.parse_targets(json.loads(get_settings().alc_targets)),
        calendar=STANDARD_CALENDAR,
    )


def _columns() -> list[Any]:
    return [
        *SlaContract.all_columns(),
        SlaContract.plan.code.as_alias("plan_code"),
        SlaContract.plan.name_cs.as_alias("plan_name_cs"),
        SlaContract.plan.name_en.as_alias("plan_name_en"),
    ]


def _is_active(row: dict[str, Any], on: date) -> bool:
    return row["valid_from"] <= on and (row["valid_until"] is None or on <= row["valid_until"])


def _out(row: dict[str, Any], on: date) -> SlaContractOut:
    return SlaContractOut(
        id=row["id"],
        company_id=row["company"],
        plan_code=row["plan_code"],
        plan_name=row["plan_name_en"] if current_language() == "en" else row["plan_name_cs"],
        targets=json_value(row["targets"]),
        calendar=json_value(row["calendar"]),
        discount_percent=row["discount_percent"],
        monthly_fee=row["monthly_fee"],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        active=_is_active(row, on),
    )


# every Hotline page and the dashboard ask (db.Prepared)
_CONTRACTS_OF = Prepared(
    lambda: (
        SlaContract.select(*_columns())
        .where(SlaContract.company == Param("company"))
        .order_by(SlaContract.id, ascending=False)
    )
)


async def active_contract(company_id: int, on: date | None = None) -> SlaContractOut | None:
    on = on or today()
    rows = await _CONTRACTS_OF.rows(company=company_id)
    return next((_out(row, on) for row in rows if _is_active(row, on)), None)


async def contract(contract_id: int) -> SlaContractOut:
    row = await SlaContract.select(*_columns()).where(SlaContract.id == contract_id).first()
    if row is None:
        raise NotFound(N_("SLA contract not found."))
    return _out(row, today())


async def contracts_of(company_id: int) -> list[SlaContractOut]:
    on = today()
    rows = await _CONTRACTS_OF.rows(company=company_id)
    return [_out(row, on) for row in rows]


async def terms_for(company_id: int) -> Terms | None:
    """The SLA contract's terms when one is active, else ALC defaults if the company is a
    customer, else None (no Hotline)."""
    from backend.alc.services import active_contracts

    contract = await active_contract(company_id)
    if contract is not None:
        return Terms(
            kind="sla",
            targets=domain.parse_targets(contract.targets),
            calendar=Calendar.from_json(contract.calendar),
            discount_percent=contract.discount_percent,
        )
    if await active_contracts(company_id):
        return alc_terms()
    return None


async def contract_from_plan(
    company_id: int, plan_id: int, subscription_id: int, actor: Actor | None = None
) -> int:
    """Approve an SLA plan into a contract (inside the approval's transaction). A contract the
    company already had ends the day before; the new one copies the plan's terms."""
    async with write_transaction():
        plan = await Plan.select().where(Plan.id == plan_id).first()
        start = today()
        await SlaContract.update({SlaContract.valid_until: start - timedelta(days=1)}).where(
            (SlaContract.company == company_id)
            & (SlaContract.valid_until.is_null() | (SlaContract.valid_until >= start))
        )
        rows = await SlaContract.insert(
            SlaContract(
                company=company_id,
                plan=plan_id,
                subscription=subscription_id,
                targets=json_value(plan["targets"]),
                calendar=json_value(plan["calendar"]),
                discount_percent=plan["discount_percent"],
                monthly_fee=plan["monthly_fee"],
                valid_from=start,
            )
        ).returning(SlaContract.id)
        await record(
            "sla.contract_started",
            object_type="sla_contract",
            object_id=rows[0]["id"],
            actor=actor,
            company_id=company_id,
            after={"plan": plan["code"], "subscription": subscription_id},
        )
    return rows[0]["id"]


async def change_terms(actor: Actor, contract_id: int, change: SlaTermsChange) -> SlaContractOut:
    """Staff admin changes one company's terms; the plan template stays as it is."""
    actor.require_staff_admin()
    updates: dict[Any, Any] = {}
    if change.targets is not None:
        updates[SlaContract.targets] = domain.targets_to_json(domain.parse_targets(change.targets))
    if change.calendar is not None:
        updates[SlaContract.calendar] = Calendar.from_json(change.calendar).to_json()
    for field in ("discount_percent", "monthly_fee", "valid_until"):
        if (value := getattr(change, field)) is not None:
            updates[getattr(SlaContract, field)] = value
    async with write_transaction():
        row = await locked(SlaContract.select().where(SlaContract.id == contract_id)).first()
        if row is None:
            raise NotFound(N_("SLA contract not found."))
        if change.valid_until is not None and change.valid_until < row["valid_from"]:
            raise InvalidInput(N_("The contract must end after it starts."), field="valid_until")
        if updates:
            await SlaContract.update(updates).where(SlaContract.id == contract_id)
            await record(
                "sla.terms_changed",
                object_type="sla_contract",
                object_id=contract_id,
                actor=actor,
                company_id=row["company"],
                before={
                    column._meta.name: json_value(row[column._meta.name])
                    if column._meta.name in ("targets", "calendar")
                    else row[column._meta.name]
                    for column in updates
                },
                after={column._meta.name: value for column, value in updates.items()},
            )
    row = await SlaContract.select(*_columns()).where(SlaContract.id == contract_id).first()
    return _out(row, today())
