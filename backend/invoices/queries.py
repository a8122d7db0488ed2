"""Reading invoices: one document, a company's list or every company's, what is owed (the
receivables), the invoice book of a period. Status is derived, never stored: what is left to pay
is the total less its credit notes and payments, computed in SQL for the filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.query import Select

from backend.accounts.domain import Actor
from backend.clock import aware, today
from backend.db import json_value
from backend.errors import N_, InvalidInput, NotFound
from backend.invoices import domain
from backend.invoices.document import InvoiceDocument, Party, decode
from backend.invoices.domain import Balance, Kind, Status
from backend.invoices.files import payment_qr
from backend.invoices.schemas import (
    CompanyReceivables,
    CompanyRef,
    DocumentRef,
    InvoiceOut,
    InvoicePage,
    InvoiceSummary,
    LineOut,
    PartyOut,
    PaymentOut,
    RecapOut,
    ReceivablesOut,
)
from backend.invoices.tables import Invoice, InvoicePayment
from backend.orders.tables import ServiceOrder
from backend.pagination import decode_cursor, encode_cursor, page_size
from backend.search import matching, search_terms

Row = dict[str, Any]
# what is left to pay, in SQL: the total, less its credit notes (negative totals) and payments
LEFT_SQL = (
    '("invoice"."total"'
    ' + COALESCE((SELECT SUM(c."total") FROM "invoice" c WHERE c."original" = "invoice"."id"), 0)'
    ' - COALESCE((SELECT SUM(p."amount") FROM "invoice_payment" p WHERE p."invoice" = "invoice"."id"), 0))'
)
FILTERS = ("", "unpaid", "overdue", "paid", "credit_note")
FILTER_LABELS = {
    "": N_("All"),
    "unpaid": N_("Unpaid"),
    "overdue": N_("Overdue"),
    "paid": N_("Paid"),
    "credit_note": N_("Credit notes"),
}


def _columns() -> tuple[Any, ...]:
    return (
        *Invoice.all_columns(),
        Invoice.company.name.as_alias("company_name"),
        Invoice.original.number.as_alias("original_number"),
    )


def visible_to(actor: Actor, query: Select) -> Select:
    """Staff see every company's invoices; a customer only their own company's."""
    return query if actor.is_staff else query.where(Invoice.company == actor.company_scope())


def _filtered(query: Select, status: str, on: date) -> Select:
    if status not in FILTERS:
        raise InvalidInput(N_("Unknown invoice status %(status)s."), field="status", status=status)
    if status == "credit_note":
        return query.where(Invoice.kind == Kind.CREDIT_NOTE.value)
    if status:
        query = query.where(Invoice.kind == Kind.INVOICE.value)
    if status == "unpaid":
        return query.where(WhereRaw(f"{LEFT_SQL} > 0"))
    if status == "overdue":
        return query.where(WhereRaw(f"{LEFT_SQL} > 0")).where(Invoice.due_on < on)
    if status == "paid":
        return query.where(WhereRaw(f"{LEFT_SQL} <= 0"))
    return query


async def _settlements(ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per invoice: what was paid, and what its credit notes took back (positive)."""
    paid: dict[int, int] = {}
    credited: dict[int, int] = {}
    if not ids:
        return paid, credited
    for row in await InvoicePayment.select(InvoicePayment.invoice, InvoicePayment.amount).where(
        InvoicePayment.invoice.is_in(ids)
    ):
        paid[row["invoice"]] = paid.get(row["invoice"], 0) + row["amount"]
    for row in await Invoice.select(Invoice.original, Invoice.total).where(Invoice.original.is_in(ids)):
        credited[row["original"]] = credited.get(row["original"], 0) - row["total"]
    return paid, credited


def _balance(row: Row, paid: dict[int, int], credited: dict[int, int]) -> Balance:
    return Balance(total=row["total"], paid=paid.get(row["id"], 0), credited=credited.get(row["id"], 0))


def _summary(row: Row, balance: Balance, on: date) -> InvoiceSummary:
    kind = Kind(row["kind"])
    return InvoiceSummary(
        id=row["id"],
        number=row["number"],
        kind=kind.value,  # type: ignore[arg-type]
        status=domain.status_of(kind, balance, row["due_on"], on).value,
        company=CompanyRef(id=row["company"], name=row["company_name"]),
        issued_on=row["issued_on"],
        taxable_supply_on=row["taxable_supply_on"],
        due_on=row["due_on"],
        variable_symbol=row["variable_symbol"],
        total_net=row["total_net"],
        total_vat=row["total_vat"],
        total=row["total"],
        paid=balance.paid,
        credited=balance.credited,
        left_to_pay=balance.left if kind is Kind.INVOICE else 0,
        currency="CZK",
        source_kind=row["source_kind"],
        source_id=row["source_id"],
        overpaid=balance.overpaid if kind is Kind.INVOICE else 0,
        original_number=row.get("original_number"),
    )


async def _summaries(rows: list[Row]) -> list[InvoiceSummary]:
    paid, credited = await _settlements([row["id"] for row in rows])
    on = today()
    return [_summary(row, _balance(row, paid, credited), on) for row in rows]


# --- lists --------------------------------------------------------------------------------------------


async def list_invoices(
    actor: Actor,
    *,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    company_id: int | None = None,
    search: str | None = None,
) -> InvoicePage:
    """Newest first; a customer's own company's, staff every company's (or one ``company_id``'s);
    ``status``: unpaid, overdue, paid or credit_note; ``search``: number or company name."""
    size = page_size(limit)
    query = visible_to(actor, Invoice.select(*_columns()))
    query = _filtered(query, status or "", today())
    if company_id is not None and actor.is_staff:
        query = query.where(Invoice.company == company_id)
    if terms := search_terms(search):
        query = query.where(matching((Invoice.number, Invoice.company.name), terms))
    if cursor:
        # newest first by the issue date, then the number: the cursor names the last row shown
        last = (
            await Invoice.select(Invoice.issued_on, Invoice.number)
            .where(Invoice.id == decode_cursor("i", cursor))
            .first()
        )
        if last is not None:
            query = query.where(
                (Invoice.issued_on < last["issued_on"])
                | ((Invoice.issued_on == last["issued_on"]) & (Invoice.number < last["number"]))
            )
    rows = (
        await query.order_by(Invoice.issued_on, ascending=False)
        .order_by(Invoice.number, ascending=False)
        .limit(size + 1)
    )
    more = len(rows) > size
    rows = rows[:size]
    return InvoicePage(
        items=await _summaries(rows), next_cursor=encode_cursor("i", rows[-1]["id"]) if more else None
    )


async def unpaid_of(company_id: int) -> tuple[int, int]:
    """How many of the company's invoices are unpaid, and how much is left to pay on them."""
    rows = await Invoice.select(*_columns()).where(
        (Invoice.company == company_id) & (Invoice.kind == Kind.INVOICE.value) & WhereRaw(f"{LEFT_SQL} > 0")
    )
    summaries = await _summaries(rows)
    return len(summaries), sum(item.left_to_pay for item in summaries)


async def overdue_of(company_id: int) -> tuple[int, date | None]:
    """What is left to pay on the company's overdue invoices, and the oldest of their due dates."""
    on = today()
    rows = await Invoice.select(*_columns()).where(
        (Invoice.company == company_id)
        & (Invoice.kind == Kind.INVOICE.value)
        & (Invoice.due_on < on)
        & WhereRaw(f"{LEFT_SQL} > 0")
    )
    summaries = await _summaries(rows)
    return sum(item.left_to_pay for item in summaries), min((item.due_on for item in summaries), default=None)


async def of_company(company_id: int, limit: int = 20) -> list[InvoiceSummary]:
    """The company's latest documents, for the staff company page."""
    rows = (
        await Invoice.select(*_columns())
        .where(Invoice.company == company_id)
        .order_by(Invoice.issued_on, ascending=False)
        .order_by(Invoice.number, ascending=False)
        .limit(limit)
    )
    return await _summaries(rows)


# --- one document -------------------------------------------------------------------------------------


def _party(party: Party) -> PartyOut:
    return PartyOut(
        name=party.name,
        street=party.street,
        postal_code=party.postal_code,
        city=party.city,
        country_code=party.country_code,
        ico=party.ico,
        dic=party.dic,
    )


async def invoice_row(actor: Actor, invoice_id: int) -> Row:
    row = await visible_to(actor, Invoice.select(*_columns()).where(Invoice.id == invoice_id)).first()
    if row is None:
        raise NotFound(N_("Invoice not found."))
    return row


async def document_of(actor: Actor, invoice_id: int) -> tuple[Row, InvoiceDocument]:
    row = await invoice_row(actor, invoice_id)
    return row, decode(row["snapshot"])


async def get_invoice(actor: Actor, invoice_id: int) -> InvoiceOut:
    row, document = await document_of(actor, invoice_id)
    paid, credited = await _settlements([invoice_id])
    balance = _balance(row, paid, credited)
    summary = _summary(row, balance, today())
    credit_notes = (
        await Invoice.select(
            Invoice.id, Invoice.number, Invoice.total, Invoice.issued_on, Invoice.credited_lines
        )
        .where(Invoice.original == invoice_id)
        .order_by(Invoice.id)
    )
    taken = domain.credited_quantities(
        document.lines, [json_value(c["credited_lines"]) for c in credit_notes]
    )
    original = None
    if row["original"] is not None:
        first = (
            await Invoice.select(Invoice.id, Invoice.number, Invoice.total, Invoice.issued_on)
            .where(Invoice.id == row["original"])
            .first()
        )
        original = DocumentRef(**first)
    order = None
    if row["source_kind"] == "order" and row["source_id"] is not None:
        order = (
            await ServiceOrder.select(ServiceOrder.number).where(ServiceOrder.id == row["source_id"]).first()
        )
    payments = (
        await InvoicePayment.select()
        .where(InvoicePayment.invoice == invoice_id)
        .order_by(InvoicePayment.paid_on)
        .order_by(InvoicePayment.id)
    )
    return InvoiceOut(
        **{field: getattr(summary, field) for field in InvoiceSummary.__struct_fields__},
        payment_method=document.payment_method,
        bank_account=document.bank_account,
        iban=document.iban,
        bic=document.bic,
        supplier=_party(document.supplier),
        customer=_party(document.customer),
        lines=[
            LineOut(
                number=position + 1,
                description=line.description,
                quantity=domain.quantity_text(line.quantity),
                unit=line.unit.value,
                unit_price=line.unit_price,
                vat_rate_percent=line.vat_rate_percent,
                discount_percent=line.discount_percent,
                net=line.net,
                vat=line.vat,
                gross=line.gross,
                credited=domain.quantity_text(taken[position]),
            )
            for position, line in enumerate(document.lines)
        ],
        recap=[
            RecapOut(vat_rate_percent=r.vat_rate_percent, net=r.net, vat=r.vat, gross=r.gross)
            for r in document.recap
        ],
        payments=[
            PaymentOut(
                paid_on=p["paid_on"], amount=p["amount"], recorded_by=p["recorded_by_name"], note=p["note"]
            )
            for p in payments
        ],
        credit_notes=[
            DocumentRef(id=c["id"], number=c["number"], total=c["total"], issued_on=c["issued_on"])
            for c in credit_notes
        ],
        original=original,
        reason=document.reason,
        note=document.note,
        order_number=order["number"] if order else None,
        issued_at=aware(row["issued_at"]),
        qr_payment=qr[0] if (qr := payment_qr(document, summary.left_to_pay)) else None,
        pdf_url=f"/api/v1/invoices/{invoice_id}/pdf",
        isdoc_url=f"/api/v1/invoices/{invoice_id}/isdoc",
    )


# --- receivables and the invoice book ------------------------------------------------------------------


async def receivables(actor: Actor) -> ReceivablesOut:
    """What is owed: per company, what is left to pay and not yet due, what is overdue, and what
    we owe back (paid beyond what a later credit note left to pay)."""
    actor.require_staff_admin()
    rows = await Invoice.select(*_columns()).where(
        (Invoice.kind == Kind.INVOICE.value) & WhereRaw(f"{LEFT_SQL} <> 0")
    )
    by_company: dict[int, CompanyReceivables] = {}
    for item in await _summaries(rows):
        entry = by_company.setdefault(
            item.company.id,
            CompanyReceivables(company=item.company, invoices=0, due=0, overdue=0, oldest_due_on=None),
        )
        if item.overpaid:
            entry.to_refund += item.overpaid
            continue
        entry.invoices += 1
        if item.status == Status.OVERDUE:
            entry.overdue += item.left_to_pay
        else:
            entry.due += item.left_to_pay
        if entry.oldest_due_on is None or item.due_on < entry.oldest_due_on:
            entry.oldest_due_on = item.due_on
    companies = sorted(by_company.values(), key=lambda c: (-c.overdue, -c.due, -c.to_refund, c.company.name))
    return ReceivablesOut(
        to_refund=sum(c.to_refund for c in companies),
        due=sum(c.due for c in companies),
        overdue=sum(c.overdue for c in companies),
        invoices=sum(c.invoices for c in companies),
        by_company=companies,
    )


async def invoice_book(actor: Actor, start: date, end: date) -> list[tuple[InvoiceSummary, InvoiceDocument]]:
    """Every document issued in the period (both days included), in the order of their numbers."""
    actor.require_staff_admin()
    if end < start:
        raise InvalidInput(N_("The period must end after it starts."), field="until")
    rows = (
        await Invoice.select(*_columns())
        .where((Invoice.issued_on >= start) & (Invoice.issued_on <= end))
        .order_by(Invoice.kind)
        .order_by(Invoice.number)
    )
    summaries = await _summaries(rows)
    return [(summary, decode(row["snapshot"])) for summary, row in zip(summaries, rows, strict=True)]


async def company_choices() -> list[Row]:
    """The companies an invoice can be issued to, by name (the manual invoice form)."""
    from backend.accounts.tables import Company

    return await Company.select(Company.id, Company.name, Company.ico).order_by(Company.name).limit(1000)
