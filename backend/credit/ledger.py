"""The SBP credit ledger: locking a company's account, reading its open lots, and the one writer.
Every change of balance (a draw, a top-up, an adjustment, an expiry) is planned against the
locked lots and then written by ``book``, in the caller's transaction; a single booking is a batch
of one."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.accounts.domain import Actor
from backend.audit.services import audit_event, record_all
from backend.clock import aware, now
from backend.credit import domain
from backend.credit.domain import EntryKind, Lot
from backend.credit.tables import LOT_IS_OPEN, CreditAccount, CreditAllocation, CreditEntry, CreditLot
from backend.db import Param, Prepared, locked, write_transaction
from backend.errors import N_
from backend.notifications.services import enqueue_for_managers
from backend.webhooks.services import emit


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
    address: str | None = None  # for its audit event; None: the current request's


@dataclass(frozen=True, slots=True)
class Posting:
    """One entry as planned, before it is written: its amount, what it records, which lots it
    takes from and how much, and the lot it opens (with a provisional id)."""

    amount: int
    booking: Booking
    taken: Sequence[tuple[int, int]] = ()
    new_lot: Lot | None = None
    closes_lots: bool = False  # an expiry: the lots it takes from are closed


async def locked_account(company_id: int) -> dict[str, Any]:
    """The company's account row, locked for this transaction (created on first use). Every
    credit change of a company takes this lock first, so they are serialised and never deadlock."""
    query = CreditAccount.select().where(CreditAccount.company == company_id)
    row = await locked(query).first()
    if row is None:
        await CreditAccount.insert(CreditAccount(company=company_id, balance=0)).on_conflict(
            target=CreditAccount.company, action="DO NOTHING"
        )
        row = await locked(query).first()
    return row


async def open_lots(company_id: int) -> list[Lot]:
    """The company's lots with credit left, locked, soonest to expire first."""
    rows = await (
        locked(CreditLot.select().where((CreditLot.company == company_id) & LOT_IS_OPEN))
        .order_by(CreditLot.expires_at)
        .order_by(CreditLot.id)
    )
    return [
        Lot(id=row["id"], remaining=row["remaining"], expires_at=aware(row["expires_at"])) for row in rows
    ]


def plan_draw(
    lots: Sequence[Lot], amount: int, booking: Booking, at: datetime, *, adjustment: bool = False
) -> Posting:
    """A draw (or a negative adjustment) of ``amount``, soonest-expiring lots first; refused
    (InsufficientCredit, in the words of what was asked) beyond what the lots hold."""
    return Posting(-amount, booking, taken=domain.allocate(lots, amount, at, adjustment=adjustment))


def plan_top_up(amount: int, valid_months: int, booking: Booking, at: datetime, position: int = 0) -> Posting:
    """A top-up (or positive adjustment) and the lot it opens; ``position`` orders the lots
    planned in one batch."""
    lot = Lot(domain.PROVISIONAL_LOT_ID + position, amount, domain.add_months(at, valid_months))
    return Posting(amount, booking, new_lot=lot)


async def expire_due(account: dict[str, Any], at: datetime) -> tuple[list[dict[str, Any]], list[Lot]]:
    """Book the unused remainder of every lot past its date (inside the caller's transaction).
    Returns the entries booked and the lots still open: what a draw may take from, read in the
    same locked query, so a draw costs no second read of the lots."""
    lots = await open_lots(account["company"])
    expiry = Booking(EntryKind.EXPIRY, note=N_("Unused credit expired."))
    postings = [
        Posting(-remaining, expiry, taken=[(lot_id, remaining)], closes_lots=True)
        for lot_id, remaining in domain.expiries(lots, at)
    ]
    booked = await book(account, postings, at) if postings else []
    return booked, [lot for lot in lots if lot.expires_at > at]


async def book(account: dict[str, Any], postings: Sequence[Posting], at: datetime) -> list[dict[str, Any]]:
    """The one writer of the ledger (inside the caller's transaction, holding ``locked_account``):
    writes the entries, opens and draws down the lots, records which lots each entry took from,
    moves the balance, records the audit events and warns the managers each time the balance
    falls below their threshold. A fixed number of statements, however many entries: entries, new
    lots, allocations and audit events each in one, one per lot taken from, the balance once."""
    company_id, opening = account["company"], account["balance"]
    balances = list(itertools.accumulate((posting.amount for posting in postings), initial=opening))
    entries = await CreditEntry.insert(
        *(
            CreditEntry(
                company=company_id,
                kind=posting.booking.kind.value,
                amount=posting.amount,
                balance_after=balance,
                actor=posting.booking.actor.id if posting.booking.actor else None,
                actor_name=posting.booking.actor.full_name if posting.booking.actor else "",
                order=posting.booking.order_id,
                work_log=posting.booking.work_log_id,
                subscription=posting.booking.subscription_id,
                note=posting.booking.note,
                idempotency_key=posting.booking.idempotency_key,
                created_at=at,
            )
            for posting, balance in zip(postings, balances[1:], strict=True)
        )
    ).returning(*CreditEntry.all_columns())
    entries.sort(key=lambda entry: entry["id"])  # ids follow the order of the rows written
    real_id = await _draw_down_lots(company_id, postings, entries, at)
    allocations = [
        CreditAllocation(entry=entry["id"], lot=real_id.get(lot_id, lot_id), amount=take)
        for posting, entry in zip(postings, entries, strict=True)
        for lot_id, take in posting.taken
    ]
    if allocations:
        await CreditAllocation.insert(*allocations)
    await CreditAccount.update({CreditAccount.balance: balances[-1], CreditAccount.updated_at: at}).where(
        CreditAccount.id == account["id"]
    )
    await record_all(
        [
            audit_event(
                f"credit.{posting.booking.kind.value}",
                object_type="credit_entry",
                object_id=entry["id"],
                actor=posting.booking.actor,
                company_id=company_id,
                before=before,
                after=after,
                address=posting.booking.address,
            )
            for posting, entry, (before, after) in zip(
                postings, entries, itertools.pairwise(balances), strict=True
            )
        ]
    )
    threshold = account["low_balance_threshold"]
    for before, after in itertools.pairwise(balances):
        if threshold is not None and after < threshold <= before:
            await enqueue_for_managers(company_id, "low_credit", {"balance": after, "threshold": threshold})
            await emit("credit.low", company_id, {"balance": after, "threshold": threshold})
    account["balance"] = balances[-1]
    return entries


async def _draw_down_lots(
    company_id: int, postings: Sequence[Posting], entries: list[dict[str, Any]], at: datetime
) -> dict[int, int]:
    """Open the lots the postings open and take from the lots they draw on; returns the real id
    of each lot opened, by its provisional one."""
    taken: dict[int, int] = {}  # lot id → taken by these postings
    closed: set[int] = set()
    for posting in postings:
        for lot_id, take in posting.taken:
            taken[lot_id] = taken.get(lot_id, 0) + take
            if posting.closes_lots:
                closed.add(lot_id)
    opened = [
        (posting.new_lot, entry) for posting, entry in zip(postings, entries, strict=True) if posting.new_lot
    ]
    real_id: dict[int, int] = {}
    if opened:
        written = await CreditLot.insert(
            *(
                CreditLot(
                    company=company_id,
                    entry=entry["id"],
                    amount=lot.remaining,
                    remaining=lot.remaining - taken.pop(lot.id, 0),  # what later postings took
                    expires_at=lot.expires_at,
                )
                for lot, entry in opened
            )
        ).returning(CreditLot.id)
        real_id = dict(
            zip((lot.id for lot, _entry in opened), sorted(row["id"] for row in written), strict=True)
        )
    for lot_id, take in taken.items():  # lots from before; most bookings take from one or two
        change: dict[Any, Any] = {CreditLot.remaining: CreditLot.remaining - take}
        if lot_id in closed:
            change[CreditLot.expired_at] = at
        await CreditLot.update(change).where(CreditLot.id == lot_id)
    return real_id


# --- before reading -------------------------------------------------------------------------------


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
            await expire_due(await locked_account(company_id), at)
