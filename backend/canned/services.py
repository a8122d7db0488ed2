"""Keeping canned replies (staff admin) and filling one in for a ticket (any staff)."""

from __future__ import annotations

from typing import Any

from backend.accounts.domain import Actor, collect
from backend.accounts.tables import PortalUser
from backend.audit.services import record
from backend.canned import domain
from backend.canned.schemas import CannedReplyIn, CannedReplyOut, FilledReply
from backend.canned.tables import CannedReply
from backend.clock import aware, now
from backend.db import write_transaction
from backend.errors import N_, NotFound
from backend.tickets.tables import Ticket

NOT_FOUND = N_("There is no such canned reply.")


def _out(row: dict[str, Any]) -> CannedReplyOut:
    return CannedReplyOut(
        id=row["id"],
        title=row["title"],
        body_cs=row["body_cs"],
        body_en=row["body_en"],
        updated_at=aware(row["updated_at"]),
    )


def _checked(data: CannedReplyIn) -> dict[str, str]:
    return collect(
        title=lambda: domain.check_title(data.title),
        body_cs=lambda: domain.check_body(data.body_cs, field="body_cs", required=True),
        body_en=lambda: domain.check_body(data.body_en, field="body_en", required=False),
    )


async def list_replies(actor: Actor) -> list[CannedReplyOut]:
    actor.require_staff()
    return [_out(row) for row in await CannedReply.select().order_by(CannedReply.title)]


async def get_reply(actor: Actor, reply_id: int) -> CannedReplyOut:
    actor.require_staff()
    row = await CannedReply.select().where(CannedReply.id == reply_id).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return _out(row)


async def create_reply(actor: Actor, data: CannedReplyIn) -> CannedReplyOut:
    actor.require_staff_admin()
    values = _checked(data)
    async with write_transaction():
        at = now()
        row = (
            await CannedReply.insert(
                CannedReply(**values, updated_by=actor.id, created_at=at, updated_at=at)
            ).returning(*CannedReply.all_columns())
        )[0]
        await record(
            "canned_reply.created",
            object_type="canned_reply",
            object_id=row["id"],
            actor=actor,
            after={"title": values["title"]},
        )
    return _out(row)


async def update_reply(actor: Actor, reply_id: int, data: CannedReplyIn) -> CannedReplyOut:
    actor.require_staff_admin()
    values = _checked(data)
    async with write_transaction():
        before = await CannedReply.select().where(CannedReply.id == reply_id).first()
        if before is None:
            raise NotFound(NOT_FOUND)
        await CannedReply.update(
            {
                CannedReply.title: values["title"],
                CannedReply.body_cs: values["body_cs"],
                CannedReply.body_en: values["body_en"],
                CannedReply.updated_by: actor.id,
                CannedReply.updated_at: now(),
            }
        ).where(CannedReply.id == reply_id)
        await record(
            "canned_reply.updated",
            object_type="canned_reply",
            object_id=reply_id,
            actor=actor,
            before={"title": before["title"]},
            after={"title": values["title"]},
        )
    return await get_reply(actor, reply_id)


async def delete_reply(actor: Actor, reply_id: int) -> None:
    actor.require_staff_admin()
    async with write_transaction():
        before = await CannedReply.select().where(CannedReply.id == reply_id).first()
        if before is None:
            raise NotFound(NOT_FOUND)
        await CannedReply.delete().where(CannedReply.id == reply_id)
        await record(
            "canned_reply.deleted",
            object_type="canned_reply",
            object_id=reply_id,
            actor=actor,
            before={"title": before["title"]},
        )


async def fill_for_ticket(actor: Actor, reply_id: int, ticket_id: int) -> FilledReply:
    """The reply filled in for one ticket, in its reporter's language (English or Czech: the
    company keeps no language of its own), for the engineer to edit before sending."""
    reply = await get_reply(actor, reply_id)
    ticket = (
        await Ticket.select(
            Ticket.number,
            Ticket.created_by.full_name.as_alias("reporter"),
            Ticket.created_by.language.as_alias("language"),
        )
        .where(Ticket.id == ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound(N_("Ticket not found."))
    english = ticket["language"] == "en" and reply.body_en
    engineer = await PortalUser.select(PortalUser.full_name).where(PortalUser.id == actor.id).first()
    body = domain.fill(
        reply.body_en if english else reply.body_cs,
        customer_name=ticket["reporter"],
        ticket_number=ticket["number"],
        engineer_name=engineer["full_name"] if engineer else actor.full_name,
    )
    return FilledReply(
        canned_reply_id=reply_id, ticket_id=ticket_id, language="en" if english else "cs", body=body
    )
