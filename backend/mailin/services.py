"""The staff's "mail not filed" list: what the poller could not file, filed by hand into a
ticket as a person of its company, or discarded. Each decision is audited."""

from __future__ import annotations

from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.services import actor_from_row
from backend.accounts.tables import PortalUser
from backend.audit.services import record
from backend.clock import now
from backend.db import locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound
from backend.mailin.domain import MailStatus, preview
from backend.mailin.filing import file_reply, incoming_files, message_body
from backend.mailin.parse import read_mail
from backend.mailin.schemas import FileByHandIn, NotFiledOut
from backend.mailin.tables import InboundMail
from backend.tickets.tables import Ticket

LIST_LIMIT = 100


def _out(row: dict[str, Any]) -> NotFiledOut:
    return NotFiledOut(
        id=row["id"],
        received_at=row["received_at"],
        sender=row["sender"],
        sender_name=row["sender_name"],
        subject=row["subject"],
        reason=row["reason"],
        preview=preview(row["text"]),
        text=row["text"],
        ticket_id=row["ticket"],
        ticket_number=row.get("ticket_number"),
        can_file=row["has_raw"],
    )


def _columns() -> tuple[Any, ...]:
    return (
        *(column for column in InboundMail.all_columns() if column is not InboundMail.raw),
        InboundMail.ticket.number.as_alias("ticket_number"),
    )


async def not_filed(actor: Actor) -> list[NotFiledOut]:
    """The newest first (the list is meant to be kept short: each is filed or discarded)."""
    actor.require_staff()
    pending = InboundMail.status == MailStatus.NOT_FILED.value
    rows = await (
        InboundMail.select(*_columns())
        .where(pending)
        .order_by(InboundMail.id, ascending=False)
        .limit(LIST_LIMIT)
    )
    # which of them can be filed (the message itself is kept), without reading the messages
    kept = {
        row["id"]
        for row in await InboundMail.select(InboundMail.id).where(
            pending & InboundMail.raw.is_not_null() & InboundMail.id.is_in([row["id"] for row in rows] or [0])
        )
    }
    return [_out({**row, "has_raw": row["id"] in kept}) for row in rows]


async def not_filed_count() -> int:
    return await InboundMail.count().where(InboundMail.status == MailStatus.NOT_FILED.value)


async def get_not_filed(actor: Actor, mail_id: int) -> NotFiledOut:
    actor.require_staff()
    found = (InboundMail.id == mail_id) & (InboundMail.status == MailStatus.NOT_FILED.value)
    row = await InboundMail.select(*_columns()).where(found).first()
    if row is None:
        raise NotFound(N_("This e-mail is not in the list any more."))
    kept = await InboundMail.select(InboundMail.raw).where(found & InboundMail.raw.is_not_null()).first()
    out = _out({**row, "has_raw": kept is not None})
    if kept is not None:
        out.files = [file.name for file in read_mail(bytes(kept["raw"])).attachments]
    return out


async def ticket_by_number(number: str) -> dict[str, Any] | None:
    cleaned = "".join(number.split()).upper()
    if not cleaned:
        return None
    return (
        await Ticket.select(Ticket.id, Ticket.number, Ticket.company, Ticket.subject)
        .where(Ticket.number == cleaned)
        .first()
    )


async def authors(ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """Whom an e-mail may be filed as in this ticket: the active people of its company."""
    return await (
        PortalUser.select(PortalUser.id, PortalUser.full_name, PortalUser.email)
        .where((PortalUser.company == ticket["company"]) & (PortalUser.is_active == True))  # noqa: E712
        .order_by(PortalUser.full_name)
    )


async def _pending(mail_id: int) -> dict[str, Any]:
    row = await locked(InboundMail.select().where(InboundMail.id == mail_id)).first()
    if row is None:
        raise NotFound(N_("This e-mail is not in the list any more."))
    if row["status"] != MailStatus.NOT_FILED.value:
        raise Conflict(N_("Someone has already filed or discarded this e-mail."))
    return row


async def file_by_hand(actor: Actor, mail_id: int, data: FileByHandIn) -> int:
    """File the e-mail into the ticket as ``data.author``'s reply (the use case a reply on the
    page calls: a resolved ticket reopens); returns the ticket's id."""
    actor.require_staff()
    async with write_transaction():
        row = await _pending(mail_id)
        if row["raw"] is None:
            raise InvalidInput(
                N_("This e-mail was too large to fetch, so there is nothing to file. Discard it."),
                field="ticket",
            )
        ticket = await ticket_by_number(data.ticket)
        if ticket is None:
            raise InvalidInput(N_("There is no ticket with this number."), field="ticket")
        author = await (
            PortalUser.select()
            .where(
                (PortalUser.id == data.author)
                & (PortalUser.company == ticket["company"])
                & (PortalUser.is_active == True)  # noqa: E712
            )
            .first()
        )
        if author is None:
            raise InvalidInput(N_("Choose a person of the ticket's company."), field="author")
        mail = read_mail(bytes(row["raw"]))
        files = [] if data.without_files else incoming_files(mail)
        body = message_body(mail.text, bool(files), author["language"])
        if not body:
            raise InvalidInput(N_("The e-mail contains no text."), field="ticket")
        message_id = await file_reply(actor_from_row(author), ticket["id"], body, files)
        await InboundMail.update(
            {
                InboundMail.status: MailStatus.FILED_BY_HAND.value,
                InboundMail.ticket: ticket["id"],
                InboundMail.ticket_message: message_id,
                InboundMail.handled_by: actor.id,
                InboundMail.handled_at: now(),
                InboundMail.raw: None,
            }
        ).where(InboundMail.id == mail_id)
        await record(
            "mail.filed_by_hand",
            object_type="ticket",
            object_id=ticket["id"],
            actor=actor,
            company_id=ticket["company"],
            after={"sender": row["sender"], "filed_as": author["email"]},
        )
    return ticket["id"]


async def discard(actor: Actor, mail_id: int) -> None:
    actor.require_staff()
    async with write_transaction():
        row = await _pending(mail_id)
        await InboundMail.update(
            {
                InboundMail.status: MailStatus.DISCARDED.value,
                InboundMail.handled_by: actor.id,
                InboundMail.handled_at: now(),
                InboundMail.raw: None,
            }
        ).where(InboundMail.id == mail_id)
        await record(
            "mail.discarded",
            object_type="inbound_mail",
            object_id=mail_id,
            actor=actor,
            company_id=None,
            after={"sender": row["sender"], "subject": row["subject"]},
        )
