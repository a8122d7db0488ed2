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
from backend.tickets.schemas import CompanyRef, MessageOut, RatingOut, StaffRef, TicketOut, TicketPage
from backend.tickets.tables import Ticket, TicketMessage, TicketRating


def clock_of(row: dict[str, Any]) -> Clock:
    return Clock(Calendar.from_json(json_value(row["calendar"])))


@cache  # Piccolo builds joined columns by copying: once per process, not per request
def _columns() -> tuple[Any, ...]:
    return (
        *Ticket.all_columns(),
        Ticket.company.name.as_alias("company_name"),
        Ticket.created_by.full_name.as_alias("created_by_name"),
        Ticket.order.number.as_alias("order_number"),
        Ticket.assignee.full_name.as_alias("assignee_name"),
        Ticket.merged_into.number.as_alias("merged_into_number"),
    )


def _rating_out(row: dict[str, Any]) -> RatingOut:
    return RatingOut(
        resolution=row["resolution"],
        asked_at=aware(row["asked_at"]),
        verdict=None if row["good"] is None else ("good" if row["good"] else "bad"),
        comment=row["comment"],
        rated_at=aware(row["rated_at"]) if row["rated_at"] else None,
        engineer=row["engineer_name"],
    )


async def latest_ratings(ticket_ids: list[int]) -> dict[int, RatingOut]:
    """Each ticket's rating of its latest resolution (asked for, maybe not yet given)."""
    if not ticket_ids:
        return {}
    rows = (
        await TicketRating.select(
            *TicketRating.all_columns(exclude=[TicketRating.token_hash]),
            TicketRating.engineer.full_name.as_alias("engineer_name"),
        )
        .where(TicketRating.ticket.is_in(ticket_ids))
        .order_by(TicketRating.resolution)
    )
    return {row["ticket"]: _rating_out(row) for row in rows}  # the last resolution wins


def _visible(query, actor: Actor):
    """The thread as the caller may read it: internal notes are the support team's only."""
    if actor.is_staff:
        return query
    return query.where(TicketMessage.internal == False)  # noqa: E712 - Piccolo builds SQL from ==


def _thread(query):
    # moved messages of a merged duplicate keep their times: the thread is in time order, not id order
    return query.order_by(TicketMessage.created_at).order_by(TicketMessage.id)


def _out(
    row: dict[str, Any],
    actor: Actor,
    messages: list[dict[str, Any]],
    at: datetime,
    *,
    files: dict[int, list[AttachmentOut]] | None = None,
    rating: RatingOut | None = None,
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
                id=m["id"],
                author=m["author_name"],
                body=m["body"],
                at=aware(m["created_at"]),
                from_staff=m["from_staff"],
                attachments=(files or {}).get(m["id"], []),
                internal=m["internal"],
            )
            for m in messages
            if actor.is_staff or not m["internal"]  # a second guard behind the query's
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
        assignee=StaffRef(id=row["assignee"], name=row["assignee_name"]) if row["assignee"] else None,
        merged_into_id=row["merged_into"],
        merged_into_number=row["merged_into_number"],
        rating=rating,
        closed_at=aware(row["closed_at"]) if row["closed_at"] else None,
    )


def scoped(query, actor: Actor):
    return query if actor.is_staff else query.where(Ticket.company == actor.company_scope())


async def get_ticket(actor: Actor, ticket_id: int) -> TicketOut:
    row = await scoped(Ticket.select(*_columns()).where(Ticket.id == ticket_id), actor).first()
    if row is None:
        raise NotFound(N_("Ticket not found."))
    messages = await _thread(_visible(TicketMessage.select().where(TicketMessage.ticket == ticket_id), actor))
    ratings = await latest_ratings([ticket_id])
    files = await attachments.by_message(actor, [ticket_id])
    return _out(row, actor, messages, now(), files=files, rating=ratings.get(ticket_id))


async def _with_messages(actor: Actor, rows: list[dict[str, Any]]) -> list[TicketOut]:
    ids = [row["id"] for row in rows]
    messages: dict[int, list[dict[str, Any]]] = {ticket_id: [] for ticket_id in ids}
    if ids:
        for message in await _thread(
            _visible(TicketMessage.select().where(TicketMessage.ticket.is_in(ids)), actor)
        ):
            messages[message["ticket"]].append(message)
    files = await attachments.by_message(actor, ids)
    ratings = await latest_ratings(ids)
    at = now()
    return [
        _out(row, actor, messages[row["id"]], at, files=files, rating=ratings.get(row["id"])) for row in rows
    ]


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


ASSIGNED_FILTERS = ("mine", "unassigned")


def _queue_filter(
    actor: Actor, search: str | None, priority: str | None, assigned: str | None, company: int | None
) -> Any:
    if priority and priority not in {p.value for p in Priority}:
        raise InvalidInput(N_("Unknown priority %(priority)s."), field="priority", priority=priority)
    if assigned and assigned not in ASSIGNED_FILTERS:
        raise InvalidInput(N_("Unknown assignment filter %(assigned)s."), field="assigned", assigned=assigned)
    terms = search_terms(search)
    clauses = [
        *([Ticket.priority == priority] if priority else []),
        *([Ticket.assignee == actor.id] if assigned == "mine" else []),
        *([Ticket.assignee.is_null()] if assigned == "unassigned" else []),
        *([Ticket.company == company] if company else []),
        *([matching((Ticket.number, Ticket.subject, Ticket.company.name), terms)] if terms else []),
    ]
    return reduce(lambda left, right: left & right, clauses) if clauses else None


async def staff_queue(
    actor: Actor,
    *,
    search: str | None = None,
    priority: str | None = None,
    show: str | None = None,
    assigned: str | None = None,
    company: int | None = None,
) -> list[TicketOut]:
    """Open tickets the team owes an answer on, the earliest due first (so breached ones lead),
    then those waiting on the customer. Threads are not loaded: the queue shows no messages.
    Optionally only those ``show`` names ("running" or "waiting"), one ``priority``, and those whose number,
    subject or company contains every word of ``search``; ``assigned`` "mine" or "unassigned";
    one ``company``. A ticket whose latest rating was bad carries it, for the queue to show."""
    actor.require_staff()
    if show and show not in QUEUE_STATES:
        raise InvalidInput(N_("Unknown part of the queue %(show)s."), field="show", show=show)
    where = _queue_filter(actor, search, priority, assigned, company)
    if where is None:
        queries = _queue_queries(QUEUE_LIMIT)
    else:
        queries = tuple(_queue_query(states, QUEUE_LIMIT, where) for states in QUEUE_STATES.values())
    wanted = [query for name, query in zip(QUEUE_STATES, queries, strict=True) if not show or name == show]
    rows = [row for query in wanted for row in await query.rows()]
    ratings = await latest_ratings([row["id"] for row in rows])
    at = now()
    return [_out(row, actor, [], at, rating=ratings.get(row["id"])) for row in rows]


async def staff_queue_sizes(actor: Actor) -> dict[str, int]:
    """How many tickets the whole queue holds, so the page can say what lies past its first page."""
    actor.require_staff()
    running = await Ticket.count().where(status_literal(Ticket.status, (s.value for s in domain.RUNNING)))
    waiting = await Ticket.count().where(
        status_literal(Ticket.status, [TicketStatus.WAITING_ON_CUSTOMER.value])
    )
    return {"running": running, "waiting": waiting, "shown": QUEUE_LIMIT}


async def queue_companies(actor: Actor) -> list[dict[str, Any]]:
    """The companies with open tickets, by name: what the queue's company filter offers."""
    actor.require_staff()
    rows = await (
        Ticket.select(Ticket.company.as_alias("id"), Ticket.company.name.as_alias("name"))
        .where(Ticket.status.is_in(OPEN_STATUSES))
        .distinct()
    )
    return sorted(rows, key=lambda row: (row["name"], row["id"]))


OPEN_STATUSES = [status.value for status in (*domain.RUNNING, TicketStatus.WAITING_ON_CUSTOMER)]
MERGE_TARGETS_SHOWN = 50


async def merge_targets(actor: Actor, ticket: TicketOut) -> list[dict[str, Any]]:
    """The company's other tickets a duplicate could go into (not closed, not merged), newest
    first: the merge form's suggestions."""
    actor.require_staff()
    return await (
        Ticket.select(Ticket.id, Ticket.number, Ticket.subject)
        .where(
            (Ticket.company == ticket.company.id)
            & (Ticket.id != ticket.id)
            & (Ticket.status != TicketStatus.CLOSED.value)
            & Ticket.merged_into.is_null()
        )
        .order_by(Ticket.id, ascending=False)
        .limit(MERGE_TARGETS_SHOWN)
    )
