"""What an issued tax document says, frozen: the one shape the PDF, the ISDOC, the QR payment and
the invoice page are all made from, and the snapshot kept for ever once it is issued.

The rounding rule (§ 37 of the VAT act allows either; we round per line):
- a line's net is unit price × quantity less its discount, computed exactly and rounded once, half
  up, to a whole haléř (``money.line_net``);
- a line's VAT is its net × rate, rounded half up to a whole haléř (``money.with_vat``);
- the recapitulation per rate is the sum of its lines' nets and VATs, so it always agrees with the
  lines, and the total to pay is the sum of the recapitulation: nothing is rounded twice.

A credit note (opravný daňový doklad, § 42) carries the change to the tax base: its quantities,
nets, VATs and totals are negative, the unit prices stay as they were on the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from fractions import Fraction

import msgspec

from backend.money import QUANTITY_SCALE, line_net, with_vat


class DocumentKind(StrEnum):
    INVOICE = "invoice"  # faktura – daňový doklad
    CREDIT_NOTE = "credit_note"  # opravný daňový doklad


class Unit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    PIECE = "piece"  # a flat-rate service, a plan
    MONTH = "month"  # an SLA contract's monthly fee


class Party(msgspec.Struct, frozen=True, kw_only=True):
    """A company as the document names it on the day it was issued."""

    name: str
    street: str
    postal_code: str
    city: str
    country_code: str = "CZ"
    ico: str
    dic: str | None = None


class LineIn(msgspec.Struct, frozen=True, kw_only=True):
    """A line as its source states it; ``document_line`` prices it."""

    description: str
    quantity: int  # hundredths of the unit (1.25 hours = 125); negative on a credit note
    unit: Unit
    unit_price: int  # net haléře per unit
    vat_rate_percent: int
    discount_percent: int = 0


class Line(msgspec.Struct, frozen=True, kw_only=True):
    description: str
    quantity: int  # hundredths of the unit
    unit: Unit
    unit_price: int  # net haléře per unit
    vat_rate_percent: int
    discount_percent: int
    net: int
    vat: int
    gross: int


class VatRecap(msgspec.Struct, frozen=True, kw_only=True):
    vat_rate_percent: int
    net: int
    vat: int
    gross: int


class InvoiceDocument(msgspec.Struct, frozen=True, kw_only=True):
    kind: DocumentKind
    number: str  # FA-2026-00001, or DOD-2026-00001 for a credit note
    uuid: str  # the document's identity in ISDOC (a UUID, upper case)
    language: str  # "cs" or "en": the customer's; the Czech labels stay on an English one
    issued_on: date
    taxable_supply_on: date  # DUZP
    due_on: date
    variable_symbol: str  # digits only, at most 10: an invoice's number's; a credit note's original's
    payment_method: str  # "bank_transfer"
    supplier: Party
    customer: Party
    bank_account: str  # the Czech form, 2001234567/2010
    iban: str
    bic: str
    lines: tuple[Line, ...]
    recap: tuple[VatRecap, ...]  # one per VAT rate, rates ascending
    total_net: int
    total_vat: int
    total: int  # what is to be paid (negative on a credit note: what is given back)
    currency: str = "CZK"
    # a credit note names the invoice it corrects, and why
    original_number: str | None = None
    original_issued_on: date | None = None
    reason: str | None = None
    note: str | None = None  # a free line under the items (the order number, the period)


def document_line(line: LineIn) -> Line:
    net = line_net(line.unit_price, Fraction(line.quantity, QUANTITY_SCALE), line.discount_percent)
    amount = with_vat(net, line.vat_rate_percent)
    return Line(
        description=line.description,
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        vat_rate_percent=line.vat_rate_percent,
        discount_percent=line.discount_percent,
        net=amount.net,
        vat=amount.vat,
        gross=amount.gross,
    )


def recapitulate(lines: Iterable[Line]) -> tuple[VatRecap, ...]:
    """The VAT recapitulation: per rate, the sums of its lines (never recomputed from the sum)."""
    sums: dict[int, tuple[int, int]] = {}
    for line in lines:
        net, vat = sums.get(line.vat_rate_percent, (0, 0))
        sums[line.vat_rate_percent] = (net + line.net, vat + line.vat)
    return tuple(
        VatRecap(vat_rate_percent=rate, net=net, vat=vat, gross=net + vat)
        for rate, (net, vat) in sorted(sums.items())
    )


def priced(lines_in: Iterable[LineIn]) -> tuple[tuple[Line, ...], tuple[VatRecap, ...], int, int, int]:
    """Lines, recapitulation and the totals (net, VAT, to pay) of a document's lines."""
    lines = tuple(document_line(line) for line in lines_in)
    recap = recapitulate(lines)
    total_net = sum(r.net for r in recap)
    total_vat = sum(r.vat for r in recap)
    return lines, recap, total_net, total_vat, total_net + total_vat


def encode(document: InvoiceDocument) -> bytes:
    """The snapshot as stored: JSON, the same bytes for the same document."""
    return msgspec.json.encode(document)


def decode(snapshot: bytes | str) -> InvoiceDocument:
    return msgspec.json.decode(snapshot, type=InvoiceDocument)
