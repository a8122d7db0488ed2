"""Use cases of SBP credit. Every change of balance locks the company's account row, writes one
ledger entry with the balance after it, and moves the lots, all in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Sum

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.audit.services import audit_event, client_address, record, record_all
from backend.catalog.tables import Service
from backend.clock import aware, now
from backend.credit import domain
from backend.credit.domain import EntryKind, Lot
from backend.credit.schemas import (
    BalancePoint,
    CreditChange,
    CreditEntryOut,
    CreditOut,
    ExpiringOut,
    HoursLeftOut,
)
from backend.credit.tables import LOT_IS_OPEN, CreditAccount, CreditAllocation, CreditEntry, CreditLot
from backend.db import Param, Prepared, locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from backend.group_commit import GroupCommit
from backend.i18n import current_language, gettext
from backend.money import MAX_AMOUNT
from backend.notifications.services import enqueue_for_managers
from backend.pagination import decode_cursor, encode_cursor, page_size
from backend.piccolo_conf import DB

CHART_MONTHS = 12
PACE_DAYS = 90


def add_months(at: datetime, months: int) -> datetime:
    """Same day and time ``months`` later (the last day of a shorter month when needed)."""
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    for day in (at.day, 30, 29, 28):
        try:
            return at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(at)


# --- the account and its lots ------------------------------------------------------------------


async def _locked_account(company_id: int) -> dict[str, Any]:
    """The company's account row, locked for this transaction (created on first use)."""
    query = CreditAccount.select().where(CreditAccount.company == company_id)
    row = await locked(query).first()
    if row is None:
        await CreditAccount.insert(CreditAccount(company=company_id, balance=0)).on_conflict(
            target=CreditAccount.company, action="DO NOTHING"
        )
        row = await locked(query).first()
    return row


async def _open_lots(company_id: int) -> list[dict[str, Any]]:
    return (
        await locked(CreditLot.select().where((CreditLot.company == company_id) & LOT_IS_OPEN))
        .order_by(CreditLot.expires_at)
        .order_by(CreditLot.id)
    )


def _as_lots(rows: list[dict[str, Any]]) -> list[Lot]:
    return [
        Lot(id=row["id"], remaining=row["remaining"], expires_at=aware(row["expires_at"])) for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Booking:
    """What one ledger entry records besides its amount."""

    kind: EntryKind
    actor: Actor | None = None
    note: str = ""
    order_id: int | None = None
    work_log_id: int | None = None
    subscription_id: int | None = None
    idempotency_key: str | None = None


async def _book(
    account: dict[str, Any],
    amount: int,
    booking: Booking,
    at: datetime,
    *,
    taken: list[tuple[int, int]] = (),  # type: ignore[assignment]
    new_lot_expires: datetime | None = None,
) -> dict[str, Any]:
    """Write one entry and move the balance and lots with it (inside the caller's transaction)."""
    balance = account["balance"] + amount
    entry = (
        await CreditEntry.insert(
            CreditEntry(
                company=account["company"],
                kind=booking.kind.value,
                amount=amount,
                balance_after=balance,
                actor=booking.actor.id if booking.actor else None,
                actor_name=booking.actor.full_name if booking.actor else "",
                order=booking.order_id,
                work_log=booking.work_log_id,
                subscription=booking.subscription_id,
                note=booking.note,
                idempotency_key=booking.idempotency_key,
                created_at=at,
            )
        ).returning(*CreditEntry.all_columns())
    )[0]
    for lot_id, take in taken:
        await CreditLot.update({CreditLot.remaining: CreditLot.remaining - take}).where(
            CreditLot.id == lot_id
        )
        await CreditAllocation.insert(CreditAllocation(entry=entry["id"], lot=lot_id, amount=take))
    if new_lot_expires is not None:
        await CreditLot.insert(
            CreditLot(
                company=account["company"],
                entry=entry["id"],
                amount=amount,
                remaining=amount,
                expires_at=new_lot_expires,
            )
        )
    await CreditAccount.update({CreditAccount.balance: balance, CreditAccount.updated_at: at}).where(
        CreditAccount.id == account["id"]
    )
    await record(
        f"credit.{booking.kind.value}",
        object_type="credit_entry",
        object_id=entry["id"],
        actor=booking.actor,
        company_id=account["company"],
        before=account["balance"],
        after=balance,
    )
    if (
        account["low_balance_threshold"] is not None
        and balance < account["low_balance_threshold"] <= account["balance"]
    ):
        await enqueue_for_managers(
            account["company"],
            "low_credit",
            {"balance": balance, "threshold": account["low_balance_threshold"]},
        )
    account["balance"] = balance
    return entry


async def _expire_due(account: dict[str, Any], at: datetime) -> tuple[list[dict[str, Any]], list[Lot]]:
    """Book the unused remainder of every lot past its date (inside the caller's transaction).
    Returns the entries booked and the lots still open: what a draw may take from, read in the
    same locked query, so a draw costs no second read of the lots."""
    lots = _as_lots(await _open_lots(account["company"]))
    booked = []
    for lot_id, remaining in domain.expiries(lots, at):
        entry = await _book(
            account,
            -remaining,
            Booking(EntryKind.EXPIRY, note=N_("Unused credit expired.")),
            at,
            taken=[(lot_id, remaining)],
        )
        await CreditLot.update({CreditLot.expired_at: at}).where(CreditLot.id == lot_id)
        booked.append(entry)
    return booked, [lot for lot in lots if lot.expires_at > at]


# --- changes of balance --------------------------------------------------------------------------


async def draw(company_id: int, amount: int, booking: Booking) -> dict[str, Any]:
    """Draw credit soonest-expiring first; refused (InsufficientCredit) beyond what is left.
    Joins the caller's transaction when there is one (work logged on an SBP order)."""
    domain.check_amount(amount)
    async with write_transaction():
        at = now()
        account = await _locked_account(company_id)
        _expired, lots = await _expire_due(account, at)
        taken = domain.allocate(lots, amount, at)
        return await _book(account, -amount, booking, at, taken=taken)


def _entry_out(row: dict[str, Any]) -> CreditEntryOut:
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


@dataclass(frozen=True, slots=True)
class _Change:
    """One staff admin's top-up or adjustment, checked, waiting for its batch."""

    actor: Actor
    kind: EntryKind
    amount: int
    note: str
    key: str
    valid_months: int
    address: str  # the request's, for its audit event


async def change_credit(actor: Actor, company_id: int, change: CreditChange) -> tuple[CreditEntryOut, bool]:
    """Staff admin's top-up or adjustment. Returns the entry and whether it was booked now
    (False: the same idempotency key had booked it before, and this is that same result).

    Changes of one company arriving together are booked together (``_credit_changes``), each
    decided on its own in arrival order, as if one after the other."""
    actor.require_staff_admin()
    kind = EntryKind(change.kind)
    amount = domain.check_amount(change.amount, allow_negative=kind is EntryKind.ADJUSTMENT)
    note = change.note.strip()
    if kind is EntryKind.ADJUSTMENT and not note:
        raise InvalidInput(N_("Give the reason for the adjustment."), field="note")
    key = change.idempotency_key.strip()
    if len(key) > 100:
        raise InvalidInput(
            N_("The idempotency key may have at most 100 characters."), field="idempotency_key"
        )
    if not key:
        raise InvalidInput(
            N_("Send an idempotency key, so that a repeated request books nothing twice."),
            field="idempotency_key",
        )
    pending = _Change(actor, kind, amount, note, key, change.valid_months, client_address.get())
    if DB.current_transaction.get() is not None:
        # inside a caller's transaction (none today): joined, as a batch of one; the batch writer
        # would open a transaction of its own and wait for the locks the caller holds
        answer = (await _book_changes(company_id, [pending]))[0]
        if isinstance(answer, Exception):
            raise answer
        entry, booked = answer
    else:
        entry, booked = await _credit_changes.submit(company_id, pending)
    return _entry_out(entry), booked


class _NothingBooked(Exception):
    """Every change of a batch was refused or replayed: roll back what the batch began (the
    expiries it booked), as each change alone would have."""


async def _book_changes(
    company_id: int, changes: Sequence[_Change]
) -> list[tuple[dict[str, Any], bool] | Exception]:
    """One transaction for a batch of changes of one company: the account lock, the idempotency
    keys, the lots and the due expiries are read once; every change is decided in arrival order
    against the lots as the changes before it left them; what is booked is written in a fixed
    number of statements, however many changes the batch holds."""
    results: list[tuple[dict[str, Any], bool] | Exception | None] = [None] * len(changes)
    try:
        async with write_transaction():
            if not await Company.exists().where(Company.id == company_id):
                raise NotFound(N_("Company not found."))
            at = now()
            account = await _locked_account(company_id)  # serialises every credit change of the company
            keys = sorted({change.key for change in changes})
            earlier = {
                row["idempotency_key"]: row
                for row in await CreditEntry.select().where(
                    (CreditEntry.company == company_id) & CreditEntry.idempotency_key.is_in(keys)
                )
            }
            _expired, lots = await _expire_due(account, at)
            plans: list[_Planned] = []
            planned_by_key: dict[str, _Planned] = {}
            for index, change in enumerate(changes):
                if (same_key := earlier.get(change.key) or planned_by_key.get(change.key)) is not None:
                    results[index] = _repeated(same_key, change, index)
                    continue
                booking = Booking(
                    change.kind, actor=change.actor, note=change.note, idempotency_key=change.key
                )
                if change.amount > 0:  # a lot the later changes of the batch may draw from
                    new_lot = Lot(
                        _PROVISIONAL_LOT_ID + index, change.amount, add_months(at, change.valid_months)
                    )
                    lots = [*lots, new_lot]
                    planned = _Planned(index, change, booking, new_lot=new_lot)
                else:
                    try:
                        taken = domain.allocate(lots, -change.amount, at)
                    except InvalidInput as refused:
                        results[index] = refused
                        continue
                    lots = _after_taking(lots, taken)
                    planned = _Planned(index, change, booking, taken=taken)
                plans.append(planned)
                planned_by_key[change.key] = planned
            if not plans:
                raise _NothingBooked
            for planned, entry in zip(plans, await _book_all(account, plans, at), strict=True):
                for index in (planned.index, *planned.replays):
                    results[index] = (entry, index == planned.index)
    except _NothingBooked:
        pass
    return results  # type: ignore[return-value] - every change got its answer above


@dataclass(slots=True)
class _Planned:
    """A change of a batch that books an entry, and the later changes that repeat its key."""

    index: int
    change: _Change
    booking: Booking
    taken: list[tuple[int, int]] = field(default_factory=list)
    new_lot: Lot | None = None  # with a provisional id until it is written
    replays: list[int] = field(default_factory=list)


# ids of lots a batch opens, until they are written: above every real id, in booking order, so
# that among lots of equal validity they are drawn last, as the newest are
_PROVISIONAL_LOT_ID = 2**62


def _repeated(
    same_key: dict[str, Any] | _Planned, change: _Change, index: int
) -> tuple[dict[str, Any], bool] | Conflict | None:
    """A change whose key was used before: its earlier result, or a conflict when the key came
    with another amount. A key first used in this batch is answered once its entry is written."""
    if isinstance(same_key, _Planned):
        used_for = (same_key.change.amount, same_key.change.kind.value)
    else:
        used_for = (same_key["amount"], same_key["kind"])
    if used_for != (change.amount, change.kind.value):
        return Conflict(
            N_("This idempotency key was already used for a different amount; use a new key."),
            field="idempotency_key",
        )
    if isinstance(same_key, _Planned):
        same_key.replays.append(index)
        return None
    return same_key, False


def _after_taking(lots: list[Lot], taken: list[tuple[int, int]]) -> list[Lot]:
    took = dict(taken)
    return [Lot(lot.id, lot.remaining - took.get(lot.id, 0), lot.expires_at) for lot in lots]


async def _book_all(account: dict[str, Any], plans: list[_Planned], at: datetime) -> list[dict[str, Any]]:
    """``_book`` for many entries at once (inside the caller's transaction): entries, lots,
    allocations, new lots and audit events each in one statement, the balance once."""
    company_id, opening = account["company"], account["balance"]
    balances = list(itertools.accumulate((planned.change.amount for planned in plans), initial=opening))
    entries = await CreditEntry.insert(
        *(
            CreditEntry(
                company=company_id,
                kind=planned.booking.kind.value,
                amount=planned.change.amount,
                balance_after=balance,
                actor=planned.change.actor.id,
                actor_name=planned.change.actor.full_name,
                note=planned.booking.note,
                idempotency_key=planned.booking.idempotency_key,
                created_at=at,
            )
            for planned, balance in zip(plans, balances[1:], strict=True)
        )
    ).returning(*CreditEntry.all_columns())
    entries.sort(key=lambda entry: entry["id"])  # ids follow the order of the rows written
    taken: dict[int, int] = {}  # lot id → taken by this batch
    for planned in plans:
        for lot_id, take in planned.taken:
            taken[lot_id] = taken.get(lot_id, 0) + take
    opened = [
        (planned.new_lot, entry) for planned, entry in zip(plans, entries, strict=True) if planned.new_lot
    ]
    real_id: dict[int, int] = {}
    if opened:
        written = await CreditLot.insert(
            *(
                CreditLot(
                    company=company_id,
                    entry=entry["id"],
                    amount=lot.remaining,
                    remaining=lot.remaining - taken.pop(lot.id, 0),
                    expires_at=lot.expires_at,
                )
                for lot, entry in opened
            )
        ).returning(CreditLot.id)
        real_id = dict(
            zip((lot.id for lot, _entry in opened), sorted(row["id"] for row in written), strict=True)
        )
    for lot_id, take in taken.items():  # lots from before the batch; most batches take from one or two
        await CreditLot.update({CreditLot.remaining: CreditLot.remaining - take}).where(
            CreditLot.id == lot_id
        )
    allocations = [
        CreditAllocation(entry=entry["id"], lot=real_id.get(lot_id, lot_id), amount=take)
        for planned, entry in zip(plans, entries, strict=True)
        for lot_id, take in planned.taken
    ]
    if allocations:
        await CreditAllocation.insert(*allocations)
    await CreditAccount.update({CreditAccount.balance: balances[-1], CreditAccount.updated_at: at}).where(
        CreditAccount.id == account["id"]
    )
    await record_all(
        [
            audit_event(
                f"credit.{planned.booking.kind.value}",
                object_type="credit_entry",
                object_id=entry["id"],
                actor=planned.change.actor,
                company_id=company_id,
                before=before,
                after=after,
                address=planned.change.address,
            )
            for planned, entry, (before, after) in zip(
                plans, entries, itertools.pairwise(balances), strict=True
            )
        ]
    )
    threshold = account["low_balance_threshold"]
    for before, after in itertools.pairwise(balances):
        if threshold is not None and after < threshold <= before:
            await enqueue_for_managers(company_id, "low_credit", {"balance": after, "threshold": threshold})
    account["balance"] = balances[-1]
    return entries


_credit_changes: GroupCommit[int, _Change, tuple[dict[str, Any], bool]] = GroupCommit(_book_changes)


async def top_up_from_plan(
    company_id: int, amount: int, months: int, actor: Actor, subscription_id: int, note: str
) -> dict[str, Any]:
    """Book the credit of an approved SBP plan (inside the approval's transaction)."""
    async with write_transaction():
        at = now()
        account = await _locked_account(company_id)
        booking = Booking(EntryKind.TOPUP, actor=actor, note=note, subscription_id=subscription_id)
        return await _book(account, amount, booking, at, new_lot_expires=add_months(at, months))


async def expire_credit(at: datetime | None = None) -> int:
    """Book the expiry of every lot past its date, for every company; returns how many entries.
    Idempotent: a lot once expired has nothing left to expire. Also warns about lots expiring soon."""
    at = at or now()
    due = (
        await CreditLot.select(CreditLot.company).where(LOT_IS_OPEN & (CreditLot.expires_at <= at)).distinct()
    )
    booked = 0
    for row in due:
        async with write_transaction():
            account = await _locked_account(row["company"])
            expired, _open = await _expire_due(account, at)
            booked += len(expired)
    await _warn_expiring(at)
    return booked


async def _warn_expiring(at: datetime) -> None:
    """One warning per lot that expires within 30 days. Each company's account is locked first,
    in the same order every credit change takes its locks, so this never deadlocks with a draw."""
    horizon = at + timedelta(days=domain.EXPIRY_WARNING_DAYS)
    unwarned = (
        LOT_IS_OPEN
        & (CreditLot.expires_at > at)
        & (CreditLot.expires_at <= horizon)
        & CreditLot.expiry_warned_at.is_null()
    )
    for company in await CreditLot.select(CreditLot.company).where(unwarned).distinct():
        async with write_transaction():
            await _locked_account(company["company"])
            soon = await locked(
                CreditLot.select().where(unwarned & (CreditLot.company == company["company"]))
            )
            await _warn(soon, at)


async def _warn(soon: list[dict[str, Any]], at: datetime) -> None:
    for lot in soon:
        await enqueue_for_managers(
            lot["company"],
            "credit_expiring",
            {"amount": lot["remaining"], "expires_at": aware(lot["expires_at"]).isoformat()},
        )
        await CreditLot.update({CreditLot.expiry_warned_at: at}).where(CreditLot.id == lot["id"])


# --- reading ---------------------------------------------------------------------------------------


_DUE_LOT = Prepared(  # every page that shows credit asks (db.Prepared)
    lambda: (
        CreditLot.select(CreditLot.id)
        .where((CreditLot.company == Param("company")) & LOT_IS_OPEN & (CreditLot.expires_at <= Param("at")))
        .first()
    )
)


async def settle_expiry(company_id: int) -> None:
    """Book any expiry that fell due since the scheduled run, so that what a reader sees (and
    what routing offers) never counts credit that has already expired."""
    at = now()
    if await _DUE_LOT.first(company=company_id, at=at) is not None:
        async with write_transaction():
            await _expire_due(await _locked_account(company_id), at)


async def balance_of(company_id: int) -> int:
    await settle_expiry(company_id)
    row = await CreditAccount.select(CreditAccount.balance).where(CreditAccount.company == company_id).first()
    return row["balance"] if row else 0


async def _balance_history(company_id: int, at: datetime) -> list[BalancePoint]:
    """The balance at the start of each of the last 12 months and now (one small query each)."""
    points = []
    for months_back in range(CHART_MONTHS, 0, -1):
        month_start = add_months(at, -months_back + 1).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        row = (
            await CreditEntry.select(CreditEntry.balance_after)
            .where((CreditEntry.company == company_id) & (CreditEntry.created_at < month_start))
            .order_by(CreditEntry.created_at, ascending=False)
            .order_by(CreditEntry.id, ascending=False)
            .first()
        )
        points.append(BalancePoint(at=month_start, balance=row["balance_after"] if row else 0))
    return points


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
    services = await Service.select().where(Service.active == True).order_by(Service.sort_order)  # noqa: E712
    drawn = (
        await CreditEntry.select(Sum(CreditEntry.amount))
        .where(
            (CreditEntry.company == company_id)
            & (CreditEntry.kind == EntryKind.DRAW.value)
            & (CreditEntry.created_at >= at - timedelta(days=PACE_DAYS))
        )
        .first()
    )
    drawn_recently = -int(drawn["sum"] or 0)  # PostgreSQL sums bigint as numeric
    runs_out = domain.runs_out_at(balance, drawn_recently, PACE_DAYS, at)
    if runs_out is not None and lots:
        # credit does not outlive its lots: unused, it expires first
        runs_out = min(runs_out, max(aware(lot["expires_at"]) for lot in lots))
    language = current_language()
    return CreditOut(
        balance=balance,
        low_balance_threshold=account["low_balance_threshold"] if account else None,
        expiring=[ExpiringOut(amount=lot["remaining"], expires_at=aware(lot["expires_at"])) for lot in lots],
        entries=[_entry_out(row) for row in rows[:size]],
        next_cursor=encode_cursor("c", rows[size - 1]["id"]) if len(rows) > size else None,
        hours_left=[
            HoursLeftOut(
                service_code=service["code"],
                service_name=service["name_en"] if language == "en" else service["name_cs"],
                unit=service["unit"],
                sbp_price=service["sbp_price"],
                units_left=str(domain.units_left(balance, service["sbp_price"], service["unit"])),
            )
            for service in services
            if service["sbp_price"] > 0
        ],
        history=[*await _balance_history(company_id, at), BalancePoint(at=at, balance=balance)],
        runs_out_at=runs_out,
        company_id=company_id,
    )


async def set_low_balance_threshold(actor: Actor, threshold: int | None) -> None:
    """The customer manager chooses when to be warned that credit runs low."""
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))
    if threshold is not None and not 0 <= threshold <= MAX_AMOUNT:
        raise InvalidInput(N_("Enter an amount of zero or more."), field="threshold")
    company_id = actor.company_scope()
    async with write_transaction():
        account = await _locked_account(company_id)
        await CreditAccount.update({CreditAccount.low_balance_threshold: threshold}).where(
            CreditAccount.id == account["id"]
        )
        await record(
            "credit.threshold",
            object_type="credit_account",
            object_id=account["id"],
            actor=actor,
            before=account["low_balance_threshold"],
            after=threshold,
        )


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
