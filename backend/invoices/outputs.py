"""Everything made from one issued document, in one call at issue time (invcore stores it)."""

from __future__ import annotations

import msgspec

from backend.invoices.document import InvoiceDocument
from backend.invoices.isdoc import isdoc_xml
from backend.invoices.pdf import invoice_pdf
from backend.invoices.spd import payment_descriptor


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    isdoc: bytes
    pdf: bytes  # PDF/A-3b with ``isdoc`` embedded
    spd: str | None  # the QR platba string; None on a credit note or a zero total


def render_all(document: InvoiceDocument) -> Rendered:
    isdoc = isdoc_xml(document)
    return Rendered(isdoc=isdoc, pdf=invoice_pdf(document, isdoc), spd=payment_descriptor(document))
