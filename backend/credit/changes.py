"""A staff admin's top-ups and adjustments of one company, booked in batches: those arriving
while a batch is being written go together in the next one (``backend.group_commit``), each still
decided on its own, in arrival order, as if booked one after the other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.clock import now
from backend.credit import domain, ledger
from backend.credit.domain import EntryKind
from backend.credit.ledger import Booking, Posting
from backend.credit.tables import CreditEntry
from backend.db import write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound
from backend.group_commit import GroupCommit


@dataclass(frozen=True, slots=True)
class Change:
    """One staff admin's top-up or adjustment, checked, waiting for its batch."""

    actor: Actor
    kind: EntryKind
    amount: int
    note: str
    key: str
    valid_months: int
    address: str  # the request's, for its audit event


@dataclass(slots=True)
class _Planned:
    """A change of a batch that books an entry, and the later changes that repeat its key."""

    index: int
    change: Change
    posting: Posting
    replays: list[int] = field(default_factory=list)


class _NothingBooked(Exception):
    """Every change of a batch was refused or replayed: roll back what the batch began (the
    expiries it booked), as each change alone would have."""


async def book_changes(
    company_id: int, changes: Sequence[Change]
) -> list[tuple[dict[str, Any], bool] | Exception]:
    """One transaction for a batch of changes of one company: the account lock, the idempotency
    keys, the lots and the due expiries are read once; every change is decided in arrival order
    against the lots as the changes before it left them; what is booked is written at once."""
    results: list[tuple[dict[str, Any], bool] | Exception | None] = [None] * len(changes)
    try:
        async with write_transaction():
            if not await Company.exists().where(Company.id == company_id):
                raise NotFound(N_("Company not found."))
            at = now()
            account = await ledger.locked_account(company_id)  # serialises every credit change of the company
            keys = sorted({change.key for change in changes})
            earlier = {
                row["idempotency_key"]: row
                for row in await CreditEntry.select().where(
                    (CreditEntry.company == company_id) & CreditEntry.idempotency_key.is_in(keys)
                )
            }
            _expired, lots = await ledger.expire_due(account, at)
            plans: list[_Planned] = []
            planned_by_key: dict[str, _Planned] = {}
            for index, change in enumerate(changes):
                if (same_key := earlier.get(change.key) or planned_by_key.get(change.key)) is not None:
                    results[index] = _repeated(same_key, change, index)
                    continue
                booking = Booking(
                    change.kind,
                    actor=change.actor,
                    note=change.note,
                    idempotency_key=change.key,
                    address=change.address,
                )
                if change.amount > 0:  # a lot the later changes of the batch may draw from
                    posting = ledger.plan_top_up(change.amount, change.valid_months, booking, at, index)
                    lots = [*lots, posting.new_lot]
                else:
                    try:
                        posting = ledger.plan_draw(lots, -change.amount, booking, at, adjustment=True)
                    except InvalidInput as refused:
                        results[index] = refused
                        continue
                    lots = domain.after_taking(lots, posting.taken)
                plans.append(planned := _Planned(index, change, posting))
                planned_by_key[change.key] = planned
            if not plans:
                raise _NothingBooked
            entries = await ledger.book(account, [planned.posting for planned in plans], at)
            for planned, entry in zip(plans, entries, strict=True):
                for index in (planned.index, *planned.replays):
                    results[index] = (entry, index == planned.index)
    except _NothingBooked:
        pass
    return results  # type: ignore[return-value] - every change got its answer above


def _repeated(
    same_key: dict[str, Any] | _Planned, change: Change, index: int
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


credit_changes: GroupCommit[int, Change, tuple[dict[str, Any], bool]] = GroupCommit(book_changes)
