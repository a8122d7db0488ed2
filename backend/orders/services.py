"""Use cases of orders. Each owns its transaction; every change of status writes its history
entry in the same transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from piccolo.columns import Column

from backend.accounts import services as accounts
from backend.accounts.domain import Actor, collect
from backend.audit.services import record
from backend.catalog import services as catalog
from backend.catalog.domain import RateType, Unit
from backend.clock import PRAGUE, aware, now, today
from backend.credit import queries as credit_queries
from backend.credit import services as credit
from backend.credit.domain import EntryKind, work_cost
from backend.db import Param, Prepared, locked, status_literal, write_transaction
from backend.errors import N_, Conflict, InvalidInput, Money, Msg, NotFound
from backend.i18n import current_language, gettext
from backend.money import MAX_AMOUNT, apply_discount, line_amount, with_vat
from backend.notifications.services import enqueue_for_managers, enqueue_for_staff
from backend.numbering import next_in_year
from backend.orders import domain
from backend.orders.domain import Action, Billing, OrderStatus
from backend.orders.schemas import (
    AmountOut,
    ApproveIn,
    CompanyRef,
    EstimateOut,
    HistoryEntry,
    OrderIn,
    OrderOut,
    OrderPage,
    QuoteIn,
    QuoteOut,
    WorkLogOut,
)
from backend.orders.tables import OrderEvent, OrderNumberCounter, ServiceOrder, WorkLog
from backend.pagination import decode_cursor, encode_cursor, page_size
from backend.settings import get_settings
from backend.sla import services as sla

QUOTE_VALID_DAYS = 30
AUTOMATIC = N_("Portal (automatic)")
AUTOMATIC_QUOTE_NOTE = N_("Automatic quote at the flat rate.")


# --- estimates and submission -----------------------------------------------------------------------


async def estimate(actor: Actor | None, service_code: str, raw_quantity: Any) -> EstimateOut:
    """What a request would cost and which support level would handle it (shown before submit)."""
    service = await catalog.service_row(service_code)
    unit = Unit(service["unit"])
    quantity = domain.quantity_hundredths(raw_quantity, unit)
    vat_rate = get_settings().vat_rate_percent
    entitlements = await _entitlements(actor)
    listed = line_amount(service["pay_price"], quantity, vat_rate)
    amount = with_vat(apply_discount(listed.net, entitlements.sla_discount), vat_rate)
    sbp = line_amount(service["sbp_price"], quantity, vat_rate)
    level = domain.route_request(entitlements, sbp_estimate=sbp.net)
    return EstimateOut(
        service_code=service["code"],
        quantity=domain.quantity_text(quantity),
        unit=unit.value,
        unit_price=service["pay_price"],
        estimate=AmountOut(net=amount.net, vat=amount.vat, gross=amount.gross),
        support_level=level.value,  # type: ignore[arg-type]
        automatic_quote=service["rate_type"] == RateType.FLAT,
        sbp_unit_price=service["sbp_price"],
        sbp_estimate=sbp.net,
        sbp_balance=entitlements.sbp_balance,
        discount_percent=entitlements.sla_discount,
    )


async def _entitlements(actor: Actor | None) -> domain.Entitlements:
    """What the company holds that changes routing and price: an SLA contract and SBP credit.
    (Incidents on ALC products go to the Hotline, which has its own form.)"""
    if actor is None or actor.company_id is None:
        return domain.Entitlements()
    contract = await sla.active_contract(actor.company_id)
    return domain.Entitlements(
        sla_active=contract is not None,
        sla_discount=contract.discount_percent if contract else 0,
        sbp_balance=await credit_queries.balance_of(actor.company_id),
    )


async def submit_order(actor: Actor, data: OrderIn) -> OrderOut:
    """A customer orders a service for their company."""
    order_id = await place_order(actor.company_scope(), actor.id, actor, data)
    return await get_order(actor, order_id)


async def _pay_discount(company_id: int) -> int:
    """Percent off PAY rates while the company has an active SLA contract."""
    contract = await sla.active_contract(company_id)
    return contract.discount_percent if contract else 0


async def place_order(
    company_id: int, created_by: int, recorder: Actor, data: OrderIn, note: str = ""
) -> int:
    """Create an order for ``company_id`` as ``created_by`` ordered it; ``recorder`` is who the
    history names (the customer, or staff converting a ticket). Joins the caller's transaction."""
    service = await catalog.service_row(data.service_code)
    unit = Unit(service["unit"])
    values = collect(
        quantity=lambda: domain.quantity_hundredths(data.quantity, unit),
        description=lambda: domain.check_description(data.description),
        preferred_date=lambda: domain.check_future_date(data.preferred_date, today(), field="preferred_date"),
    )
    billing = Billing(data.billing)
    vat_rate = get_settings().vat_rate_percent
    if billing is Billing.SBP:
        # the estimate at SBP rates is what the credit will be drawn by; it must be covered now
        amount = line_amount(service["sbp_price"], values["quantity"], vat_rate)
        balance = await credit_queries.balance_of(company_id)
        if service["sbp_price"] <= 0 or amount.net > balance:
            raise InvalidInput(
                N_(
                    "Your prepaid credit (%(balance)s) does not cover this request at SBP rates "
                    "(%(estimate)s); order it as PAY."
                ),
                field="billing",
                balance=Money(balance),
                estimate=Money(amount.net),
            )
    else:
        listed = line_amount(service["pay_price"], values["quantity"], vat_rate)
        amount = with_vat(apply_discount(listed.net, await _pay_discount(company_id)), vat_rate)
    automatic_quote = service["rate_type"] == RateType.FLAT and billing is Billing.PAY
    created = now()
    async with write_transaction():
        year = created.astimezone(PRAGUE).year
        number = domain.order_number(year, await next_in_year(OrderNumberCounter, year))
        order_id = (
            await ServiceOrder.insert(
                ServiceOrder(
                    number=number,
                    company=company_id,
                    service=service["id"],
                    created_by=created_by,
                    status=OrderStatus.SUBMITTED.value,
                    billing=billing.value,
                    quantity=values["quantity"],
                    unit=unit.value,
                    description=values["description"],
                    delivery=data.delivery,
                    preferred_date=values["preferred_date"],
                    unit_price=service["pay_price"],
                    sbp_unit_price=service["sbp_price"],
                    vat_rate=vat_rate,
                    estimate_net=amount.net,
                    estimate_vat=amount.vat,
                    estimate_gross=amount.gross,
                    created_at=created,
                    updated_at=created,
                )
            ).returning(ServiceOrder.id)
        )[0]["id"]
        await _record(order_id, recorder, None, OrderStatus.SUBMITTED, note, created, company_id)
        if automatic_quote:
            # flat-rate work has a known price: quote it at once, the customer only accepts
            await ServiceOrder.update(
                {
                    ServiceOrder.status: OrderStatus.QUOTED.value,
                    ServiceOrder.quote_net: amount.net,
                    ServiceOrder.quote_vat: amount.vat,
                    ServiceOrder.quote_gross: amount.gross,
                    ServiceOrder.quote_valid_until: today() + timedelta(days=QUOTE_VALID_DAYS),
                }
            ).where(ServiceOrder.id == order_id)
            await _record(
                order_id,
                None,
                OrderStatus.SUBMITTED,
                OrderStatus.QUOTED,
                AUTOMATIC_QUOTE_NOTE,
                created,
                company_id,
            )
        await enqueue_for_staff(
            "order_submitted",
            {
                "number": number,
                "order_id": order_id,
                "company": await _company_name(company_id),
                "service": {"cs": service["name_cs"], "en": service["name_en"]},
            },
            company_id,
        )
        if automatic_quote:
            await _tell_customer(order_id, "order_quoted")
    return order_id


async def _company_name(company_id: int) -> str:
    from backend.accounts.tables import Company

    row = await Company.select(Company.name).where(Company.id == company_id).first()
    return row["name"] if row else ""


async def _tell_customer(order_id: int, kind: str) -> None:
    """Notify the company's managers and whoever placed the order (in the caller's transaction)."""
    row = await ServiceOrder.select().where(ServiceOrder.id == order_id).first()
    context: dict[str, Any] = {"number": row["number"], "order_id": order_id}
    if kind == "order_quoted":
        context |= {"gross": row["quote_gross"], "valid_until": row["quote_valid_until"].isoformat()}
    if kind == "order_rejected":
        context["reason"] = row["reject_reason"]
    await enqueue_for_managers(row["company"], kind, context, also=[row["created_by"]])


async def _transition_and_tell(
    actor: Actor, order_id: int, action: Action, kind: str, **changes: Any
) -> OrderOut:
    """A change the customer hears about: the e-mail is written in the same transaction."""
    async with write_transaction():
        order = await _transition(actor, order_id, action, **changes)
        await _tell_customer(order_id, kind)
    return order


async def _record(
    order_id: int,
    actor: Actor | None,
    from_status: OrderStatus | None,
    to_status: OrderStatus,
    note: str,
    at: datetime,
    company_id: int,
) -> None:
    """One step of the order's history, and the same step in the audit log."""
    await OrderEvent.insert(
        OrderEvent(
            order=order_id,
            actor=actor.id if actor else None,
            actor_name=actor.full_name if actor else "",
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            note=note,
            at=at,
        )
    )
    await record(
        f"order.{to_status.value}",
        object_type="order",
        object_id=order_id,
        actor=actor,
        company_id=company_id,
        before=from_status.value if from_status else None,
        after=to_status.value,
    )


# --- reading ----------------------------------------------------------------------------------------


@cache  # Piccolo builds joined columns by copying: once per process, not per request
def _order_columns() -> tuple[Column, ...]:
    return (
        *ServiceOrder.all_columns(),
        ServiceOrder.service.code.as_alias("service_code"),
        ServiceOrder.service.name_cs.as_alias("service_name_cs"),
        ServiceOrder.service.name_en.as_alias("service_name_en"),
        ServiceOrder.company.name.as_alias("company_name"),
        ServiceOrder.created_by.full_name.as_alias("created_by_name"),
        ServiceOrder.assigned_to.full_name.as_alias("assigned_to_name"),
    )


def _scope(actor: Actor):
    """Staff see every company's orders; a customer only their own company's."""
    if actor.is_staff:
        return None
    return ServiceOrder.company == actor.company_scope()


def _history_out(event: dict[str, Any]) -> HistoryEntry:
    # the portal's own steps have no actor; their notes are msgids, shown in the reader's language
    automatic = not event["actor_name"]
    return HistoryEntry(
        at=aware(event["at"]),
        actor=gettext(AUTOMATIC) if automatic else event["actor_name"],
        from_=event["from_status"],
        to=event["to_status"],
        note=gettext(note) if automatic and (note := event["note"]) else event["note"],
    )


def _order_out(
    row: dict[str, Any],
    actor: Actor,
    events: list[dict[str, Any]],
    work: list[dict[str, Any]] | None = None,
    ticket: dict[str, Any] | None = None,
) -> OrderOut:
    status = OrderStatus(row["status"])
    billing = Billing(row["billing"])
    quote = None
    if row["quote_net"] is not None:
        quote = QuoteOut(
            net=row["quote_net"],
            vat=row["quote_vat"],
            gross=row["quote_gross"],
            valid_until=row["quote_valid_until"],
            note=row["quote_note"],
            expired=row["quote_valid_until"] < today(),
        )
    return OrderOut(
        id=row["id"],
        number=row["number"],
        status=status.value,
        billing=billing.value,
        service_code=row["service_code"],
        service_name=row["service_name_en"] if current_language() == "en" else row["service_name_cs"],
        quantity=domain.quantity_text(row["quantity"]),
        unit=row["unit"],
        description=row["description"],
        delivery=row["delivery"],
        preferred_date=row["preferred_date"],
        unit_price=row["unit_price"],
        estimate=AmountOut(net=row["estimate_net"], vat=row["estimate_vat"], gross=row["estimate_gross"]),
        quote=quote,
        scheduled_for=row["scheduled_for"],
        assigned_to=row["assigned_to_name"],
        reject_reason=row["reject_reason"],
        logged_minutes=row["logged_minutes"],
        credit_drawn=row["credit_drawn"],
        sbp_unit_price=row["sbp_unit_price"],
        created_at=aware(row["created_at"]),
        company=CompanyRef(id=row["company"], name=row["company_name"]),
        created_by=row["created_by_name"],
        history=[_history_out(event) for event in events],
        actions=[
            *(action.value for action in domain.allowed_actions(billing, status, actor.role)),
            *(["continue_as_pay"] if domain.may_continue_as_pay(billing, status, actor.role) else []),
        ],
        work_logs=[
            WorkLogOut(
                at=aware(w["logged_at"]),
                staff=w["staff_name"],
                minutes=w["minutes"],
                note=w["note"],
                credit_drawn=w["credit_drawn"],
            )
            for w in work or []
        ],
        ticket_id=ticket["id"] if ticket else None,
        ticket_number=ticket["number"] if ticket else None,
    )


async def _events_by_order(order_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return grouped
    events = (
        await OrderEvent.select()
        .where(OrderEvent.order.is_in(order_ids))
        .order_by(OrderEvent.at)
        .order_by(OrderEvent.id)
    )
    for event in events:
        grouped[event["order"]].append(event)
    return grouped


async def _tickets_by_order(order_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The Hotline tickets these orders were converted from, in one query."""
    from backend.tickets.tables import Ticket  # tickets refer to orders, not the other way round

    if not order_ids:
        return {}
    rows = await Ticket.select(Ticket.id, Ticket.number, Ticket.order).where(Ticket.order.is_in(order_ids))
    return {row["order"]: row for row in rows}


async def get_order(actor: Actor, order_id: int) -> OrderOut:
    query = ServiceOrder.select(*_order_columns()).where(ServiceOrder.id == order_id)
    if (scope := _scope(actor)) is not None:
        query = query.where(scope)
    row = await query.first()
    if row is None:
        raise NotFound(N_("Order not found."))
    events = (await _events_by_order([order_id]))[order_id]
    tickets = await _tickets_by_order([order_id])
    work = (
        await WorkLog.select(*WorkLog.all_columns(), WorkLog.staff.full_name.as_alias("staff_name"))
        .where(WorkLog.order == order_id)
        .order_by(WorkLog.logged_at)
    )
    return _order_out(row, actor, events, work, tickets.get(order_id))


def _status_filter(raw: str | None) -> OrderStatus | None:
    if not raw:
        return None
    try:
        return OrderStatus(raw)
    except ValueError:
        raise InvalidInput(N_("Unknown order status %(status)s."), field="status", status=raw) from None


@cache  # one SQL text per shape of list, built on first use (db.Prepared)
def _list_query(
    *, company: bool, status: bool, queue: bool, after: bool, newest_first: bool, size: int
) -> Prepared:
    def build():
        query = ServiceOrder.select(*_order_columns())
        if company:
            query = query.where(ServiceOrder.company == Param("company"))
        if status:
            query = query.where(ServiceOrder.status == Param("status"))
        if queue:
            # the predicate of the partial index service_order_staff_queue, in the SQL (db.status_literal)
            query = query.where(
                status_literal(ServiceOrder.status, (s.value for s in domain.STAFF_QUEUE_STATUSES))
            )
        if after:
            last = Param("last_id")
            query = query.where(ServiceOrder.id < last if newest_first else ServiceOrder.id > last)
        return query.order_by(ServiceOrder.id, ascending=not newest_first).limit(size + 1)

    return Prepared(build)


async def _page(
    actor: Actor,
    *,
    company: int | None = None,
    status: OrderStatus | None = None,
    queue: bool = False,
    newest_first: bool,
    cursor: str | None,
    limit: int | None,
    history: bool,
) -> OrderPage:
    size = page_size(limit)
    last_id = decode_cursor("o", cursor) if cursor else None
    query = _list_query(
        company=company is not None,
        status=status is not None,
        queue=queue,
        after=last_id is not None,
        newest_first=newest_first,
        size=size,
    )
    rows = await query.rows(company=company, status=status.value if status else None, last_id=last_id)
    has_more = len(rows) > size
    rows = rows[:size]
    ids = [row["id"] for row in rows]
    events = await _events_by_order(ids) if history else {}
    tickets = await _tickets_by_order(ids) if history else {}
    return OrderPage(
        items=[
            _order_out(row, actor, events.get(row["id"], []), ticket=tickets.get(row["id"])) for row in rows
        ],
        next_cursor=encode_cursor("o", rows[-1]["id"]) if has_more else None,
    )


async def list_orders(
    actor: Actor,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    history: bool = True,
) -> OrderPage:
    """The caller's company's orders, newest first; keyset pagination on (company, id).
    ``history=False``: without each order's history and ticket, for pages that list orders
    without them (two queries fewer)."""
    return await _page(
        actor,
        company=actor.company_scope(),
        status=_status_filter(status),
        newest_first=True,
        cursor=cursor,
        limit=limit,
        history=history,
    )


async def staff_queue(
    actor: Actor,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    history: bool = True,
) -> OrderPage:
    """Orders waiting for the support team (new requests, accepted quotes), oldest first; or every
    order in one status when asked."""
    actor.require_staff()
    wanted = _status_filter(status)
    return await _page(
        actor,
        status=wanted,
        queue=wanted is None,
        newest_first=False,
        cursor=cursor,
        limit=limit,
        history=history,
    )


# --- changes of status --------------------------------------------------------------------------------


async def _transition(
    actor: Actor,
    order_id: int,
    action: Action,
    *,
    note: str = "",
    changes: dict[Column, Any] | None = None,
    check: Callable[[dict[str, Any]], None] | None = None,
    effect: Callable[[dict[str, Any]], Awaitable[dict[Column, Any]]] | None = None,
) -> OrderOut:
    """Lock the order, check the move against the state machine (and ``check`` against the locked
    row), apply it with ``changes`` and its history entry."""
    async with write_transaction():
        query = ServiceOrder.select().where(ServiceOrder.id == order_id)
        if (scope := _scope(actor)) is not None:
            query = query.where(scope)
        row = await locked(query).first()
        if row is None:
            raise NotFound(N_("Order not found."))
        current = OrderStatus(row["status"])
        target = domain.next_status(Billing(row["billing"]), current, action, actor.role)
        if check is not None:
            check(row)
        more = await effect(row) if effect is not None else {}
        at = now()
        await ServiceOrder.update(
            {ServiceOrder.status: target.value, ServiceOrder.updated_at: at, **(changes or {}), **more}
        ).where(ServiceOrder.id == order_id)
        await _record(order_id, actor, current, target, note, at, row["company"])
    return await get_order(actor, order_id)


def _quote_still_valid(row: dict[str, Any]) -> None:
    if row["quote_valid_until"] is not None and row["quote_valid_until"] < today():
        raise InvalidInput(
            N_("This quote expired on %(date)s and can no longer be accepted. Ask us for a new quote."),
            field="quote",
            date=row["quote_valid_until"].isoformat(),
        )


async def accept_quote(actor: Actor, order_id: int) -> OrderOut:
    return await _transition(actor, order_id, Action.ACCEPT, check=_quote_still_valid)


async def decline_quote(actor: Actor, order_id: int, reason: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.DECLINE, note=domain.check_note(reason))


async def cancel_order(actor: Actor, order_id: int, reason: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.CANCEL, note=domain.check_note(reason))


async def quote_order(actor: Actor, order_id: int, data: QuoteIn) -> OrderOut:
    note = domain.check_note(data.note)
    valid_until = domain.check_future_date(data.valid_until, today(), field="valid_until")
    if data.net <= 0:
        raise InvalidInput(N_("The quoted amount must be more than zero."), field="net")

    if data.net > MAX_AMOUNT:
        raise InvalidInput(N_("That amount is too large."), field="net")

    async def priced(row: dict[str, Any]) -> dict[Column, Any]:
        # VAT at the rate the order was submitted with, so the quote and the estimate agree
        amount = with_vat(data.net, row["vat_rate"])
        return {ServiceOrder.quote_vat: amount.vat, ServiceOrder.quote_gross: amount.gross}

    changes: dict[Column, Any] = {
        ServiceOrder.quote_net: data.net,
        ServiceOrder.quote_valid_until: valid_until,
        ServiceOrder.quote_note: note,
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


async def start_order(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    return await _transition(actor, order_id, Action.START, note=domain.check_note(note))


async def complete_order(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    """Finish the work. A flat-rate service on SBP draws its SBP price (× pieces) now, once."""
    text = domain.check_note(note)

    async def draw_flat_price(row: dict[str, Any]) -> dict[Column, Any]:
        if row["billing"] != Billing.SBP or row["unit"] != Unit.PIECE:
            return {}
        cost = line_amount(row["sbp_unit_price"], row["quantity"], row["vat_rate"]).net
        await credit.draw(
            row["company"],
            cost,
            credit.Booking(EntryKind.DRAW, actor=actor, note=text, order_id=order_id),
        )
        return {ServiceOrder.credit_drawn: row["credit_drawn"] + cost}

    return await _transition(actor, order_id, Action.COMPLETE, note=text, effect=draw_flat_price)


async def continue_as_pay(actor: Actor, order_id: int, note: str = "") -> OrderOut:
    """An SBP order whose credit ran out goes on as PAY: later work draws no credit and is billed."""
    actor.require_staff()
    text = domain.check_note(note) or gettext(N_("Credit ran out; the rest of the work is billed as PAY."))
    async with write_transaction():
        row = await locked(ServiceOrder.select().where(ServiceOrder.id == order_id)).first()
        if row is None:
            raise NotFound(N_("Order not found."))
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
        await _record(order_id, actor, status, status, text, at, row["company"])
        await record(
            "order.continued_as_pay",
            object_type="order",
            object_id=order_id,
            actor=actor,
            company_id=row["company"],
            before="sbp",
            after="pay",
        )
    return await get_order(actor, order_id)


async def log_work(actor: Actor, order_id: int, minutes: int, note: str) -> OrderOut:
    """Staff record time spent on approved or running work."""
    actor.require_staff()
    minutes = domain.check_minutes(minutes)
    text = domain.check_note(note, required=True)
    async with write_transaction():
        row = await locked(ServiceOrder.select().where(ServiceOrder.id == order_id)).first()
        if row is None:
            raise NotFound(N_("Order not found."))
        status = OrderStatus(row["status"])
        if status not in domain.WORK_STATUSES:
            raise InvalidInput(
                N_("Work is logged on approved orders or orders in progress; this one is %(status)s."),
                field="minutes",
                status=Msg(domain.STATUS_LABELS[status]),
            )
        at = now()
        work_log_id = (
            await WorkLog.insert(
                WorkLog(order=order_id, staff=actor.id, minutes=minutes, note=text, logged_at=at)
            ).returning(WorkLog.id)
        )[0]["id"]
        cost = 0
        if row["billing"] == Billing.SBP and row["unit"] in (Unit.HOUR, Unit.DAY):
            # time on SBP work is paid from prepaid credit as it is logged; too little credit
            # refuses the whole log (nothing is written) and says what is left
            cost = work_cost(row["sbp_unit_price"], row["unit"], minutes)
            await credit.draw(
                row["company"],
                cost,
                credit.Booking(
                    EntryKind.DRAW, actor=actor, note=text, order_id=order_id, work_log_id=work_log_id
                ),
            )
            await WorkLog.update({WorkLog.credit_drawn: cost}).where(WorkLog.id == work_log_id)
        await record(
            "order.work_logged",
            object_type="order",
            object_id=order_id,
            actor=actor,
            company_id=row["company"],
            after={"minutes": minutes, "credit_drawn": cost},
        )
        await ServiceOrder.update(
            {
                ServiceOrder.logged_minutes: ServiceOrder.logged_minutes + minutes,
                ServiceOrder.credit_drawn: ServiceOrder.credit_drawn + cost,
                ServiceOrder.updated_at: at,
            }
        ).where(ServiceOrder.id == order_id)
    return await get_order(actor, order_id)
