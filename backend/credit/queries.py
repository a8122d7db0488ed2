"""Reading SBP credit: the overview a customer (or staff) sees, the balances staff see, and the
balance routing asks for. Each first books any expiry that fell due, so no reader ever counts
credit that has already expired."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Sum

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.catalog.tables import Service
from backend.clock import aware, now
from backend.credit import domain
from backend.credit.domain import PACE_DAYS, EntryKind
from backend.credit.ledger import settle_expiry
from backend.credit.schemas import BalancePoint, CreditEntryOut, CreditOut, ExpiringOut, HoursLeftOut
from backend.credit.tables import LOT_IS_OPEN, CreditAccount, CreditEntry, CreditLot
from backend.errors import N_, NotFound
from backend.i18n import current_language, gettext
from backend.pagination import decode_cursor, encode_cursor, page_size


def entry_out(row: dict[str, Any]) -> CreditEntryOut:
    # the portal's own entries (expiry) have no actor; their notes are msgids
    automatic = not row["actor_name"]
    return CreditEntryOut(
        id=row["id"],
        kind=row["kind"],
        amount=row["amount"],
        balance_after=row["balance_after"],
        created_at=aware(row["created_at"]),
        order_id=row["order"],
        order_number=row.get("order_number"),
        subscription_id=row["subscription"],
        work_log_id=row["work_log"],
        note=gettext(note) if automatic and (note := row["note"]) else row["note"],
        actor=row["actor_name"] or None,
    )


async def balance_of(company_id: int) -> int:
    await settle_expiry(company_id)
    row = await CreditAccount.select(CreditAccount.balance).where(CreditAccount.company == company_id).first()
    return row["balance"] if row else 0


async def balances(actor: Actor) -> list[dict[str, Any]]:
    """Every company holding credit, the largest balance first (staff)."""
    actor.require_staff()
    return (
        await CreditAccount.select(
            CreditAccount.company, CreditAccount.balance, CreditAccount.company.name.as_alias("company_name")
        )
        .where(CreditAccount.balance > 0)
        .order_by(CreditAccount.balance, ascending=False)
        .limit(200)
    )


async def credit_overview(
    actor: Actor, company_id: int | None = None, *, cursor: str | None = None, limit: int | None = None
) -> CreditOut:
    """The balance, what expires when, a page of the ledger, hours left per service and the
    burn-down with its forecast. Customers see their own company; staff any."""
    if company_id is None or not actor.is_staff:
        company_id = actor.company_scope()
    elif not await Company.exists().where(Company.id == company_id):
        raise NotFound(N_("Company not found."))
    size = page_size(limit)
    await settle_expiry(company_id)
    at = now()
    account = await CreditAccount.select().where(CreditAccount.company == company_id).first()
    balance = account["balance"] if account else 0
    query = CreditEntry.select(
        *CreditEntry.all_columns(), CreditEntry.order.number.as_alias("order_number")
    ).where(CreditEntry.company == company_id)
    if cursor:
        query = query.where(CreditEntry.id < decode_cursor("c", cursor))
    rows = await query.order_by(CreditEntry.id, ascending=False).limit(size + 1)
    lots = (
        await CreditLot.select()
        .where((CreditLot.company == company_id) & LOT_IS_OPEN)
        .order_by(CreditLot.expires_at)
    )
    hours_left = await _hours_left(balance)
    forecast = await forecast_for(company_id, [_lot(lot) for lot in lots], at)
    return CreditOut(
        balance=balance,
        low_balance_threshold=account["low_balance_threshold"] if account else None,
        expiring=[ExpiringOut(amount=lot["remaining"], expires_at=aware(lot["expires_at"])) for lot in lots],
        entries=[entry_out(row) for row in rows[:size]],
        next_cursor=encode_cursor("c", rows[size - 1]["id"]) if len(rows) > size else None,
        hours_left=hours_left,
        history=[*await _balance_history(company_id, at), BalancePoint(at=at, balance=balance)],
        runs_out_at=forecast.runs_out_at,
        company_id=company_id,
        expected_lapse=forecast.lapsing,
        lapses=[ExpiringOut(amount=lapse.amount, expires_at=lapse.at) for lapse in forecast.lapses],
    )


def _lot(row: dict[str, Any]) -> domain.Lot:
    return domain.Lot(id=row["id"], remaining=row["remaining"], expires_at=aware(row["expires_at"]))


async def forecast_for(company_id: int, lots: list[domain.Lot], at: datetime) -> domain.Forecast:
    """The one forecast (``domain.forecast``) of a company's open lots at the recent pace: the
    credit overview, the entitlements and the credit page all show this."""
    drawn_recently = await _drawn_since(company_id, at - timedelta(days=PACE_DAYS))
    return domain.forecast(lots, drawn_recently, PACE_DAYS, at)


async def _hours_left(balance: int) -> list[HoursLeftOut]:
    """How much of each service priced for SBP the balance buys."""
    services = await Service.select().where(Service.active == True).order_by(Service.sort_order)  # noqa: E712
    language = current_language()
    return [
        HoursLeftOut(
            service_code=service["code"],
            service_name=service["name_en"] if language == "en" else service["name_cs"],
            unit=service["unit"],
            sbp_price=service["sbp_price"],
            units_left=str(domain.units_left(balance, service["sbp_price"], service["unit"])),
        )
        for service in services
        if service["sbp_price"] > 0
    ]


async def _drawn_since(company_id: int, since: datetime) -> int:
    """Credit drawn for work since then (the pace the forecast goes on at)."""
    drawn = (
        await CreditEntry.select(Sum(CreditEntry.amount))
        .where(
            (CreditEntry.company == company_id)
            & (CreditEntry.kind == EntryKind.DRAW.value)
            & (CreditEntry.created_at >= since)
        )
        .first()
    )
    return -int(drawn["sum"] or 0)  # PostgreSQL sums bigint as numeric


async def _balance_history(company_id: int, at: datetime) -> list[BalancePoint]:
    """The balance at the start of each of the last 12 months (one small query each)."""
    points = []
    for month_start in domain.month_starts(at):
        row = (
            await CreditEntry.select(CreditEntry.balance_after)
            .where((CreditEntry.company == company_id) & (CreditEntry.created_at < month_start))
            .order_by(CreditEntry.created_at, ascending=False)
            .order_by(CreditEntry.id, ascending=False)
            .first()
        )
        points.append(BalancePoint(at=month_start, balance=row["balance_after"] if row else 0))
    return points
