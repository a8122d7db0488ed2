"""Merging a duplicate into another ticket of the same company, in one transaction: the
duplicate's thread (and with its messages, whatever hangs on them) and logged time move over, its
own description becomes a message at the time it was reported, and it is closed pointing to the
ticket it went into. The customer is told; both tickets' histories say so."""

from __future__ import annotations

from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.tables import PortalUser
from backend.audit.services import record
from backend.clock import aware, now
from backend.db import locked, write_transaction
from backend.errors import N_, NotFound
from backend.i18n import DEFAULT_LANGUAGE, gettext, reset_language, use_language
from backend.notifications.services import enqueue_for_managers
from backend.tickets import domain
from backend.tickets import time as ticket_time
from backend.tickets.domain import MergeSide, TicketStatus
from backend.tickets.queries import get_ticket
from backend.tickets.schemas import TicketOut
from backend.tickets.tables import Ticket, TicketMessage


def _side(row: dict[str, Any] | None) -> MergeSide | None:
    if row is None:
        return None
    return MergeSide(
        id=row["id"],
        company=row["company"],
        status=TicketStatus(row["status"]),
        merged_into=row["merged_into"],
        order=row["order"],
    )


async def merge_ticket(actor: Actor, duplicate_id: int, target_number: str) -> TicketOut:
    """Returns the duplicate as it is after the merge (closed, pointing to the target)."""
    actor.require_staff()
    number = target_number.strip().upper()
    async with write_transaction():
        found = await Ticket.select(Ticket.id).where(Ticket.number == number).first()
        ids = sorted({duplicate_id, *([found["id"]] if found else [])})
        # both rows locked, always in the same order: two merges of the same pair cannot deadlock
        rows = {
            row["id"]: row
            for row in await locked(Ticket.select().where(Ticket.id.is_in(ids)).order_by(Ticket.id))
        }
        duplicate = rows.get(duplicate_id)
        if duplicate is None:
            raise NotFound(N_("Ticket not found."))
        target = rows.get(found["id"]) if found else None
        domain.check_merge(_side(duplicate), _side(target))  # type: ignore[arg-type]
        assert target is not None
        at = now()
        await TicketMessage.update({TicketMessage.ticket: target["id"]}).where(
            TicketMessage.ticket == duplicate_id
        )
        reporter = await _reporter(duplicate["created_by"])
        # the thread is the customer's: the heading goes in the reporter's language, not the clicker's
        token = use_language(reporter["language"])
        try:
            heading = gettext(
                N_("(Reported as %(number)s: %(subject)s)"),
                number=duplicate["number"],
                subject=duplicate["subject"],
            )
        finally:
            reset_language(token)
        await TicketMessage.insert(
            TicketMessage(
                ticket=target["id"],
                author=duplicate["created_by"],
                author_name=reporter["full_name"],
                from_staff=False,
                body=heading + "\n\n" + duplicate["description"],
                created_at=aware(duplicate["created_at"]),
            )
        )
        await ticket_time.move_time(duplicate_id, target["id"])
        await Ticket.update(
            {
                Ticket.status: TicketStatus.CLOSED.value,
                Ticket.closed_at: at,
                Ticket.next_due: None,
                Ticket.merged_into: target["id"],
                Ticket.updated_at: at,
            }
        ).where(Ticket.id == duplicate_id)
        await Ticket.update({Ticket.updated_at: at}).where(Ticket.id == target["id"])
        await record(
            "ticket.merged",
            object_type="ticket",
            object_id=duplicate_id,
            actor=actor,
            company_id=duplicate["company"],
            before=duplicate["status"],
            after={"merged_into": target["number"]},
        )
        await record(
            "ticket.merged_in",
            object_type="ticket",
            object_id=target["id"],
            actor=actor,
            company_id=target["company"],
            after={"from": duplicate["number"]},
        )
        await enqueue_for_managers(
            duplicate["company"],
            "ticket_merged",
            {
                "number": duplicate["number"],
                "target_number": target["number"],
                "ticket_id": target["id"],
                "subject": duplicate["subject"],
            },
            also={duplicate["created_by"], target["created_by"]},
        )
    return await get_ticket(actor, duplicate_id)


async def _reporter(user_id: int) -> dict[str, str]:
    row = (
        await PortalUser.select(PortalUser.full_name, PortalUser.language)
        .where(PortalUser.id == user_id)
        .first()
    )
    return row or {"full_name": "", "language": DEFAULT_LANGUAGE}
