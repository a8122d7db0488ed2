"""The work on an order after it is placed: every change of status (quotes, approval, the work,
the end). Each change locks the order and writes its history entry in the same transaction. The
time logged on it, and how that is paid, is orders/work.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.columns import Column

from backend.accounts import services as accounts
from backend.accounts.domain import Actor
from backend.catalog.domain import Unit
from backend.clock import now, today
from backend.credit import services as credit
from backend.credit.domain import EntryKind
from backend.db import locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, Money, Msg, NotFound
from backend.i18n import gettext
from backend.invoices import services as invoices
from backend.money import MAX_AMOUNT, with_vat
from backend.orders import domain
from backend.orders.domain import Action, Billing, OrderStatus
from backend.orders.history import audit, record_step, tell_customer
from backend.orders.queries import get_order, visible_to
from backend.orders.schemas import ApproveIn, OrderOut, QuoteIn
from backend.orders.tables import ServiceOrder

Row = dict[str, Any]


async def locked_order(actor: Actor, order_id: int) -> Row:
    """The order's row, locked for the caller's write transaction; 404 when not the actor's."""
    row = await locked(visible_to(actor, ServiceOrder.select().where(ServiceOrder.id == order_id))).first()
    if row is None:
        raise NotFound(N_("Order not found."))
    return row


async def _transition(
    actor: Actor,
    order_id: int,
    action: Action,
    *,
    note: str = "",
    changes: dict[Column, Any] | None = None,
    check: Callable[[Row], None] | None = None,
    effect: Callable[[Row], Awaitable[dict[Column, Any]]] | None = None,
) -> OrderOut:
    """Lock the order, check the move against the state machine (and ``check`` against the locked
    row), apply it with ``changes`` (and what ``effect`` adds) and its history entry."""
    async with write_transaction():
        row = await locked_order(actor, order_id)
        current = OrderStatus(row["status"])
        target = domain.next_status(Billing(row["billing"]), current, action, actor.role)
        if check is not None:
            check(row)
        more = await effect(row) if effect is not None else {}
        at = now()
        await ServiceOrder.update(
            {ServiceOrder.status: target.value, ServiceOrder.updated_at: at, **(changes or {}), **more}
        ).where(ServiceOrder.id == order_id)
        await record_step(order_id, actor, current, target, note, at, row["company"])
    return await get_order(actor, order_id)


async def _transition_and_tell(
    actor: Actor, order_id: int, action: Action, kind: str, **changes: Any
) -> OrderOut:
    """A change the customer hears about: the e-mail is written in the same transaction."""
    async with write_transaction():
        order = await _transition(actor, order_id, action, **changes)
        await tell_customer(order_id, kind)
    return order


# --- the customer's answers ---------------------------------------------------------------------------


def _quote_still_valid(row: Row) -> None:
    if row["quote_valid_until"] is not None and row["quote_valid_until"] < today():
        raise InvalidInput(
            N_("This quote expired on %(date)s and can no longer be accepted. Ask us for a new quote."),
            field="quote",
            date=row["quote_valid_until"].isoformat(),
        )


def _quote_seen(revision: int | None) -> Callable[[Row], None]:
    """An acceptance names the quote it accepts: staff may have quoted again since the customer
    read it, and a figure never seen is never accepted."""

    def check(row: Row) -> None:
        _quote_still_valid(row)
        if revision is not None and revision != row["quote_revision"]:
            raise Conflict(
                N_("The quote has changed to %(gross)s including VAT; accept this one?"),
                field="revision",
                gross=Money(row["quote_gross"]),
                revision=row["quote_revision"],
            )

    return check


async def accept_quote(actor: Actor, order_id: int, revision: int | None = None) -> OrderOut:
    """Accept the quote; with ``revision``, only that quote (409 when staff have quoted again)."""
    return await _transition(actor, order_id, Action.ACCEPT, check=_quote_seen(revision))


async def decline_quote(actor: Actor, order_id: int, reason: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.DECLINE, note=domain.check_note(reason))


async def cancel_order(actor: Actor, order_id: int, reason: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.CANCEL, note=domain.check_note(reason))


# --- the support team's decisions -----------------------------------------------------------------------


async def quote_order(actor: Actor, order_id: int, data: QuoteIn) -> OrderOut:
    note = domain.check_note(data.note)
    valid_until = domain.check_future_date(data.valid_until, today(), field="valid_until")
    if data.net <= 0:
        raise InvalidInput(N_("The quoted amount must be more than zero."), field="net")

    if data.net > MAX_AMOUNT:
        raise InvalidInput(N_("Enter an amount of at most %(max)s."), field="net", max=Money(MAX_AMOUNT))

    async def priced(row: Row) -> dict[Column, Any]:
        # VAT at the rate the order was submitted with, so the quote and the estimate agree
        amount = with_vat(data.net, row["vat_rate"])
        return {ServiceOrder.quote_vat: amount.vat, ServiceOrder.quote_gross: amount.gross}

    changes: dict[Column, Any] = {
        ServiceOrder.quote_net: data.net,
        ServiceOrder.quote_valid_until: valid_until,
        ServiceOrder.quote_note: note,
        ServiceOrder.quote_revision: ServiceOrder.quote_revision + 1,  # a re-quote is a new revision
        ServiceOrder.quote_fixed: data.fixed,
    }
    return await _transition_and_tell(
        actor, order_id, Action.QUOTE, "order_quoted", note=note, changes=changes, effect=priced
    )


async def approve_order(actor: Actor, order_id: int, data: ApproveIn) -> OrderOut:
    note = domain.check_note(data.note)
    scheduled = domain.check_future_date(data.scheduled_for, today(), field="scheduled_for")
    changes: dict[Column, Any] = {ServiceOrder.scheduled_for: scheduled}
    if data.assigned_to is not None:
        if not await accounts.is_active_staff(data.assigned_to):
            raise InvalidInput(N_("Choose an engineer from the support team."), field="assigned_to")
        changes[ServiceOrder.assigned_to] = data.assigned_to
    return await _transition_and_tell(
        actor, order_id, Action.APPROVE, "order_approved", note=note, changes=changes
    )


async def reject_order(actor: Actor, order_id: int, reason: str) -> OrderOut:
    text = domain.check_note(reason, field="reason", required=True)
    return await _transition_and_tell(
        actor,
        order_id,
        Action.REJECT,
        "order_rejected",
        note=text,
        changes={ServiceOrder.reject_reason: text},
    )


# --- the work -----------------------------------------------------------------------------------------


async def start_order(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.START, note=domain.check_note(note))


async def complete_order(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    """Finish the work. A flat-rate service on SBP draws its SBP price (× pieces) now, once; the
    work billed as PAY (the quote, the time logged, what credit did not cover) is invoiced."""
    text = domain.check_note(note)

    async def draw_flat_price(row: Row) -> dict[Column, Any]:
        if row["billing"] != Billing.SBP or row["unit"] != Unit.PIECE:
            return {}
        cost = domain.price(
            Billing.SBP,
            pay_price=row["unit_price"],
            sbp_price=row["sbp_unit_price"],
            quantity=row["quantity"],
            vat_rate=row["vat_rate"],
        ).net
        await credit.draw(
            row["company"],
            cost,
            credit.Booking(EntryKind.DRAW, actor=actor, note=text, order_id=order_id),
        )
        return {ServiceOrder.credit_drawn: row["credit_drawn"] + cost}

    async with write_transaction():
        await _transition(actor, order_id, Action.COMPLETE, note=text, effect=draw_flat_price)
        # the invoice is issued with the completion, in its transaction (invoices/services.py)
        invoice_id = await invoices.invoice_completed_order(await locked_order(actor, order_id), actor)
    await invoices.render_soon(invoice_id)
    return await get_order(actor, order_id)


async def continue_as_pay(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    """An SBP order whose credit ran out goes on as PAY: later work draws no credit and is billed."""
    actor.require_staff()
    text = domain.check_note(note) or gettext(N_("Credit ran out; the rest of the work is billed as PAY."))
    async with write_transaction():
        row = await locked_order(actor, order_id)
        status = OrderStatus(row["status"])
        if not domain.may_continue_as_pay(Billing(row["billing"]), status, actor.role):
            raise Conflict(
                N_("Only an approved or running SBP order can continue as PAY; this one is %(status)s."),
                status=Msg(domain.STATUS_LABELS[status]),
            )
        at = now()
        await ServiceOrder.update(
            {ServiceOrder.billing: Billing.PAY.value, ServiceOrder.updated_at: at}
        ).where(ServiceOrder.id == order_id)
        await record_step(order_id, actor, status, status, text, at, row["company"])
        await audit("continued_as_pay", order_id, actor, row["company"], before="sbp", after="pay")
    return await get_order(actor, order_id)
