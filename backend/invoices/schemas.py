"""msgspec Structs of invoices: what staff send to issue, pay and credit; invoices out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from backend.validation import MONEY

Halere = Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})]  # crowns in a form
Text300 = Annotated[str, msgspec.Meta(max_length=2000)]  # the domain gives the friendly limit
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
VatRate = Annotated[int, msgspec.Meta(ge=0, le=100)]


class ManualLineIn(msgspec.Struct):
    """A line typed in: ``quantity`` in the unit (1.5 hours), ``unit_price`` net in haléře."""

    description: Text300
    quantity: Decimal
    unit_price: Halere
    unit: Literal["hour", "day", "piece", "month"] = "piece"
    vat_rate_percent: VatRate = 21


class ManualInvoiceHead(msgspec.Struct):
    company_id: Id
    note: Note = ""
    taxable_supply_on: date | None = None  # DUZP; today when left out


class ManualInvoiceIn(ManualInvoiceHead, kw_only=True):
    """An invoice issued by hand for a company, for work outside the catalogue."""

    lines: Annotated[list[ManualLineIn], msgspec.Meta(max_length=50)]


class PaymentIn(msgspec.Struct):
    amount: Halere
    paid_on: date | None = None  # today when left out
    note: Note = ""


class CreditLineIn(msgspec.Struct):
    line: Id  # the invoice's line number, from 1
    quantity: Decimal  # how much of it to take back, in its unit


class CreditNoteIn(msgspec.Struct):
    """A credit note against an invoice: all that is left of it, or the chosen ``lines``."""

    reason: Note
    lines: Annotated[list[CreditLineIn], msgspec.Meta(max_length=50)] | None = None


class PartyOut(msgspec.Struct):
    name: str
    street: str
    postal_code: str
    city: str
    country_code: str
    ico: str
    dic: str | None


class LineOut(msgspec.Struct):
    number: int
    description: str
    quantity: str  # in the unit, as a decimal: "1.5"
    unit: str
    unit_price: int
    vat_rate_percent: int
    discount_percent: int
    net: int
    vat: int
    gross: int
    credited: str = "0"  # how much of it credit notes have taken back (invoices only)


class RecapOut(msgspec.Struct):
    vat_rate_percent: int
    net: int
    vat: int
    gross: int


class PaymentOut(msgspec.Struct):
    paid_on: date
    amount: int
    recorded_by: str
    note: str


class DocumentRef(msgspec.Struct):
    id: int
    number: str
    total: int
    issued_on: date


class CompanyRef(msgspec.Struct):
    id: int
    name: str


class InvoiceSummary(msgspec.Struct):
    id: int
    number: str
    kind: Literal["invoice", "credit_note"]
    status: str
    company: CompanyRef
    issued_on: date
    taxable_supply_on: date
    due_on: date
    variable_symbol: str
    total_net: int
    total_vat: int
    total: int
    paid: int
    credited: int
    left_to_pay: int
    currency: str
    source_kind: str
    source_id: int | None
    overpaid: int = 0  # paid beyond what credit notes left to pay: to be refunded
    original_number: str | None = None  # a credit note's: the invoice it corrects


class InvoiceOut(InvoiceSummary, kw_only=True):
    payment_method: str
    bank_account: str
    iban: str
    bic: str
    supplier: PartyOut
    customer: PartyOut
    lines: list[LineOut]
    recap: list[RecapOut]
    payments: list[PaymentOut]
    credit_notes: list[DocumentRef]
    original: DocumentRef | None
    reason: str | None
    note: str | None
    issued_at: datetime
    order_number: str | None = None  # the order an order's invoice bills (source_id is its id)
    qr_payment: str | None = None  # the QR platba text (SPD) while something is left to pay
    pdf_url: str = ""
    isdoc_url: str = ""


class InvoicePage(msgspec.Struct):
    items: list[InvoiceSummary]
    next_cursor: str | None


class CompanyReceivables(msgspec.Struct):
    company: CompanyRef
    invoices: int
    due: int  # left to pay, not yet overdue
    overdue: int
    oldest_due_on: date | None
    to_refund: int = 0  # overpaid on invoices a credit note corrected after payment


class ReceivablesOut(msgspec.Struct):
    due: int
    overdue: int
    invoices: int
    by_company: list[CompanyReceivables]
    to_refund: int = 0


class IssueRun(msgspec.Struct):
    """What one run of the invoice scheduler did."""

    sla_fees: int
    reminders: int
