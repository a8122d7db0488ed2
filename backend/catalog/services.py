"""Use cases of the service catalogue."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.catalog.domain import RateType, Unit, max_unit_price
from backend.catalog.schemas import ServiceAdminOut, ServiceChange, ServiceOut
from backend.catalog.tables import Service
from backend.db import locked, write_transaction
from backend.errors import N_, FieldErrors, InvalidInput, Money, NotFound
from backend.i18n import current_language
from backend.money import CURRENCY, MAX_AMOUNT, with_vat
from backend.settings import get_settings

CATEGORY_LABELS = {
    "training": N_("Training"),
    "development": N_("Macros and custom applications"),
    "implementation": N_("PLM implementation"),
    "intervention": N_("Technician intervention"),
    "administration": N_("Installations and administration"),
    "analysis": N_("Business process analysis"),
    "methodology": N_("Methodology"),
}

UNIT_LABELS = {Unit.HOUR: N_("hour"), Unit.DAY: N_("day"), Unit.PIECE: N_("piece")}


def service_out(row: dict[str, Any], language: str | None = None) -> ServiceOut:
    language = language or current_language()
    vat_rate = get_settings().vat_rate_percent
    pay = with_vat(row["pay_price"], vat_rate)
    sbp = with_vat(row["sbp_price"], vat_rate)
    return ServiceOut(
        code=row["code"],
        category=row["category"],
        name=row["name_en"] if language == "en" else row["name_cs"],
        description=row["description_en"] if language == "en" else row["description_cs"],
        rate_type=row["rate_type"],
        unit=row["unit"],
        pay_price=row["pay_price"],
        sbp_price=row["sbp_price"],
        vat_rate=vat_rate,
        currency=CURRENCY,
        pay_price_vat=pay.vat,
        pay_price_gross=pay.gross,
        sbp_price_vat=sbp.vat,
        sbp_price_gross=sbp.gross,
        active=row["active"],
    )


def _admin_out(row: dict[str, Any]) -> ServiceAdminOut:
    return ServiceAdminOut(**{field: row[field] for field in ServiceAdminOut.__struct_fields__})


# (include_inactive, language) → (valid until, the list)
_listed: dict[tuple[bool, str], tuple[float, list[ServiceOut]]] = {}


def forget_listed_services() -> None:
    _listed.clear()


async def list_services(*, include_inactive: bool = False) -> list[ServiceOut]:
    """The catalogue. Every form and the public API read it and it changes a few times a year, so
    the list is kept for CATALOGUE_CACHE_SECONDS: a change made through this process is seen at
    once, other app processes see it within that time."""
    language = current_language()
    key = (include_inactive, language)
    ttl = get_settings().catalogue_cache_seconds
    kept = _listed.get(key)
    if ttl and kept and kept[0] > time.monotonic():
        return kept[1]
    query = Service.select().order_by(Service.sort_order).order_by(Service.code)
    if not include_inactive:
        query = query.where(Service.active == True)  # noqa: E712 - Piccolo builds SQL from ==
    listed = [service_out(row, language) for row in await query]
    if ttl:
        _listed[key] = (time.monotonic() + ttl, listed)
    return listed


async def service_row(code: str, *, active_only: bool = True) -> dict[str, Any]:
    if not code.strip():  # nothing chosen is not a service that does not exist
        raise InvalidInput(N_("Choose a service."), field="service_code")
    query = Service.select().where(Service.code == code)
    if active_only:
        query = query.where(Service.active == True)  # noqa: E712
    row = await query.first()
    if row is None:
        raise InvalidInput(
            N_("There is no service %(code)s in the catalogue."), field="service_code", code=code
        )
    return row


async def list_services_for_admin(actor: Actor) -> list[ServiceAdminOut]:
    actor.require_staff_admin()
    rows = await Service.select().order_by(Service.sort_order).order_by(Service.code)
    return [_admin_out(row) for row in rows]


async def admin_service(actor: Actor, code: str) -> ServiceAdminOut:
    actor.require_staff_admin()
    row = await Service.select().where(Service.code == code).first()
    if row is None:
        raise NotFound(N_("There is no service %(code)s in the catalogue."), code=code)
    return _admin_out(row)


def check_service(values: dict[str, Any]) -> None:
    """The rules a catalogue row keeps: names in both languages, rate type matching the unit,
    SBP at most the PAY rate (prepaid credit buys better rates, never worse)."""
    errors: dict[str, InvalidInput] = {}
    for field in ("name_cs", "name_en", "category"):
        if not str(values[field]).strip():
            errors[field] = InvalidInput(N_("This field is required."), field=field)
        elif len(values[field]) > 200:
            errors[field] = InvalidInput(N_("At most %(max)d characters, please."), field=field, max=200)
    if values["category"] and values["category"] not in CATEGORY_LABELS:
        errors["category"] = InvalidInput(N_("Choose one of the catalogue's categories."), field="category")
    for field in ("pay_price", "sbp_price"):
        if not 0 <= values[field] <= MAX_AMOUNT:
            errors[field] = InvalidInput(
                N_("Enter an amount between zero and a billion crowns."), field=field
            )
        elif values["unit"] in {u.value for u in Unit} and values[field] > (
            ceiling := max_unit_price(values["unit"], MAX_AMOUNT)
        ):
            # the largest quantity one order may ask for must stay within the ceiling on amounts
            errors[field] = InvalidInput(
                N_("For this unit a rate is at most %(max)s, so that the largest order stays payable."),
                field=field,
                max=Money(ceiling),
            )
    if values["rate_type"] not in {r.value for r in RateType}:
        errors["rate_type"] = InvalidInput(N_("Choose an hourly or a flat rate."), field="rate_type")
    if values["unit"] not in {u.value for u in Unit}:
        errors["unit"] = InvalidInput(N_("Choose hour, day or piece."), field="unit")
    time_units = {Unit.HOUR.value, Unit.DAY.value}
    if values["rate_type"] == RateType.HOURLY and values["unit"] not in time_units:
        errors["unit"] = InvalidInput(N_("An hourly rate is charged per hour or per day."), field="unit")
    if values["rate_type"] == RateType.FLAT and values["unit"] != Unit.PIECE:
        errors["unit"] = InvalidInput(N_("A flat rate is charged per piece."), field="unit")
    if values["sbp_price"] > values["pay_price"]:
        errors["sbp_price"] = InvalidInput(
            N_("The SBP rate cannot be higher than the PAY rate."), field="sbp_price"
        )
    if errors:
        raise FieldErrors(errors)


async def change_service(actor: Actor, code: str, change: ServiceChange) -> ServiceAdminOut:
    """Edit a service's texts and rates. Orders keep the prices they were submitted and quoted
    with: they copy them, never refer back to the catalogue for money."""
    actor.require_staff_admin()
    updates = {field: value for field, value in msgspec.structs.asdict(change).items() if value is not None}
    async with write_transaction():
        row = await locked(Service.select().where(Service.code == code)).first()
        if row is None:
            raise NotFound(N_("There is no service %(code)s in the catalogue."), code=code)
        merged = {**row, **{k: v.strip() if isinstance(v, str) else v for k, v in updates.items()}}
        check_service(merged)
        columns = {getattr(Service, field): merged[field] for field in updates}
        columns[Service.updated_at] = datetime.now(UTC)
        await Service.update(columns).where(Service.id == row["id"])
        await record(
            "service.updated",
            object_type="service",
            object_id=row["id"],
            actor=actor,
            before={field: row[field] for field in updates},
            after={field: merged[field] for field in updates},
        )
    forget_listed_services()
    return _admin_out(merged)
