"""JSON API of invoices: customers read their company's, staff every company's; staff admin
issues by hand, records payments and issues credit notes. Nothing issued can be edited: there is
no PUT, PATCH or DELETE here."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import signed_in, staff_admin
from backend.invoices import files, queries, services
from backend.invoices.schemas import CreditNoteIn, InvoiceOut, InvoicePage, ManualInvoiceIn, PaymentIn
from backend.params import RowId, RowIdFilter


async def files_of(actor, invoice_id: int, kind: str) -> tuple[dict, bytes]:
    row = await queries.invoice_row(actor, invoice_id)  # 404 when not the caller's
    kept = await files.ensure_files(invoice_id)
    return row, kept[kind]


def _download(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private"},
    )


class InvoiceController(Controller):
    path = "/api/v1/invoices"
    tags = ["invoices"]
    guards = [signed_in]
    dependencies = ACTOR

    @get()
    async def invoices(
        self,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        company_id: RowIdFilter = None,
        search: FromQuery[str | None] = None,
    ) -> InvoicePage:
        """Invoices and credit notes, newest first: a customer's company's, or (staff) every
        company's or one ``company_id``'s. ``status``: unpaid, overdue, paid or credit_note."""
        return await queries.list_invoices(
            actor, status=status, cursor=cursor, limit=limit, company_id=company_id, search=search
        )

    @get("/{invoice_id:int}")
    async def invoice(self, actor: CurrentActor, invoice_id: RowId) -> InvoiceOut:
        """One document as issued (its lines, VAT recapitulation, payment details), with what was
        paid and credited since and what is left to pay."""
        return await queries.get_invoice(actor, invoice_id)

    @get("/{invoice_id:int}/pdf", media_type="application/pdf")
    async def pdf(self, actor: CurrentActor, invoice_id: RowId) -> Response[bytes]:
        """The document as issued: PDF/A-3 with its ISDOC inside (accounting software imports it)."""
        row, content = await files_of(actor, invoice_id, "pdf")
        return _download(content, f"{row['number']}.pdf", "application/pdf")

    @get("/{invoice_id:int}/isdoc", media_type="application/xml")
    async def isdoc(self, actor: CurrentActor, invoice_id: RowId) -> Response[bytes]:
        """The document as ISDOC 6.0.2 XML, the Czech e-invoice standard."""
        row, content = await files_of(actor, invoice_id, "isdoc")
        return _download(content, f"{row['number']}.isdoc", "application/xml")

    @post(guards=[staff_admin], status_code=HTTP_201_CREATED)
    async def issue(self, actor: CurrentActor, data: JSONBody[ManualInvoiceIn]) -> InvoiceOut:
        """Staff admin issues an invoice by hand (lines typed in) for work outside the catalogue."""
        return await queries.get_invoice(actor, await services.issue_manual(actor, data))

    @post("/{invoice_id:int}/payments", guards=[staff_admin], status_code=HTTP_201_CREATED)
    async def pay(self, actor: CurrentActor, invoice_id: RowId, data: JSONBody[PaymentIn]) -> InvoiceOut:
        """Record money received (haléře); a partial payment leaves the rest due."""
        await services.record_payment(actor, invoice_id, data)
        return await queries.get_invoice(actor, invoice_id)

    @post("/{invoice_id:int}/credit-notes", guards=[staff_admin], status_code=HTTP_201_CREATED)
    async def credit(
        self, actor: CurrentActor, invoice_id: RowId, data: JSONBody[CreditNoteIn]
    ) -> InvoiceOut:
        """Issue a credit note against the invoice: all that is left of it, or the chosen lines
        and quantities (never more than is left). Answers with the credit note."""
        return await queries.get_invoice(actor, await services.issue_credit_note(actor, invoice_id, data))
