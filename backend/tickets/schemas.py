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


class StaffMessageIn(msgspec.Struct):
    body: Text
    wait_for_customer: bool = False


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


class CompanyRef(msgspec.Struct):
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


class TicketPage(msgspec.Struct):
    items: list[TicketOut]
    next_cursor: str | None
