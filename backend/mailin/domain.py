"""Pure rules of mail-in: why a message was not filed, and whom the portal may answer on its own."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from backend.errors import N_


class MailStatus(enum.StrEnum):
    FILED = "filed"  # a reply in an existing ticket
    OPENED = "opened"  # a new ticket
    NOT_FILED = "not_filed"  # waits in the staff's "mail not filed" list
    FILED_BY_HAND = "filed_by_hand"
    DISCARDED = "discarded"


class Reason(enum.StrEnum):
    UNKNOWN_SENDER = "unknown_sender"
    WRONG_COMPANY = "wrong_company"
    UNKNOWN_TICKET = "unknown_ticket"
    CLOSED_TICKET = "closed_ticket"
    TOO_LARGE = "too_large"
    NO_TEXT = "no_text"
    NO_HOTLINE = "no_hotline"
    STAFF_NEW = "staff_new"
    AUTOMATIC = "automatic"
    REFUSED = "refused"
    UNREADABLE = "unreadable"


# one sentence each: the staff read it in the list, the sender in the automatic answer
REASONS = {
    Reason.UNKNOWN_SENDER: N_("The sender's address does not belong to any account in the portal."),
    Reason.WRONG_COMPANY: N_("The sender's address does not belong to the company of the ticket."),
    Reason.UNKNOWN_TICKET: N_("The e-mail does not answer any ticket we know."),
    Reason.CLOSED_TICKET: N_("The ticket it answers is closed; please open a new ticket in the portal."),
    Reason.TOO_LARGE: N_(
        "The e-mail or one of its attachments is too large; please send large files through the portal."
    ),
    Reason.NO_TEXT: N_("The e-mail contains no text."),
    Reason.NO_HOTLINE: N_(
        "Your company has no ALC or SLA contract, so the Hotline is not available; "
        "you can order paid support (PAY) in the portal."
    ),
    Reason.STAFF_NEW: N_("E-mail from the support team opens no tickets."),
    Reason.AUTOMATIC: N_("An automatic message (an auto-reply, a delivery report or a mailing list)."),
    Reason.REFUSED: N_("The ticket did not accept the reply."),
    Reason.UNREADABLE: N_("The e-mail could not be read (its structure is broken)."),
}
STATUS_LABELS = {
    MailStatus.FILED: N_("Filed"),
    MailStatus.OPENED: N_("New ticket"),
    MailStatus.NOT_FILED: N_("Not filed"),
    MailStatus.FILED_BY_HAND: N_("Filed by hand"),
    MailStatus.DISCARDED: N_("Discarded"),
}

ANSWER_EVERY = timedelta(hours=1)  # at most one automatic answer an hour to one address
PREVIEW_LENGTH = 300


def may_answer(last_answered: datetime | None, at: datetime) -> bool:
    """An address answered within the last hour is not answered again (two auto-responders
    would otherwise write to each other for ever)."""
    return last_answered is None or at - last_answered >= ANSWER_EVERY


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1].rstrip() + "…"
