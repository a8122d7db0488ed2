"""Use cases of Hotline tickets. Each change locks the ticket row, moves its status by the rules
of tickets/domain.py and keeps its due instants in business time, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from backend.accounts import services as accounts
from backend.accounts.domain import Actor, collect
from backend.alc import services as alc
from backend.attachments import services as attachments
from backend.attachments.domain import safe_name
from backend.attachments.services import IncomingFile
from backend.audit.services import record
from backend.clock import PRAGUE, aware, now
from backend.db import locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from backend.i18n import gettext
from backend.notifications.services import enqueue_for_managers, enqueue_for_staff
from backend.numbering import next_in_year
from backend.orders import placing as orders
from backend.orders.schemas import OrderIn
from backend.orders.tables import ServiceOrder
from backend.sla import services as sla
from backend.sla.domain import PRIORITY_LABELS, Priority
from backend.tickets import domain, ratings
from backend.tickets import time as ticket_time
from backend.tickets.domain import Clock, TicketAction, TicketStatus
from backend.tickets.queries import clock_of, get_ticket, scoped
from backend.tickets.schemas import ConvertIn, TicketIn, TicketOut
from backend.tickets.tables import Ticket, TicketMessage, TicketNumberCounter
from backend.webhooks.services import emit_ticket_created, emit_ticket_step

OPEN_STATUSES = [TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.WAITING_ON_CUSTOMER.value]
NO_HOTLINE = N_(
    "Your company has no ALC maintenance contract or SLA contract, so the Hotline is not available. "
    "Order paid support (PAY) from the service catalogue instead."
)


def _next_due(status: TicketStatus, first_response_due: datetime, resolution_due: datetime, responded: bool):
    """What the team owes next while the clock runs; nothing while waiting or resolved."""
    if status not in domain.RUNNING:
        return None
    return resolution_due if responded else first_response_due


# --- opening -----------------------------------------------------------------------------------------


async def open_ticket(actor: Actor, data: TicketIn, files: Sequence[IncomingFile] = ()) -> TicketOut:
    """A customer reports a problem. The ticket runs under the SLA contract's targets, or the
    ALC defaults for ALC-only customers; other companies are pointed to PAY ordering. Files sent
    with it hang on a first message without text (the description is the ticket's own)."""
    company_id = actor.company_scope()
    terms = await sla.terms_for(company_id)
    if terms is None:
        raise PermissionDenied(NO_HOTLINE)
    texts = collect(
        subject=lambda: domain.check_text(
            data.subject,
            field="subject",
            message=N_("Write a short subject."),
            max_length=domain.SUBJECT_MAX_LENGTH,
        ),
        description=lambda: domain.check_text(
            data.description, field="description", message=N_("Describe the problem.")
        ),
    )
    subject, description = texts["subject"], texts["description"]
    product = " ".join((data.product or "").split())
    if terms.kind == "alc":
        covered = {p for contract in await alc.active_contracts(company_id) for p in contract.products}
        if product not in covered:
            raise InvalidInput(N_("Choose one of the products your ALC contract covers."), field="product")
    elif len(product) > 200:
        raise InvalidInput(N_("At most %(max)d characters, please."), field="product", max=200)
    priority = Priority(data.priority)
    actor_company_name = await accounts.company_name(company_id)
    target = terms.targets[priority]
    clock = Clock(terms.calendar)
    created = now()
    first_due = clock.due(created, target.first_response)
    resolution_due = clock.due(created, target.resolution)
    async with write_transaction():
        year = created.astimezone(PRAGUE).year
        number = domain.ticket_number(year, await next_in_year(TicketNumberCounter, year))
        ticket_id = (
            await Ticket.insert(
                Ticket(
                    number=number,
                    company=company_id,
                    created_by=actor.id,
                    subject=subject,
                    description=description,
                    product=product,
                    priority=priority.value,
                    status=TicketStatus.NEW.value,
                    terms=terms.kind,
                    calendar=terms.calendar.to_json(),
                    first_response_minutes=target.first_response,
                    resolution_minutes=target.resolution,
                    first_response_due=first_due,
                    resolution_due=resolution_due,
                    next_due=first_due,
                    reply_token=domain.new_reply_token(),
                    created_at=created,
                    updated_at=created,
                )
            ).returning(Ticket.id)
        )[0]["id"]
        if files:
            await _message_with_files(actor, ticket_id, "", created, files)
        await record(
            "ticket.opened",
            object_type="ticket",
            object_id=ticket_id,
            actor=actor,
            after={"number": number, "priority": priority.value, "terms": terms.kind},
        )
        await emit_ticket_created(ticket_id, number, priority.value, company_id)
        await enqueue_for_staff(
            "ticket_opened",
            {
                "number": number,
                "ticket_id": ticket_id,
                "company": actor_company_name,
                "subject": subject,
                "priority": PRIORITY_LABELS[priority],  # a msgid: the e-mail says it in the reader's language
                "due": first_due.isoformat(),
                "files": [safe_name(file.name) for file in files],
            },
            company_id,
        )
    return await get_ticket(actor, ticket_id)


# --- the thread and the clock --------------------------------------------------------------------------


async def _change(
    actor: Actor,
    ticket_id: int,
    action: TicketAction,
    body: str | None,
    extra: dict[Any, Any] | None = None,
    files: Sequence[IncomingFile] = (),
) -> TicketOut:
    async with write_transaction():
        row = await locked(scoped(Ticket.select().where(Ticket.id == ticket_id), actor)).first()
        if row is None:
            raise NotFound(N_("Ticket not found."))
        current = TicketStatus(row["status"])
        target = domain.next_status(current, action)
        at = now()
        clock = clock_of(row)
        resolution_due = aware(row["resolution_due"])
        changes: dict[Any, Any] = {Ticket.status: target.value, Ticket.updated_at: at, **(extra or {})}
        if current in domain.PAUSED and target not in domain.PAUSED and target is not TicketStatus.CLOSED:
            # the clock stood still while the ticket waited or lay resolved: move the resolution
            # due by exactly that business time
            paused = clock.paused(aware(row["paused_since"]), at)
            resolution_due = clock.resume(resolution_due, paused)
            changes.update(
                {
                    Ticket.paused_since: None,
                    Ticket.paused_seconds: row["paused_seconds"] + paused,
                    Ticket.resolution_due: resolution_due,
                }
            )
        if target in domain.PAUSED and current not in domain.PAUSED:
            changes[Ticket.paused_since] = at
        responded = row["first_responded_at"] is not None
        staff_wrote = actor.is_staff and bool(body)
        if staff_wrote and not responded:
            changes[Ticket.first_responded_at] = at  # any first written word from the team
            responded = True
        if target is TicketStatus.RESOLVED:
            changes[Ticket.resolved_at] = at
        if target is TicketStatus.CLOSED:
            changes[Ticket.closed_at] = at
        if current is TicketStatus.RESOLVED and target is TicketStatus.OPEN:
            changes[Ticket.resolved_at] = None
        changes[Ticket.next_due] = _next_due(
            target, aware(row["first_response_due"]), resolution_due, responded
        )
        await Ticket.update(changes).where(Ticket.id == ticket_id)
        await record(
            f"ticket.{action.value}",
            object_type="ticket",
            object_id=ticket_id,
            actor=actor,
            company_id=row["company"],
            before=current.value,
            after=target.value,
        )
        await emit_ticket_step(ticket_id, target.value, row["company"])
        if target is TicketStatus.RESOLVED:
            await ratings.ask_for_rating(row, at)
        if body:
            await _message_with_files(actor, ticket_id, body, at, files)
    return await get_ticket(actor, ticket_id)


async def _message_with_files(
    actor: Actor,
    ticket_id: int,
    body: str,
    at: datetime,
    files: Sequence[IncomingFile],
    *,
    internal: bool = False,
) -> int:
    message_id = (
        await TicketMessage.insert(
            TicketMessage(
                ticket=ticket_id,
                author=actor.id,
                author_name=actor.full_name,
                from_staff=actor.is_staff,
                internal=internal,
                body=body,
                created_at=at,
            )
        ).returning(TicketMessage.id)
    )[0]["id"]
    await attachments.add_to_message(message_id, files)
    return message_id


def _body(raw: str | None, *, required: bool = True) -> str:
    if not required and not (raw or "").strip():
        return ""
    return domain.check_text(raw, field="body", message=N_("Write a message."))


async def customer_reply(
    actor: Actor, ticket_id: int, body: str, files: Sequence[IncomingFile] = (), *, internal: bool = False
) -> TicketOut:
    """A reply from the company; it reopens a ticket that waited on them or was resolved."""
    if actor.is_staff:
        raise PermissionDenied(N_("This part of the portal is for customer accounts."))
    if internal:
        raise PermissionDenied(N_("Internal notes are for the support team; send your message as a reply."))
    return await _change(actor, ticket_id, TicketAction.CUSTOMER_REPLY, _body(body), files=files)


async def close_ticket(actor: Actor, ticket_id: int) -> TicketOut:
    if actor.is_staff:
        raise PermissionDenied(N_("This part of the portal is for customer accounts."))
    return await _change(actor, ticket_id, TicketAction.CLOSE, None)


async def staff_reply(
    actor: Actor,
    ticket_id: int,
    body: str,
    *,
    wait_for_customer: bool = False,
    internal: bool = False,
    files: Sequence[IncomingFile] = (),
) -> TicketOut:
    """An answer from the team; the first one records the first response. Asking the customer
    something stops the clock until they reply. ``internal``: a note for the team instead."""
    actor.require_staff()
    if internal:
        if wait_for_customer:
            raise InvalidInput(
                N_("An internal note does not go to the customer, so it cannot ask them anything."),
                field="wait_for_customer",
            )
        return await add_note(actor, ticket_id, body, files)
    action = TicketAction.ASK_CUSTOMER if wait_for_customer else TicketAction.STAFF_REPLY
    async with write_transaction():
        ticket = await _change(actor, ticket_id, action, _body(body), files=files)
        row = await Ticket.select(Ticket.company, Ticket.created_by).where(Ticket.id == ticket_id).first()
        await enqueue_for_managers(
            row["company"],
            "ticket_answered",
            {
                "number": ticket.number,
                "ticket_id": ticket_id,
                "subject": ticket.subject,
                "files": [safe_name(file.name) for file in files],
            },
            also=[row["created_by"]],
        )
    return ticket


async def add_note(actor: Actor, ticket_id: int, body: str, files: Sequence[IncomingFile] = ()) -> TicketOut:
    """A note among the support team in the thread. The customer never sees it (not in pages, the
    API or e-mail), and it is no answer: the status, the clock and the first response stay."""
    actor.require_staff()
    text = _body(body)
    async with write_transaction():
        row = await locked(Ticket.select().where(Ticket.id == ticket_id)).first()
        if row is None:
            raise NotFound(N_("Ticket not found."))
        if row["merged_into"] is not None:
            raise Conflict(N_("This ticket was merged into another one: write there."))
        at = now()
        await _message_with_files(actor, ticket_id, text, at, files, internal=True)
        await Ticket.update({Ticket.updated_at: at}).where(Ticket.id == ticket_id)
        await record(
            "ticket.note_added",
            object_type="ticket",
            object_id=ticket_id,
            actor=actor,
            company_id=row["company"],
        )
    return await get_ticket(actor, ticket_id)


async def resolve_ticket(actor: Actor, ticket_id: int, body: str = "") -> TicketOut:
    actor.require_staff()
    return await _change(actor, ticket_id, TicketAction.RESOLVE, _body(body, required=False))


async def convert_to_order(actor: Actor, ticket_id: int, data: ConvertIn) -> TicketOut:
    """A ticket beyond ALC scope becomes a PAY order for the same company, ordered in the name of
    whoever opened the ticket; the ticket is resolved with a link to the order, and the order's
    history names the ticket."""
    actor.require_staff()
    async with write_transaction():
        row = await locked(Ticket.select().where(Ticket.id == ticket_id)).first()
        if row is None:
            raise NotFound(N_("Ticket not found."))
        if row["order"] is not None:
            raise InvalidInput(N_("This ticket has already been converted into an order."), field="ticket")
        description = f"{row['subject']}\n\n{row['description']}"
        if data.note.strip():
            description += f"\n\n{data.note.strip()}"
        order_id = await orders.place_order(
            row["company"],
            row["created_by"],
            actor,
            OrderIn(service_code=data.service_code, quantity=data.quantity, description=description[:4000]),
            note=gettext(N_("From Hotline ticket %(number)s."), number=row["number"]),
        )
        order_number = (
            await ServiceOrder.select(ServiceOrder.number).where(ServiceOrder.id == order_id).first()
        )["number"]
        await Ticket.update({Ticket.order: order_id}).where(Ticket.id == ticket_id)
        await ticket_time.carry_into_order(actor, ticket_id, row["number"], order_id)
        message = gettext(
            N_("This goes beyond the Hotline; we have created order %(number)s for it."), number=order_number
        )
        return await _change(actor, ticket_id, TicketAction.RESOLVE, message)
