"""The headers that make the portal's e-mail trusted and threaded: a Date, a Message-ID that is
the same on every retry of its outbox row, and on ticket e-mails a Reply-To with the ticket's
reply token and In-Reply-To/References to the ticket's thread. The mail-in side reads the same
names back (``reply_token_in``, ``referenced``), so both sides agree on one format."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from email.utils import format_datetime, parseaddr
from typing import Any

from backend.settings import get_settings

# e-mails the portal sends in answer to an e-mail it received (RFC 3834: "auto-replied")
AUTOMATIC_ANSWER_KINDS = frozenset({"mail_not_filed"})
_OURS = re.compile(r"<(outbox|ticket)-(\d+)\.([0-9a-f]{16})@([^>\s]+)>", re.IGNORECASE)
_TOKEN = re.compile(r"\+t-([a-z2-7]{24})@", re.IGNORECASE)


def _signature(kind: str, number: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{kind}-{number}".encode(), hashlib.sha256).hexdigest()[:16]


def mail_domain() -> str:
    """The domain of MAIL_FROM's address: where the portal's Message-IDs live."""
    return parseaddr(get_settings().mail_from)[1].rpartition("@")[2] or "localhost"


def support_address() -> str:
    """The mailbox replies reach: MAIL_REPLY_ADDRESS, or MAIL_FROM's address."""
    settings = get_settings()
    return (settings.mail_reply_address or parseaddr(settings.mail_from)[1]).lower()


def reply_address(token: str) -> str:
    """The support mailbox plus-addressed with a ticket's token: podpora+t-<token>@example.cz."""
    local, _, domain = support_address().rpartition("@")
    return f"{local}+t-{token}@{domain}"


def outbox_message_id(outbox_id: int) -> str:
    return f"<outbox-{outbox_id}.{_signature('outbox', outbox_id)}@{mail_domain()}>"


def ticket_thread_id(ticket_id: int) -> str:
    """The root every e-mail about the ticket refers to, so mail clients thread them."""
    return f"<ticket-{ticket_id}.{_signature('ticket', ticket_id)}@{mail_domain()}>"


def referenced(header_values: list[str]) -> list[tuple[str, int]]:
    """Our own Message-IDs among In-Reply-To/References, as (outbox|ticket, id), nearest first;
    one whose signature does not match (made up, or from another installation) is ignored."""
    found: list[tuple[str, int]] = []
    for value in header_values:
        for kind, number, signature, _domain in _OURS.findall(value or ""):
            kind = kind.lower()
            if hmac.compare_digest(signature.lower(), _signature(kind, int(number))):
                found.append((kind, int(number)))
    return list(reversed(found))


def reply_token_in(addresses: list[str]) -> str | None:
    """The ticket token of the first plus-address of the support mailbox among ``addresses``."""
    local, _, domain = support_address().rpartition("@")
    for address in addresses:
        address = address.lower()
        match = _TOKEN.search(address)
        if match and address.startswith(f"{local}+") and address.endswith(f"@{domain}"):
            return match.group(1).lower()
    return None


def envelope_headers(
    outbox_id: int, kind: str, context: dict[str, Any], at: datetime, reply_token: str | None
) -> dict[str, str]:
    """The headers of one outbox row's e-mail, sent at ``at`` (aware, UTC)."""
    headers = {
        "Date": format_datetime(at, usegmt=True),
        "Message-ID": outbox_message_id(outbox_id),
        # the portal's e-mails are written by the portal: vacation responders keep quiet
        # (RFC 3834), so an "I am away" does not land in a ticket
        "Auto-Submitted": "auto-replied" if kind in AUTOMATIC_ANSWER_KINDS else "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    ticket_id = context.get("ticket_id")
    if isinstance(ticket_id, int):
        root = ticket_thread_id(ticket_id)
        headers.update({"In-Reply-To": root, "References": root})
        if reply_token:
            headers["Reply-To"] = reply_address(reply_token)
    answered = context.get("in_reply_to")
    if kind in AUTOMATIC_ANSWER_KINDS and isinstance(answered, str) and answered.startswith("<"):
        headers.update({"In-Reply-To": answered, "References": answered})
    return headers


async def headers_for(row: dict[str, Any], context: dict[str, Any], at: datetime) -> dict[str, str]:
    """``envelope_headers`` with the ticket's reply token read from the database."""
    from backend.tickets.tables import Ticket

    token = None
    if isinstance(context.get("ticket_id"), int):
        found = await Ticket.select(Ticket.reply_token).where(Ticket.id == context["ticket_id"]).first()
        token = found["reply_token"] if found else None
    return envelope_headers(row["id"], row["kind"], context, at, token)
