"""msgspec Structs of orders: requests in, orders and pages out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from backend.validation import MONEY

Code = Annotated[str, msgspec.Meta(max_length=40)]
# generous caps that only stop abuse; the domain gives the friendly limits
LongText = Annotated[str, msgspec.Meta(max_length=20000)]
Note = Annotated[str, msgspec.Meta(max_length=20000)]
Halere = Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})]  # crowns in a form
Minutes = Annotated[int, msgspec.Meta(ge=-(10**9), le=10**9)]


class OrderIn(msgspec.Struct):
    service_code: Code
    quantity: Decimal
    description: LongText
    delivery: Literal["remote", "onsite"] = "remote"
    preferred_date: date | None = None
    billing: Literal["pay", "sbp"] = "pay"
    # one key per submission: the same key again answers with the order it placed, not a new one
    idempotency_key: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class AmountOut(msgspec.Struct):
    net: int
    vat: int
    gross: int


class QuoteOut(msgspec.Struct):
    net: int
    vat: int
    gross: int
    valid_until: date
    note: str
    expired: bool
    revision: int = 1  # each re-quote is a new revision; an acceptance may name the one it accepts
    fixed: bool = False  # time work billed at the quote, not by the time logged


class HistoryEntry(msgspec.Struct):
    at: datetime
    actor: str
    from_: str | None = msgspec.field(name="from")
    to: str
    note: str


class WorkLogOut(msgspec.Struct):
    at: datetime
    staff: str
    minutes: int
    note: str
    credit_drawn: int
    # the part of this work the credit did not cover, billed as PAY: its minutes and net (haléře)
    pay_minutes: int = 0
    pay_net: int = 0


class CompanyRef(msgspec.Struct):
    id: int
    name: str


class OrderOut(msgspec.Struct):
    id: int
    number: str
    status: str
    billing: str
    service_code: str
    service_name: str
    quantity: str
    unit: str
    description: str
    delivery: str
    preferred_date: date | None
    unit_price: int
    estimate: AmountOut
    quote: QuoteOut | None
    scheduled_for: date | None
    assigned_to: str | None
    reject_reason: str
    logged_minutes: int
    credit_drawn: int
    sbp_unit_price: int
    created_at: datetime
    company: CompanyRef
    created_by: str
    history: list[HistoryEntry]
    actions: list[str]  # what the caller may do with it now
    work_logs: list[WorkLogOut] = []
    ticket_id: int | None = None  # the Hotline ticket it was converted from
    ticket_number: str | None = None
    invoice_id: int | None = None  # the invoice that bills it, once completed
    invoice_number: str | None = None


class OrderPage(msgspec.Struct):
    items: list[OrderOut]
    next_cursor: str | None


class EstimateOut(msgspec.Struct):
    service_code: str
    quantity: str
    unit: str
    unit_price: int
    estimate: AmountOut
    support_level: Literal["hotline", "sla", "sbp", "pay"]
    automatic_quote: bool
    sbp_unit_price: int
    sbp_estimate: int  # net at SBP rates: what the work would draw from prepaid credit
    sbp_balance: int
    discount_percent: int = 0  # the SLA contract's discount already in the estimate


class QuoteIn(msgspec.Struct):
    net: Halere
    valid_until: date
    note: Note = ""
    # time work: the quote is the price, billed whatever time is logged (else the time is billed)
    fixed: bool = False


class ApproveIn(msgspec.Struct):
    note: Note = ""
    scheduled_for: date | None = None
    assigned_to: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class AcceptIn(msgspec.Struct):
    """The quote accepted: ``revision`` as the order's ``quote.revision`` showed it. Optional, so
    that clients which do not send it keep working; sent, a re-quote since then is a 409."""

    revision: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class RejectIn(msgspec.Struct):
    reason: Note


class NoteIn(msgspec.Struct):
    note: Note = ""


class WorkLogIn(msgspec.Struct):
    minutes: Minutes
    note: Note
