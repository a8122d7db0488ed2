"""msgspec Structs of Hotline tickets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from backend.attachments.schemas import AttachmentOut
from backend.errors import N_

Text = Annotated[str, msgspec.Meta(max_length=50_000)]
# the values of backend.sla.domain.Priority (a test keeps them equal)
TicketPriority = Annotated[
    Literal["critical", "high", "normal", "low"], msgspec.Meta(extra={"error": N_("Choose a priority.")})
]


class TicketIn(msgspec.Struct):
    subject: Annotated[str, msgspec.Meta(max_length=2000)]
    description: Text
    priority: TicketPriority = "normal"
    product: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class MessageIn(msgspec.Struct):
    body: Text
    internal: bool = False  # internal notes are the support team's: a customer sending true is refused


class StaffMessageIn(msgspec.Struct):
    body: Text
    wait_for_customer: bool = False
    internal: bool = False  # a note for the team: the customer never sees it; the status and clock stay


class AssignIn(msgspec.Struct):
    # a member of the support team; null: nobody
    user_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class MergeIn(msgspec.Struct):
    target_number: Annotated[str, msgspec.Meta(max_length=40)]  # the ticket the duplicate goes into


class TimeLogIn(msgspec.Struct):
    minutes: Annotated[
        int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)
    ]  # the rule (1 to a day) is in tickets/time.py
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class TimeLogOut(msgspec.Struct):
    id: int
    minutes: int
    note: str
    staff: str
    logged_at: datetime


class TimeLogs(msgspec.Struct):
    items: list[TimeLogOut]
    total_minutes: int


Verdict = Annotated[
    Literal["good", "bad"], msgspec.Meta(extra={"error": N_("Choose whether the answer helped.")})
]


class RatingIn(msgspec.Struct):
    verdict: Verdict
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class RatingOut(msgspec.Struct):
    resolution: int  # which resolution of the ticket it rates: 1, 2, ...
    asked_at: datetime
    verdict: Literal["good", "bad"] | None  # None: not rated (yet)
    comment: str
    rated_at: datetime | None
    engineer: str | None  # the assignee when it was resolved


class ResolveIn(msgspec.Struct):
    body: Text = ""


class ConvertIn(msgspec.Struct):
    service_code: Annotated[str, msgspec.Meta(max_length=40)]
    quantity: Decimal
    note: Text = ""


class MessageOut(msgspec.Struct):
    author: str
    body: str
    at: datetime
    from_staff: bool
    attachments: list[AttachmentOut] = msgspec.field(default_factory=list)
    # always set; the defaults keep the published schema's required fields as they were (additions only)
    id: int = 0
    internal: bool = False  # a note among the support team (staff see these only)


class CompanyRef(msgspec.Struct):
    id: int
    name: str


class StaffRef(msgspec.Struct):
    id: int
    name: str


class TicketOut(msgspec.Struct):
    id: int
    number: str
    status: str
    priority: str
    subject: str
    description: str
    product: str
    terms: Literal["alc", "sla"]
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    messages: list[MessageOut]
    company: CompanyRef
    created_by: str
    created_at: datetime
    next_due: datetime | None
    minutes_left: int | None  # business minutes to next_due; None when nothing runs or once overdue
    breached: bool  # overdue now
    first_response_breached: bool  # answered (or still unanswered) after the first-response due
    resolution_breached: bool  # resolved (or still open) after the resolution due
    order_id: int | None
    order_number: str | None
    actions: list[str]
    assignee: StaffRef | None = None
    merged_into_id: int | None = None  # a duplicate merged into this ticket
    merged_into_number: str | None = None
    rating: RatingOut | None = None  # the latest resolution's rating, once it was asked for
    closed_at: datetime | None = None  # closed (by the customer, or merged into another ticket)


class TicketPage(msgspec.Struct):
    items: list[TicketOut]
    next_cursor: str | None
