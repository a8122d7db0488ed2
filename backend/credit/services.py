"""Use cases of SBP credit: draws, top-ups and adjustments, expiry and the low-balance threshold.
Each locks the company's account, plans its entries against the locked lots and has the one
writer (``ledger.book``) write them, all in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend.accounts.domain import Actor
from backend.audit.services import client_address, record
from backend.clock import aware, now
from backend.credit import changes, domain, ledger
from backend.credit.domain import EntryKind
from backend.credit.ledger import Booking
from backend.credit.queries import entry_out
from backend.credit.schemas import CreditChange, CreditEntryOut
from backend.credit.tables import LOT_IS_OPEN, CreditAccount, CreditLot
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, PermissionDenied
from backend.notifications.services import enqueue_for_managers
from backend.piccolo_conf import DB
from backend.webhooks.services import emit_credit_expired


async def draw(company_id: int, amount: int, booking: Booking) -> dict[str, Any]:
    """Draw credit soonest-expiring first; refused (InsufficientCredit) beyond what is left.
    Joins the caller's transaction when there is one (work logged on an SBP order)."""
    domain.check_amount(amount)
    async with write_transaction():
        at = now()
        account = await ledger.locked_account(company_id)
        _expired, lots = await ledger.expire_due(account, at)
        return (await ledger.book(account, [ledger.plan_draw(lots, amount, booking, at)], at))[0]


async def top_up_from_plan(
    company_id: int, amount: int, months: int, actor: Actor, subscription_id: int, note: str
) -> dict[str, Any]:
    """Book the credit of an approved SBP plan (inside the approval's transaction)."""
    async with write_transaction():
        at = now()
        account = await ledger.locked_account(company_id)
        booking = Booking(EntryKind.TOPUP, actor=actor, note=note, subscription_id=subscription_id)
        return (await ledger.book(account, [ledger.plan_top_up(amount, months, booking, at)], at))[0]


# --- a staff admin's top-ups and adjustments, booked together when they arrive together ----------


async def change_credit(actor: Actor, company_id: int, change: CreditChange) -> tuple[CreditEntryOut, bool]:
    """Staff admin's top-up or adjustment. Returns the entry and whether it was booked now
    (False: the same idempotency key had booked it before, and this is that same result).

    Changes of one company arriving together are booked together (``changes.credit_changes``), each
    decided on its own in arrival order, as if one after the other."""
    actor.require_staff_admin()
    kind = EntryKind(change.kind)
    amount = domain.check_amount(change.amount, allow_negative=kind is EntryKind.ADJUSTMENT)
    note = change.note.strip()
    if kind is EntryKind.ADJUSTMENT and not note:
        raise InvalidInput(N_("Give the reason for the adjustment."), field="note")
    key = change.idempotency_key.strip()  # its length is the Struct's rule
    if not key:
        raise InvalidInput(
            N_("Send an idempotency key, so that a repeated request books nothing twice."),
            field="idempotency_key",
        )
    pending = changes.Change(actor, kind, amount, note, key, change.valid_months, client_address.get())
    if DB.current_transaction.get() is not None:
        # inside a caller's transaction (none today): joined, as a batch of one; the batch writer
        # would open a transaction of its own and wait for the locks the caller holds
        answer = (await changes.book_changes(company_id, [pending]))[0]
        if isinstance(answer, Exception):
            raise answer
        entry, booked = answer
    else:
        entry, booked = await changes.credit_changes.submit(company_id, pending)
    return entry_out(entry), booked


# --- expiry ----------------------------------------------------------------------------------------


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
            expired, _open = await ledger.expire_due(await ledger.locked_account(row["company"]), at)
            await emit_credit_expired(row["company"], expired)
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
            await ledger.locked_account(company["company"])
            soon = await locked(
                CreditLot.select().where(unwarned & (CreditLot.company == company["company"]))
            )
            for lot in soon:
                await enqueue_for_managers(
                    lot["company"],
                    "credit_expiring",
                    {"amount": lot["remaining"], "expires_at": aware(lot["expires_at"]).isoformat()},
                )
                await CreditLot.update({CreditLot.expiry_warned_at: at}).where(CreditLot.id == lot["id"])


# --- the threshold ---------------------------------------------------------------------------------


async def set_low_balance_threshold(actor: Actor, threshold: int | None) -> None:
    """The customer manager chooses when to be warned that credit runs low (its range is
    ThresholdIn's rule, for the API and the form alike)."""
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))
    company_id = actor.company_scope()
    async with write_transaction():
        account = await ledger.locked_account(company_id)
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


async def draw_for_work(
    company_id: int, sbp_price: int, unit: str, minutes_before: int, minutes: int, booking: Booking
) -> domain.WorkDraw:
    """Pay a work log on an SBP order from credit (in the caller's transaction): the cumulative
    cost of the order's time, as far as the balance reaches (``domain.plan_work_draw``); what
    it does not reach is the caller's to bill as PAY. A draw of nothing books no entry."""
    async with write_transaction():
        at = now()
        account = await ledger.locked_account(company_id)
        _expired, lots = await ledger.expire_due(account, at)
        plan = domain.plan_work_draw(sbp_price, unit, minutes_before, minutes, domain.available(lots, at))
        if plan.drawn > 0:
            await ledger.book(account, [ledger.plan_draw(lots, plan.drawn, booking, at)], at)
        return plan
