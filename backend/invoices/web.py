"""Customer pages of invoices: the company's list with a status filter, and each document with its
lines, VAT recapitulation, payment details and QR payment."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Template
from markupsafe import Markup

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.invoices import domain, queries
from backend.invoices.qr import qr_svg
from backend.invoices.schemas import InvoiceOut
from backend.pages import is_htmx, render
from backend.params import RowId

CONTEXT = {
    "status_labels": domain.STATUS_LABELS,
    "kind_labels": domain.KIND_LABELS,
    "filter_labels": queries.FILTER_LABELS,
    "filters": queries.FILTERS,
}


@get("/")
async def invoice_list(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    """The company's invoices and credit notes, newest first; the filter swaps the list in place."""
    page = await queries.list_invoices(actor, status=status or None, cursor=cursor)
    context = {"page": page, "status": status or "", "base": "/invoices", **CONTEXT}
    if is_htmx(request) and cursor:
        return render(request, "invoices/partials/_rows.html", **context)
    if is_htmx(request):
        return render(request, "invoices/partials/_list.html", **context)
    return render(request, "invoices/list.html", **context)


@get("/{invoice_id:int}")
async def invoice_detail(request: Request[Any, Any, Any], actor: CurrentActor, invoice_id: RowId) -> Template:
    invoice = await queries.get_invoice(actor, invoice_id)
    return render(request, "invoices/detail.html", invoice=invoice, qr=qr_of(invoice), **CONTEXT)


def qr_of(invoice: InvoiceOut) -> Markup | None:
    """The QR platba drawn for the page (segno's own SVG, no input of anyone's in it but the SPD
    text, which the SPD builder has checked field by field)."""
    if not invoice.qr_payment:
        return None
    return Markup(qr_svg(invoice.qr_payment))  # noqa: S704


router = Router(
    "/invoices",
    route_handlers=[invoice_list, invoice_detail],
    guards=[guards.customer],
    dependencies=ACTOR,
    include_in_schema=False,
)
