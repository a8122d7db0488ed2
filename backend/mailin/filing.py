"""Filing one e-mail, in one transaction: as a reply in its ticket (the same use case a reply on
the page calls, so the SLA clock resumes the same way), as a new ticket, or into the staff's
"mail not filed" list with a polite automatic answer. Its Message-ID is recorded in the same
transaction, so a message is filed once however often it is delivered or read."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from backend.accounts.domain import Actor, Role
from backend.accounts.services import actor_from_row
from backend.accounts.tables import PortalUser
from backend.alc import services as alc
from backend.attachments.services import IncomingFile
from backend.clock import now
from backend.db import json_value, locked, write_transaction
from backend.errors import N_, Conflict, DomainError, TooLarge
from backend.i18n import gettext, reset_language, use_language
from backend.mailin.domain import REASONS, MailStatus, Reason, may_answer
from backend.mailin.parse import IncomingMail
from backend.mailin.tables import InboundMail, MailAnswer
from backend.notifications.headers import referenced, reply_token_in, support_address
from backend.notifications.messages import BILINGUAL
from backend.notifications.services import enqueue_for_user
from backend.notifications.tables import OutboxMessage
from backend.settings import get_settings
from backend.sla import services as sla
from backend.tickets import services as tickets
from backend.tickets.domain import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, TicketStatus
from backend.tickets.schemas import TicketIn
from backend.tickets.tables import Ticket, TicketMessage

MERGE_HOPS = 10  # a merged ticket points at the one it went into; never followed round a loop
NO_SUBJECT = N_("(no subject)")
SHORTENED = N_("(The e-mail was longer; it has been shortened.)")
FILES_ONLY = N_("(Sent by e-mail with the attached files only.)")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: MailStatus
    reason: Reason | None = None
    ticket_id: int | None = None


async def is_recorded(message_id: str) -> bool:
    return await InboundMail.exists().where(InboundMail.message_id == message_id)


async def _person(address: str) -> dict[str, Any] | None:
    if not address:
        return None
    return (
        await PortalUser.select()
        .where((PortalUser.email == address.lower()) & (PortalUser.is_active == True))  # noqa: E712
        .first()
    )


async def _ticket_row(ticket_id: int) -> dict[str, Any] | None:
    """The ticket, or the one it was merged into (what the customer expects: the conversation
    goes on where the team carries it on)."""
    row = await Ticket.select().where(Ticket.id == ticket_id).first()
    for _ in range(MERGE_HOPS):
        if row is None or not row.get("merged_into"):
            break
        row = await Ticket.select().where(Ticket.id == row["merged_into"]).first()
    return row


async def find_ticket(mail: IncomingMail) -> tuple[dict[str, Any] | None, bool]:
    """The ticket the e-mail answers: by the token of the plus-address it was sent to, else by
    our Message-IDs it refers to. The flag says whether it claimed to answer one at all."""
    token = reply_token_in(mail.recipients)
    if token:
        row = await Ticket.select(Ticket.id).where(Ticket.reply_token == token).first()
        return (await _ticket_row(row["id"]) if row else None), True
    claims = referenced(mail.references)
    for kind, number in claims:
        if kind == "ticket":
            return await _ticket_row(number), True
        outbox = await OutboxMessage.select(OutboxMessage.context).where(OutboxMessage.id == number).first()
        ticket_id = json_value(outbox["context"]).get("ticket_id") if outbox else None
        if isinstance(ticket_id, int):
            return await _ticket_row(ticket_id), True
    return None, bool(claims)


def _said(message: str, language: str) -> str:
    token = use_language(language)
    try:
        return gettext(message)
    finally:
        reset_language(token)


def message_body(text: str, has_files: bool, language: str) -> str:
    """The reply's text as a ticket message takes it: never empty (files alone say so), never
    longer than a message may be (shortened, and saying so)."""
    text = text.strip()
    if not text:
        return _said(FILES_ONLY, language) if has_files else ""
    if len(text) <= BODY_MAX_LENGTH:
        return text
    note = _said(SHORTENED, language)
    return text[: BODY_MAX_LENGTH - len(note) - 3].rstrip() + "\n\n" + note


def incoming_files(mail: IncomingMail) -> list[IncomingFile]:
    """The e-mail's attachments as the attachments feature takes them (it enforces the limits)."""
    return [
        IncomingFile(name=file.name, chunks=[file.data], declared_type=file.content_type, size=len(file.data))
        for file in mail.attachments
    ]


async def _open(actor: Actor, mail: IncomingMail) -> int:
    """A new ticket at normal priority; under ALC, for the covered product the e-mail names (or
    the first one: the team sees the subject and can tell)."""
    product = None
    terms = await sla.terms_for(actor.company_id or 0)
    if terms is not None and terms.kind == "alc":
        covered = [
            p for contract in await alc.active_contracts(actor.company_id or 0) for p in contract.products
        ]
        text = f"{mail.subject}\n{mail.text}".lower()
        product = next((p for p in covered if p.lower() in text), covered[0] if covered else None)
    subject = " ".join(mail.subject.split())[:SUBJECT_MAX_LENGTH] or _said(NO_SUBJECT, actor.language)
    files = incoming_files(mail)
    description = message_body(mail.text, bool(files), actor.language)
    data = TicketIn(subject=subject, description=description, priority="normal", product=product)
    return (await tickets.open_ticket(actor, data, files)).id


async def file_reply(actor: Actor, ticket_id: int, body: str, files: list[IncomingFile]) -> int:
    """The reply (and its files) as ``actor``'s message in the ticket, by the use case the page
    calls; the id of the message it added."""
    if actor.is_staff:
        await tickets.staff_reply(actor, ticket_id, body, files=files)
    else:
        await tickets.customer_reply(actor, ticket_id, body, files=files)
    # the ticket's row lock (taken by the use case) is held until the commit: no other message
    # of this ticket can come in between
    added = (
        await TicketMessage.select(TicketMessage.id)
        .where((TicketMessage.ticket == ticket_id) & (TicketMessage.author == actor.id))
        .order_by(TicketMessage.id, ascending=False)
        .first()
    )
    return added["id"]


async def _decide(mail: IncomingMail) -> tuple[Outcome, dict[str, Any] | None]:
    """Where the e-mail goes (nothing written yet), with the person who sent it."""
    person = await _person(mail.sender)
    if mail.unreadable:
        return Outcome(MailStatus.NOT_FILED, Reason.UNREADABLE), person
    if mail.automatic:
        return Outcome(MailStatus.NOT_FILED, Reason.AUTOMATIC), person
    ticket, claimed = await find_ticket(mail)
    ticket_id = ticket["id"] if ticket else None
    if not mail.complete:
        return Outcome(MailStatus.NOT_FILED, Reason.TOO_LARGE, ticket_id), person
    if claimed:
        if ticket is None:
            return Outcome(MailStatus.NOT_FILED, Reason.UNKNOWN_TICKET), person
        if person is None:
            return Outcome(MailStatus.NOT_FILED, Reason.UNKNOWN_SENDER, ticket_id), person
        actor = actor_from_row(person)
        if not actor.is_staff and actor.company_id != ticket["company"]:
            return Outcome(MailStatus.NOT_FILED, Reason.WRONG_COMPANY, ticket_id), person
        if ticket["status"] == TicketStatus.CLOSED.value:
            return Outcome(MailStatus.NOT_FILED, Reason.CLOSED_TICKET, ticket_id), person
        if not mail.text.strip() and not mail.attachments:
            return Outcome(MailStatus.NOT_FILED, Reason.NO_TEXT, ticket_id), person
        return Outcome(MailStatus.FILED, None, ticket_id), person
    if person is None:
        return Outcome(MailStatus.NOT_FILED, Reason.UNKNOWN_SENDER), person
    actor = actor_from_row(person)
    if actor.is_staff:
        return Outcome(MailStatus.NOT_FILED, Reason.STAFF_NEW), person
    if await sla.terms_for(actor.company_id or 0) is None:
        return Outcome(MailStatus.NOT_FILED, Reason.NO_HOTLINE), person
    if not mail.text.strip() and not mail.attachments:
        return Outcome(MailStatus.NOT_FILED, Reason.NO_TEXT), person
    return Outcome(MailStatus.OPENED), person


async def _answer(mail: IncomingMail, reason: Reason, person: dict[str, Any] | None) -> bool:
    """One polite automatic answer: never to a machine, never to the portal itself, at most once
    an hour to one address. In the person's language, or in Czech and English for a stranger."""
    own = {support_address(), parseaddr(get_settings().mail_from)[1].lower()}
    if mail.automatic or reason is Reason.AUTOMATIC or not mail.sender or mail.sender in own:
        return False
    if person is not None and Role(person["role"]).is_staff:  # the team needs no form letter
        return False
    at = now()
    last = await locked(MailAnswer.select().where(MailAnswer.address == mail.sender)).first()
    if last is not None and not may_answer(last["answered_at"], at):
        return False
    if last is None:
        await MailAnswer.insert(MailAnswer(address=mail.sender, answered_at=at))
    else:
        await MailAnswer.update({MailAnswer.answered_at: at}).where(MailAnswer.id == last["id"])
    recipient = {
        "id": person["id"] if person else None,
        "email": mail.sender,
        "language": person["language"] if person else BILINGUAL,
        "company": person["company"] if person else None,
    }
    context = {"reason": REASONS[reason], "in_reply_to": mail.message_id}
    await enqueue_for_user(recipient, "mail_not_filed", context)
    return True


async def _record(mail: IncomingMail, outcome: Outcome, raw: bytes | None, message_id: int | None) -> None:
    kept = outcome.status is MailStatus.NOT_FILED and not mail.unreadable
    await InboundMail.insert(
        InboundMail(
            message_id=mail.message_id,
            received_at=now(),
            sender=mail.sender[:254],
            sender_name=mail.sender_name,
            subject=mail.subject,
            status=outcome.status.value,
            reason=outcome.reason.value if outcome.reason else "",
            ticket=outcome.ticket_id,
            ticket_message=message_id,
            text=mail.text[:50_000],
            size=mail.size,
            raw=raw if kept else None,
        )
    )


async def _not_filed(mail: IncomingMail, outcome: Outcome, person: dict[str, Any] | None, raw: bytes | None):
    await _record(mail, outcome, raw, None)
    assert outcome.reason is not None
    await _answer(mail, outcome.reason, person)


async def _file(mail: IncomingMail, raw: bytes | None) -> Outcome | None:
    async with write_transaction():
        if await is_recorded(mail.message_id):
            return None
        outcome, person = await _decide(mail)
        if outcome.status is MailStatus.NOT_FILED:
            await _not_filed(mail, outcome, person, raw)
            return outcome
        assert person is not None
        actor = actor_from_row(person)
        if outcome.status is MailStatus.OPENED:
            outcome = Outcome(MailStatus.OPENED, None, await _open(actor, mail))
            await _record(mail, outcome, None, None)
            return outcome
        assert outcome.ticket_id is not None
        files = incoming_files(mail)
        body = message_body(mail.text, bool(files), actor.language)
        message_id = await file_reply(actor, outcome.ticket_id, body, files)
        await _record(mail, outcome, None, message_id)
        return outcome


async def file_mail(mail: IncomingMail, raw: bytes | None) -> Outcome | None:
    """File one e-mail; None when it was recorded before (by an earlier run, or another poller)."""
    reason = Reason.REFUSED
    try:
        return await _file(mail, raw)
    except Conflict:
        if await is_recorded(mail.message_id):  # the Message-ID's unique index refused a second copy
            return None
    except TooLarge:  # an attachment over the limits, or the ticket's room: nothing was stored
        reason = Reason.TOO_LARGE
    except DomainError:  # the ticket refused the reply (its status changed meanwhile, say)
        pass
    async with write_transaction():
        if await is_recorded(mail.message_id):
            return None
        decided, person = await _decide(mail)
        outcome = Outcome(MailStatus.NOT_FILED, reason, decided.ticket_id)
        await _not_filed(mail, outcome, person, raw)
        return outcome
