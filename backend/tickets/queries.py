"""Reading Hotline tickets: one ticket with its thread, a company's list, and the staff queue
(most urgent first), each scoped to what the caller may see."""

from __future__ import annotations

from datetime import datetime
from functools import cache, reduce
from typing import Any

from backend.accounts.domain import Actor
from backend.attachments import services as attachments
from backend.attachments.schemas import AttachmentOut
from backend.clock import aware, now
from backend.db import Param, Prepared, json_value, status_literal
from backend.errors import N_, InvalidInput, NotFound
from backend.pagination import decode_cursor, encode_cursor, page_size
from backend.search import matching, search_terms
from backend.sla.domain import Calendar, Priority
from backend.tickets import domain
from backend.tickets.domain import Clock, TicketAction, TicketStatus
from backend.tickets.schemas import CompanyRef, MessageOut, TicketOut, TicketPage
from backend.tickets.tables import Ticket, TicketMessage


def clock_of(row: dict[str, Any]) -> Clock:
    return Clock(Calendar.from_json(json_value(row["calendar"])))


@cache  # Piccolo builds joined columns by copying: once per process, not per request
def _columns() -> tuple[Any, ...]:
    return (
        *Ticket.all_columns(),
        Ticket.company.name.as_alias("company_name"),
        Ticket.created_by.full_name.as_alias("created_by_name"),
        Ticket.order.number.as_alias("order_number"),
    )


def _out(
    row: dict[str, Any],
    actor: Actor,
    messages: list[dict[str, Any]],
    at: datetime,
    files: dict[int, list[AttachmentOut]] | None = None,
) -> TicketOut:
    status = TicketStatus(row["status"])
    next_due = aware(row["next_due"]) if row["next_due"] else None
    breached = next_due is not None and next_due < at
    # business minutes still left; not counted once overdue (an old breach would cost a scan of years)
    minutes_left = clock_of(row).minutes_left(at, next_due) if next_due and not breached else None
    first_due, resolution_due = aware(row["first_response_due"]), aware(row["resolution_due"])
    answered = aware(row["first_responded_at"]) if row["first_responded_at"] else at
    if status is TicketStatus.WAITING_ON_CUSTOMER:
        stopped = aware(row["paused_since"])
    elif status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        stopped = aware(row["resolved_at"] or row["closed_at"] or at)
    else:
        stopped = at
    if actor.is_staff:
        actions = [
            a.value
            for a in (TicketAction.STAFF_REPLY, TicketAction.ASK_CUSTOMER, TicketAction.RESOLVE)
            if status in domain.TRANSITIONS[a][0]
        ]
        if status in domain.RUNNING | {TicketStatus.WAITING_ON_CUSTOMER} and row["order"] is None:
            actions.append("convert")
    else:
        actions = [
            a.value
            for a in (TicketAction.CUSTOMER_REPLY, TicketAction.CLOSE)
            if status in domain.TRANSITIONS[a][0]
        ]
    return TicketOut(
        id=row["id"],
        number=row["number"],
        status=status.value,
        priority=row["priority"],
        subject=row["subject"],
        description=row["description"],
        product=row["product"],
        terms=row["terms"],
        first_response_due=aware(row["first_response_due"]),
        resolution_due=aware(row["resolution_due"]),
        first_responded_at=aware(row["first_responded_at"]) if row["first_responded_at"] else None,
        resolved_at=aware(row["resolved_at"]) if row["resolved_at"] else None,
        messages=[
            MessageOut(
                author=m["author_name"],
                body=m["body"],
                at=aware(m["created_at"]),
                from_staff=m["from_staff"],
                attachments=(files or {}).get(m["id"], []),
            )
            for m in messages
        ],
        company=CompanyRef(id=row["company"], name=row["company_name"]),
        created_by=row["created_by_name"],
        created_at=aware(row["created_at"]),
        next_due=next_due,
        minutes_left=minutes_left,
        breached=breached,
        first_response_breached=answered > first_due,
        resolution_breached=stopped > resolution_due,
        order_id=row["order"],
        order_number=row["order_number"],
        actions=actions,
    )


def scoped(query, actor: Actor):
    return query if actor.is_staff else query.where(Ticket.company == actor.company_scope())


async def get_ticket(actor: Actor, ticket_id: int) -> TicketOut:
    row = await scoped(Ticket.select(*_columns()).where(Ticket.id == ticket_id), actor).first()
    if row is None:
        raise NotFound(N_("Ticket not found."))
    messages = (
        await TicketMessage.select().where(TicketMessage.ticket == ticket_id).order_by(TicketMessage.id)
    )
    return _out(row, actor, messages, now(), await attachments.by_message(actor, [ticket_id]))


async def _with_messages(actor: Actor, rows: list[dict[str, Any]]) -> list[TicketOut]:
    ids = [row["id"] for row in rows]
    messages: dict[int, list[dict[str, Any]]] = {ticket_id: [] for ticket_id in ids}
    if ids:
        for message in (
            await TicketMessage.select().where(TicketMessage.ticket.is_in(ids)).order_by(TicketMessage.id)
        ):
            messages[message["ticket"]].append(message)
    files = await attachments.by_message(actor, ids)
    at = now()
    return [_out(row, actor, messages[row["id"]], at, files) for row in rows]


@cache  # one SQL text per shape of list, built on first use (db.Prepared)
def _list_query(*, status: bool, after: bool, size: int) -> Prepared:
    def build():
        query = Ticket.select(*_columns()).where(Ticket.company == Param("company"))
        if status:
            query = query.where(Ticket.status == Param("status"))
        if after:
            query = query.where(Ticket.id < Param("last_id"))
        return query.order_by(Ticket.id, ascending=False).limit(size + 1)

    return Prepared(build)


async def list_tickets(
    actor: Actor,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    thread: bool = True,
) -> TicketPage:
    """The caller's company's tickets, newest first, a page at a time. ``thread=False``: without
    their messages, for pages that list tickets without them (a query fewer)."""
    size = page_size(limit)
    if status and status not in {s.value for s in TicketStatus}:
        raise InvalidInput(N_("Unknown ticket status %(status)s."), field="status", status=status)
    last_id = decode_cursor("t", cursor) if cursor else None
    query = _list_query(status=bool(status), after=last_id is not None, size=size)
    rows = await query.rows(company=actor.company_scope(), status=status, last_id=last_id)
    if thread:
        items = await _with_messages(actor, rows[:size])
    else:
        at = now()
        items = [_out(row, actor, [], at) for row in rows[:size]]
    return TicketPage(
        items=items,
        next_cursor=encode_cursor("t", rows[size - 1]["id"]) if len(rows) > size else None,
    )


QUEUE_LIMIT = 50  # the most urgent running tickets, then as many waiting: a page, not the whole backlog


QUEUE_STATES = {"running": domain.RUNNING, "waiting": frozenset({TicketStatus.WAITING_ON_CUSTOMER})}


def _queue_query(states: frozenset[TicketStatus], limit: int, where: Any = None) -> Prepared:
    """Tickets in ``states`` for the queue: the running ones by their nearest due instant, the
    waiting ones oldest first; ``where`` narrows them (a search, a priority)."""

    def build() -> Any:
        # the predicate of the partial index ticket_running_due, in the SQL (db.status_literal)
        query = Ticket.select(*_columns()).where(status_literal(Ticket.status, (s.value for s in states)))
        if where is not None:
            query = query.where(where)
        if states == domain.RUNNING:
            query = query.order_by(Ticket.next_due)
        return query.order_by(Ticket.id).limit(limit)

    return Prepared(build)


@cache  # built on first use (db.Prepared): the unfiltered queue is the one opened all day
def _queue_queries(limit: int) -> tuple[Prepared, Prepared]:
    return _queue_query(QUEUE_STATES["running"], limit), _queue_query(QUEUE_STATES["waiting"], limit)


def _queue_filter(search: str | None, priority: str | None) -> Any:
    if priority and priority not in {p.value for p in Priority}:
        raise InvalidInput(N_("Unknown priority %(priority)s."), field="priority", priority=priority)
    terms = search_terms(search)
    clauses = [
        *([Ticket.priority == priority] if priority else []),
        *([matching((Ticket.number, Ticket.subject, Ticket.company.name), terms)] if terms else []),
    ]
    return reduce(lambda left, right: left & right, clauses) if clauses else None


async def staff_queue(
    actor: Actor, *, search: str | None = None, priority: str | None = None, show: str | None = None
) -> list[TicketOut]:
    """Open tickets the team owes an answer on, the earliest due first (so breached ones lead),
    then those waiting on the customer. Threads are not loaded: the queue shows no messages.
    Optionally only those ``show`` names ("running" or "waiting"), one ``priority``, and those whose number,
    subject or company contains every word of ``search``."""
    actor.require_staff()
    if show and show not in QUEUE_STATES:
        raise InvalidInput(N_("Unknown part of the queue %(show)s."), field="show", show=show)
    where = _queue_filter(search, priority)
    if where is None:
        queries = _queue_queries(QUEUE_LIMIT)
    else:
        queries = tuple(_queue_query(states, QUEUE_LIMIT, where) for states in QUEUE_STATES.values())
    wanted = [query for name, query in zip(QUEUE_STATES, queries, strict=True) if not show or name == show]
    rows = [row for query in wanted for row in await query.rows()]
    at = now()
    return [_out(row, actor, [], at) for row in rows]


async def staff_queue_sizes(actor: Actor) -> dict[str, int]:
    """How many tickets the whole queue holds, so the page can say what lies past its first page."""
    actor.require_staff()
    running = await Ticket.count().where(status_literal(Ticket.status, (s.value for s in domain.RUNNING)))
    waiting = await Ticket.count().where(
        status_literal(Ticket.status, [TicketStatus.WAITING_ON_CUSTOMER.value])
    )
    return {"running": running, "waiting": waiting, "shown": QUEUE_LIMIT}
