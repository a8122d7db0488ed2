"""Pure rules of Hotline tickets: statuses, who moves them where, and the due-time clock."""

from __future__ import annotations

import base64
import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from backend.errors import N_, Conflict, InvalidInput, Msg
from backend.sla.domain import (
    Calendar,
    add_business_minutes,
    add_business_seconds,
    business_minutes_between,
    business_seconds_between,
)

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
NUMBER_PREFIX = "HD"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


STATUS_LABELS = {
    TicketStatus.NEW: N_("New"),
    TicketStatus.OPEN: N_("Being handled"),
    TicketStatus.WAITING_ON_CUSTOMER: N_("Waiting for you"),
    TicketStatus.RESOLVED: N_("Resolved"),
    TicketStatus.CLOSED: N_("Closed"),
}

# the support team reads a waiting ticket from their side
STAFF_STATUS_LABELS = {**STATUS_LABELS, TicketStatus.WAITING_ON_CUSTOMER: N_("Waiting for the customer")}

T = TicketStatus
RUNNING = frozenset({T.NEW, T.OPEN})  # the clock runs; the team owes an answer
# the clock stands still: waiting on the customer, or resolved (a reply that reopens it resumes)
PAUSED = frozenset({T.WAITING_ON_CUSTOMER, T.RESOLVED})


class TicketAction(enum.StrEnum):
    STAFF_REPLY = "staff_reply"
    ASK_CUSTOMER = "ask_customer"
    RESOLVE = "resolve"
    CUSTOMER_REPLY = "customer_reply"
    CLOSE = "close"


# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[TicketAction, tuple[frozenset[TicketStatus], TicketStatus | None]] = {
    TicketAction.STAFF_REPLY: (frozenset({T.NEW, T.OPEN, T.WAITING_ON_CUSTOMER}), T.OPEN),
    TicketAction.ASK_CUSTOMER: (frozenset({T.NEW, T.OPEN, T.WAITING_ON_CUSTOMER}), T.WAITING_ON_CUSTOMER),
    TicketAction.RESOLVE: (frozenset({T.NEW, T.OPEN, T.WAITING_ON_CUSTOMER}), T.RESOLVED),
    # a customer's reply reopens what waited on them or was resolved; a new ticket stays new
    TicketAction.CUSTOMER_REPLY: (frozenset({T.NEW, T.OPEN, T.WAITING_ON_CUSTOMER, T.RESOLVED}), None),
    TicketAction.CLOSE: (frozenset({T.RESOLVED}), T.CLOSED),
}


def next_status(current: TicketStatus, action: TicketAction) -> TicketStatus:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise Conflict(
            N_("The ticket is %(status)s; this is not possible now."), status=Msg(STATUS_LABELS[current])
        )
    if target is None:  # customer reply
        return T.NEW if current is T.NEW else T.OPEN
    return target


def check_text(raw: str | None, *, field: str, message: str, max_length: int = BODY_MAX_LENGTH) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    if len(text) > max_length:
        raise InvalidInput(N_("At most %(max)d characters, please."), field=field, max=max_length)
    return text


def ticket_number(year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{sequence:05d}"


REPLY_TOKEN_LENGTH = 24


def new_reply_token() -> str:
    """120 random bits in lower-case base32: mail systems may fold the case of an address's
    local part, so the token reads the same either way."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


@dataclass(frozen=True, slots=True)
class Clock:
    """Due instants of one ticket, in business time of its calendar."""

    calendar: Calendar

    def due(self, start: datetime, minutes: int) -> datetime:
        return add_business_minutes(start, minutes, self.calendar)

    def paused(self, since: datetime, until: datetime) -> int:
        """Business seconds spent waiting (whole seconds: the clock keeps time to the second)."""
        return business_seconds_between(since, until, self.calendar)

    def resume(self, due: datetime, paused_seconds: int) -> datetime:
        """Waiting on the customer moves the due time by exactly the business time it waited."""
        return add_business_seconds(due, paused_seconds, self.calendar) if paused_seconds else due

    def minutes_left(self, at: datetime, due: datetime) -> int:
        """Business minutes until ``due``; negative once breached."""
        if at <= due:
            return business_minutes_between(at, due, self.calendar)
        return -business_minutes_between(due, at, self.calendar)


@dataclass(frozen=True, slots=True)
class MergeSide:
    """What the merge rules need to know of one ticket."""

    id: int
    company: int
    status: TicketStatus
    merged_into: int | None
    order: int | None


def check_merge(duplicate: MergeSide, target: MergeSide | None) -> None:
    """A duplicate goes into another open ticket of the same company; a ticket a PAY order was
    made from stays as it is (the order names it)."""
    field = "target_number"
    if target is None:
        raise InvalidInput(N_("There is no ticket with this number."), field=field)
    if target.id == duplicate.id:
        raise InvalidInput(N_("A ticket cannot be merged into itself."), field=field)
    if target.company != duplicate.company:
        raise InvalidInput(N_("Only tickets of the same company can be merged."), field=field)
    if duplicate.merged_into is not None:
        raise InvalidInput(N_("This ticket has been merged already."), field=field)
    if duplicate.order is not None:
        raise InvalidInput(
            N_("A PAY order was created from this ticket; it stays as it is so the order can name it."),
            field=field,
        )
    if duplicate.status is TicketStatus.CLOSED:
        raise InvalidInput(N_("A closed ticket cannot be merged."), field=field)
    if target.merged_into is not None:
        raise InvalidInput(
            N_("That ticket was itself merged into another one; choose that one."), field=field
        )
    if target.status is TicketStatus.CLOSED:
        raise InvalidInput(N_("That ticket is closed; merge into an open or resolved one."), field=field)
