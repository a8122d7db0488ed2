"""The invoice book of a period as a spreadsheet (reports/exports.py writes the CSV and XLSX):
every document issued in it, in the order of their numbers, with the customer as the document
names it, the VAT per rate and what is still to be paid."""

from __future__ import annotations

from backend.errors import N_
from backend.i18n import gettext
from backend.invoices.document import InvoiceDocument
from backend.invoices.domain import KIND_LABELS, STATUS_LABELS, Kind, Status
from backend.invoices.schemas import InvoiceSummary
from backend.reports.exports import Cell, Crowns

HEADER = (
    N_("Number"),
    N_("Kind"),
    N_("Issued on"),
    N_("Date of taxable supply"),
    N_("Due on"),
    N_("Customer"),
    N_("Company ID (IČO)"),
    N_("VAT ID (DIČ)"),
    N_("Variable symbol"),
)


def book_rows(documents: list[tuple[InvoiceSummary, InvoiceDocument]]) -> list[list[Cell]]:
    rates = sorted({recap.vat_rate_percent for _, document in documents for recap in document.recap})
    header: list[Cell] = [gettext(msgid) for msgid in HEADER]
    for rate in rates:
        header += [
            gettext(N_("Net at %(rate)s %% (CZK)"), rate=rate),
            gettext(N_("VAT at %(rate)s %% (CZK)"), rate=rate),
        ]
    header += [
        gettext(N_("Total (CZK)")),
        gettext(N_("Paid (CZK)")),
        gettext(N_("Left to pay (CZK)")),
        gettext(N_("Overpaid, to refund (CZK)")),
        gettext(N_("Status")),
        gettext(N_("Corrects")),
    ]
    table: list[list[Cell]] = [header]
    for item, document in documents:
        by_rate = {recap.vat_rate_percent: recap for recap in document.recap}
        row: list[Cell] = [
            item.number,
            gettext(KIND_LABELS[Kind(item.kind)]),
            item.issued_on.isoformat(),
            item.taxable_supply_on.isoformat(),
            item.due_on.isoformat() if item.kind == Kind.INVOICE else "",
            document.customer.name,
            document.customer.ico,
            document.customer.dic or "",
            item.variable_symbol,
        ]
        for rate in rates:
            recap = by_rate.get(rate)
            row += [Crowns(recap.net if recap else 0), Crowns(recap.vat if recap else 0)]
        row += [
            Crowns(item.total),
            Crowns(item.paid),
            Crowns(item.left_to_pay),
            Crowns(item.overpaid),
            gettext(STATUS_LABELS[Status(item.status)]) if item.kind == Kind.INVOICE else "",
            document.original_number or "",
        ]
        table.append(row)
    return table
