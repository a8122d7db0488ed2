"""Reading orders: one order, a company's list, the staff queue."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from piccolo.columns import Column
from piccolo.query import Select

from backend.accounts.domain import Actor
from backend.db import Param, Prepared, status_literal
from backend.errors import N_, InvalidInput, NotFound
from backend.orders import domain
from backend.orders.domain import OrderStatus
from backend.orders.read_model import order_out
from backend.orders.schemas import OrderOut, OrderPage
from backend.orders.tables import OrderEvent, ServiceOrder, WorkLog
from backend.pagination import decode_cursor, encode_cursor, page_size
from backend.search import matching, search_terms


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


def visible_to(actor: Actor, query: Select) -> Select:
    """Staff see every company's orders; a customer only their own company's."""
    return query if actor.is_staff else query.where(ServiceOrder.company == actor.company_scope())


# --- one order --------------------------------------------------------------------------------------


async def get_order(actor: Actor, order_id: int) -> OrderOut:
    row = await visible_to(
        actor, ServiceOrder.select(*_order_columns()).where(ServiceOrder.id == order_id)
    ).first()
    if row is None:
        raise NotFound(N_("Order not found."))
    events = (await _events_by_order([order_id]))[order_id]
    tickets = await _tickets_by_order([order_id])
    work = (
        await WorkLog.select(*WorkLog.all_columns(), WorkLog.staff.full_name.as_alias("staff_name"))
        .where(WorkLog.order == order_id)
        .order_by(WorkLog.logged_at)
    )
    from backend.invoices.tables import Invoice  # invoices refer to orders, not the other way round

    invoice = (
        await Invoice.select(Invoice.id, Invoice.number)
        .where(Invoice.source_key == f"order:{order_id}")
        .first()
    )
    return order_out(row, actor, events, work, tickets.get(order_id), invoice)


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


# --- lists ------------------------------------------------------------------------------------------


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
    company = actor.company_scope()
    return await _page(actor, _company_orders, status, cursor, limit, history=history, company=company)


async def staff_queue(
    actor: Actor,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    history: bool = True,
    search: str | None = None,
) -> OrderPage:
    """Orders waiting for the support team (new requests, accepted quotes), oldest first; or every
    order in one status when asked; with ``search``, only those whose number, company or service
    contains every word of it."""
    actor.require_staff()
    terms = search_terms(search)
    if not terms:
        return await _page(actor, _staff_orders, status, cursor, limit, history=history)
    columns = (
        ServiceOrder.number,
        ServiceOrder.company.name,
        ServiceOrder.service.name_cs,
        ServiceOrder.service.name_en,
    )
    searched = partial(_staff_orders.__wrapped__, where=matching(columns, terms))
    return await _page(actor, searched, status, cursor, limit, history=history)


async def _page(
    actor: Actor,
    shape: Callable[..., Prepared],
    status: str | None,
    cursor: str | None,
    limit: int | None,
    *,
    history: bool,
    **values: Any,
) -> OrderPage:
    """One page of the list ``shape`` builds, past ``cursor``; ``values`` bind its other params."""
    wanted = _status_filter(status)
    size = page_size(limit)
    last_id = decode_cursor("o", cursor) if cursor else None
    query = shape(in_status=wanted is not None, after_cursor=last_id is not None, size=size)
    rows = await query.rows(status=wanted.value if wanted else None, last_id=last_id, **values)
    has_more = len(rows) > size
    rows = rows[:size]
    ids = [row["id"] for row in rows]
    events = await _events_by_order(ids) if history else {}
    tickets = await _tickets_by_order(ids) if history else {}
    return OrderPage(
        items=[
            order_out(row, actor, events.get(row["id"], []), ticket=tickets.get(row["id"])) for row in rows
        ],
        next_cursor=encode_cursor("o", rows[-1]["id"]) if has_more else None,
    )


def _status_filter(raw: str | None) -> OrderStatus | None:
    if not raw:
        return None
    try:
        return OrderStatus(raw)
    except ValueError:
        raise InvalidInput(N_("Unknown order status %(status)s."), field="status", status=raw) from None


# One SQL text per shape of list, built on first use (db.Prepared); the values are bound per run.


@cache
def _company_orders(*, in_status: bool, after_cursor: bool, size: int) -> Prepared:
    """One company's orders (``in_status``: only those in one status), newest first."""

    def build() -> Select:
        query = ServiceOrder.select(*_order_columns()).where(ServiceOrder.company == Param("company"))
        if in_status:
            query = query.where(ServiceOrder.status == Param("status"))
        return _keyset_page(query, newest_first=True, after_cursor=after_cursor, size=size)

    return Prepared(build)


@cache
def _staff_orders(*, in_status: bool, after_cursor: bool, size: int, where: Any = None) -> Prepared:
    """Every company's orders in one status (``in_status``), or else what waits for the team;
    oldest first; ``where`` narrows them (a search: not cached, called unwrapped)."""

    def build() -> Select:
        query = ServiceOrder.select(*_order_columns())
        if where is not None:
            query = query.where(where)
        if in_status:
            query = query.where(ServiceOrder.status == Param("status"))
        else:
            # the predicate of the partial index service_order_staff_queue, in the SQL (db.status_literal)
            query = query.where(
                status_literal(ServiceOrder.status, (s.value for s in domain.STAFF_QUEUE_STATUSES))
            )
        return _keyset_page(query, newest_first=False, after_cursor=after_cursor, size=size)

    return Prepared(build)


def _keyset_page(query: Select, *, newest_first: bool, after_cursor: bool, size: int) -> Select:
    """The rows past the cursor's id, and one more to tell whether another page follows."""
    if after_cursor:
        last = Param("last_id")
        query = query.where(ServiceOrder.id < last if newest_first else ServiceOrder.id > last)
    return query.order_by(ServiceOrder.id, ascending=not newest_first).limit(size + 1)
