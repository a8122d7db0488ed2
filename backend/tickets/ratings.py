"""Satisfaction: each time a ticket is resolved the customer is asked once whether the answer
helped (good or bad, a comment if they like), on the ticket page and by a link in the e-mail that
works without signing in. Only the link token's hash is kept; a rating is given once per
resolution, and only while that resolution is the ticket's latest and it is still resolved or
closed (a customer who reopened it says so by replying instead)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.security import new_token, token_hash
from backend.audit.services import record
from backend.clock import now
from backend.db import locked, write_transaction
from backend.errors import N_, Conflict, NotFound, PermissionDenied
from backend.notifications.services import enqueue_for_managers
from backend.tickets.domain import TicketStatus
from backend.tickets.queries import get_ticket, scoped
from backend.tickets.schemas import RatingIn, TicketOut
from backend.tickets.tables import Ticket, TicketRating

RATEABLE = frozenset({TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value})
NOT_ASKED = N_("This ticket has no answer waiting for your rating.")
ALREADY_RATED = N_("The answer has been rated already. Thank you.")
LINK_GONE = N_("This rating link is not valid any more: the ticket has been rated or reopened since.")


async def ask_for_rating(ticket: dict[str, Any], at: datetime) -> None:
    """In the resolving transaction: a new request for this resolution, e-mailed with the
    ticket's resolution to the company's managers and whoever reported it."""
    resolution = await TicketRating.count().where(TicketRating.ticket == ticket["id"]) + 1
    token = new_token()
    await TicketRating.insert(
        TicketRating(
            ticket=ticket["id"],
            resolution=resolution,
            token_hash=token_hash(token),
            engineer=ticket["assignee"],
            asked_at=at,
        )
    )
    await enqueue_for_managers(
        ticket["company"],
        "ticket_resolved",
        {"number": ticket["number"], "ticket_id": ticket["id"], "subject": ticket["subject"], "token": token},
        also=[ticket["created_by"]],
    )


async def _open_request(ticket_id: int) -> dict[str, Any] | None:
    """The latest resolution's request if it still waits for a rating."""
    row = (
        await TicketRating.select()
        .where(TicketRating.ticket == ticket_id)
        .order_by(TicketRating.resolution, ascending=False)
        .first()
    )
    return row if row is not None and row["rated_at"] is None else None


async def _rate(request: dict[str, Any], ticket: dict[str, Any], data: RatingIn, actor: Actor | None) -> None:
    at = now()
    comment = data.comment.strip()
    await TicketRating.update(
        {
            TicketRating.good: data.verdict == "good",
            TicketRating.comment: comment,
            TicketRating.rated_at: at,
            TicketRating.rated_by: actor.id if actor else None,
        }
    ).where(TicketRating.id == request["id"])
    await record(
        "ticket.rated",
        object_type="ticket",
        object_id=ticket["id"],
        actor=actor,
        company_id=ticket["company"],
        after={"verdict": data.verdict, "resolution": request["resolution"], "comment": comment},
    )


async def rate_ticket(actor: Actor, ticket_id: int, data: RatingIn) -> TicketOut:
    """A signed-in customer rates the latest resolution of their company's ticket."""
    if actor.is_staff:
        raise PermissionDenied(N_("This part of the portal is for customer accounts."))
    async with write_transaction():
        ticket = await locked(scoped(Ticket.select().where(Ticket.id == ticket_id), actor)).first()
        if ticket is None:
            raise NotFound(N_("Ticket not found."))
        asked = await TicketRating.count().where(TicketRating.ticket == ticket_id)
        request = await _open_request(ticket_id)
        if ticket["status"] not in RATEABLE or request is None:
            raise Conflict(ALREADY_RATED if asked and ticket["status"] in RATEABLE else NOT_ASKED)
        await _rate(request, ticket, data, actor)
    return await get_ticket(actor, ticket_id)


async def request_for_link(token: str) -> dict[str, Any]:
    """What a rating link asks about: the ticket's number and subject; NotFound once it is used,
    superseded by a later resolution, or the ticket reopened."""
    found = await _link(token)
    return {"number": found[1]["number"], "subject": found[1]["subject"]}


async def _link(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if len(token) > 100:
        raise NotFound(LINK_GONE)
    request = await TicketRating.select().where(TicketRating.token_hash == token_hash(token)).first()
    if request is None:
        raise NotFound(LINK_GONE)
    ticket = await Ticket.select().where(Ticket.id == request["ticket"]).first()
    latest = await _open_request(request["ticket"])
    if ticket is None or ticket["status"] not in RATEABLE or latest is None or latest["id"] != request["id"]:
        raise NotFound(LINK_GONE)
    return request, ticket


async def rate_by_link(token: str, data: RatingIn) -> str:
    """The e-mail's link, without signing in: rates that resolution once. Returns the ticket's number."""
    async with write_transaction():
        request, ticket = await _link(token)
        await locked(Ticket.select(Ticket.id).where(Ticket.id == ticket["id"])).first()
        latest = await _open_request(ticket["id"])
        if latest is None or latest["id"] != request["id"]:  # rated meanwhile in another tab
            raise NotFound(LINK_GONE)
        await _rate(request, ticket, data, None)
    return ticket["number"]
