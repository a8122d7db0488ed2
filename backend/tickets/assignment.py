"""Who on the support team is on a ticket: taken by oneself or assigned by a colleague (who then
tells the assignee by e-mail); every change is in the ticket's audit history."""

from __future__ import annotations

from backend.accounts import services as accounts
from backend.accounts.domain import Actor
from backend.accounts.tables import PortalUser
from backend.audit.services import record
from backend.clock import now
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound
from backend.notifications.services import enqueue_for_staff_member
from backend.tickets.queries import get_ticket
from backend.tickets.schemas import TicketOut
from backend.tickets.tables import Ticket


async def assign(actor: Actor, ticket_id: int, user_id: int | None) -> TicketOut:
    """Put ``user_id`` (an active member of the support team) on the ticket, or nobody."""
    actor.require_staff()
    if user_id is not None and not await accounts.is_active_staff(user_id):
        raise InvalidInput(N_("Choose an active member of the support team."), field="user_id")
    async with write_transaction():
        row = await locked(Ticket.select().where(Ticket.id == ticket_id)).first()
        if row is None:
            raise NotFound(N_("Ticket not found."))
        names = {
            person["id"]: person["full_name"]
            for person in await PortalUser.select(PortalUser.id, PortalUser.full_name).where(
                PortalUser.id.is_in([user_id or 0, row["assignee"] or 0])
            )
        }
        if row["assignee"] == user_id:
            return await get_ticket(actor, ticket_id)  # nothing changes, nobody is told twice
        await Ticket.update({Ticket.assignee: user_id, Ticket.updated_at: now()}).where(
            Ticket.id == ticket_id
        )
        await record(
            "ticket.assigned" if user_id is not None else "ticket.unassigned",
            object_type="ticket",
            object_id=ticket_id,
            actor=actor,
            company_id=row["company"],
            before={"assignee": names.get(row["assignee"])},
            after={"assignee": names.get(user_id)},
        )
        if user_id is not None and user_id != actor.id:
            await enqueue_for_staff_member(
                user_id,
                "ticket_assigned",
                {
                    "number": row["number"],
                    "ticket_id": ticket_id,
                    "subject": row["subject"],
                    "assigned_by": actor.full_name,
                },
                row["company"],
            )
    return await get_ticket(actor, ticket_id)


async def take(actor: Actor, ticket_id: int) -> TicketOut:
    actor.require_staff()
    return await assign(actor, ticket_id, actor.id)
