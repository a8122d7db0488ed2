"""The files of an issued document, rendered from its snapshot once and kept as they were sent: the
PDF (PDF/A-3 with the ISDOC inside) and the ISDOC. Rendering takes a while (WeasyPrint), so it
runs after the issuing transaction, in a worker thread, never under the counter's lock; a
document issued inside another use case's transaction is rendered right after it, and whatever
a crash left unrendered by the next round of the invoice schedule or the first download."""

from __future__ import annotations

import asyncio
import logging

from piccolo.columns.combination import WhereRaw

from backend.errors import N_, InvalidInput, Unavailable
from backend.invoices.document import InvoiceDocument, decode
from backend.invoices.outputs import render_all
from backend.invoices.qr import qr_svg
from backend.invoices.spd import descriptor, payment_message
from backend.invoices.tables import Invoice, InvoiceFile

logger = logging.getLogger("portal.invoices")
UNRENDERED = WhereRaw('NOT EXISTS (SELECT 1 FROM "invoice_file" f WHERE f."invoice" = "invoice"."id")')


async def ensure_files(invoice_id: int) -> InvoiceFile | dict:
    """The document's files: the kept ones, or rendered now and kept (once, whoever is first)."""
    kept = await InvoiceFile.select().where(InvoiceFile.invoice == invoice_id).first()
    if kept is not None:
        return kept
    row = await Invoice.select(Invoice.snapshot).where(Invoice.id == invoice_id).first()
    try:
        rendered = await asyncio.to_thread(render_all, decode(row["snapshot"]))
    except Exception as exc:  # the invoice stands; its files come with the next schedule round
        logger.exception("invoices: rendering the files of invoice %s failed", invoice_id)
        raise Unavailable(
            N_("The invoice's PDF is not ready yet. Please try again in a few minutes.")
        ) from exc
    await InvoiceFile.insert(
        InvoiceFile(invoice=invoice_id, pdf=rendered.pdf, isdoc=rendered.isdoc)
    ).on_conflict(target=InvoiceFile.invoice, action="DO NOTHING")
    return await InvoiceFile.select().where(InvoiceFile.invoice == invoice_id).first()


async def render_missing(limit: int = 50) -> int:
    """Render the files of documents that have none yet (oldest first)."""
    rows = await Invoice.select(Invoice.id).where(UNRENDERED).order_by(Invoice.id).limit(limit)
    for row in rows:
        await ensure_files(row["id"])
    if rows:
        logger.info("invoices: rendered the files of %d document(s)", len(rows))
    return len(rows)


async def pdf_attachment(invoice_id: int) -> tuple[str, bytes]:
    """The PDF an e-mail carries: its file name and bytes."""
    kept = await ensure_files(invoice_id)
    number = (await Invoice.select(Invoice.number).where(Invoice.id == invoice_id).first())["number"]
    return f"{number}.pdf", kept["pdf"]


def payment_qr(document: InvoiceDocument, left_to_pay: int) -> tuple[str, str] | None:
    """The QR platba for what is left to pay (SPD text, inline SVG), or None when nothing is to be
    paid or the amount is beyond what a QR payment carries."""
    if document.kind.value != "invoice" or left_to_pay <= 0:
        return None
    try:
        text = descriptor(
            document.iban,
            left_to_pay,
            document.variable_symbol,
            document.due_on,
            payment_message(document),
            bic=document.bic or None,
        )
    except InvalidInput:
        return None
    return text, qr_svg(text)
