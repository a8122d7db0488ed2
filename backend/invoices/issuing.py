"""The one writer of invoice rows: a document is numbered, frozen and recorded here, in the
caller's write transaction, with its audit event, webhook and the e-mail to the company's
managers. Every source (orders, plans, SLA fees, staff by hand, credit notes) calls ``issue``.

Numbers are gap-free and unique: the year's counter row is locked before anything else, so
issuers queue on it; the source is checked while it is held, so a source issued by another
process meanwhile is found, not issued twice (its unique ``source_key`` is the backstop)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from backend.accounts.domain import Actor, Role
from backend.accounts.tables import Company, PortalUser
from backend.audit.services import record
from backend.clock import now, today
from backend.db import locked
from backend.invoices import domain
from backend.invoices.document import DocumentKind, InvoiceDocument, LineIn, Party, encode, priced
from backend.invoices.domain import Kind, SourceKind
from backend.invoices.tables import CreditNoteNumberCounter, Invoice, InvoiceNumberCounter
from backend.notifications.services import enqueue_for_managers
from backend.numbering import next_in_year
from backend.settings import get_settings
from backend.webhooks.services import emit


@dataclass(frozen=True, slots=True)
class Source:
    kind: SourceKind
    id: int | None = None
    key: str | None = None  # unique: the same key twice books one invoice


@dataclass(frozen=True, slots=True)
class Original:
    """The invoice a credit note corrects."""

    id: int
    number: str
    issued_on: date
    credited_lines: list[list[int]]
    variable_symbol: str  # a credit note is paid (refunded) under the invoice's symbol


def supplier() -> Party:
    settings = get_settings()
    return Party(
        name=settings.supplier_name,
        street=settings.supplier_street,
        postal_code=settings.supplier_postal_code,
        city=settings.supplier_city,
        ico=settings.supplier_ico,
        dic=settings.supplier_dic,
    )


async def customer_of(company_id: int) -> Party:
    """The company as it is today: an issued document keeps this copy whatever changes later."""
    row = await Company.select().where(Company.id == company_id).first()
    return Party(
        name=row["name"],
        street=row["street"],
        postal_code=row["postal_code"],
        city=row["city"],
        ico=row["ico"],
        dic=row["dic"],
    )


async def language_of(company_id: int) -> str:
    """The customer's language: its (first) manager's."""
    row = (
        await PortalUser.select(PortalUser.language)
        .where((PortalUser.company == company_id) & (PortalUser.role == Role.CUSTOMER_MANAGER.value))
        .order_by(PortalUser.id)
        .first()
    )
    return row["language"] if row and row["language"] in ("cs", "en") else "cs"


async def _hold_counter(counter: Any, year: int) -> None:
    """Lock the year's counter row (created when missing) until the transaction ends."""
    await counter.insert(counter(year=year, last_number=0)).on_conflict(
        target=counter.year, action="DO NOTHING"
    )
    await locked(counter.select(counter.id).where(counter.year == year))


async def existing(key: str) -> int | None:
    row = await Invoice.select(Invoice.id).where(Invoice.source_key == key).first()
    return row["id"] if row else None


async def issue(
    company_id: int,
    kind: Kind,
    lines: Sequence[LineIn],
    *,
    source: Source,
    taxable_supply_on: date,
    actor: Actor | None,
    note: str | None = None,
    original: Original | None = None,
    reason: str | None = None,
    credited_lines: list[list[int]] | None = None,
    issued_on: date | None = None,
) -> tuple[int, bool]:
    """Issue one document inside the caller's write transaction. Returns its id and whether it
    is new (False: the source had been issued already, and that invoice is the answer)."""
    issued_on = issued_on or today()
    counter = InvoiceNumberCounter if kind is Kind.INVOICE else CreditNoteNumberCounter
    await _hold_counter(counter, issued_on.year)
    if source.key and (found := await existing(source.key)) is not None:
        return found, False
    priced_lines, recap, total_net, total_vat, total = priced(lines)
    if kind is Kind.INVOICE:
        domain.check_total(total_net)
    number = domain.document_number(kind, issued_on.year, await next_in_year(counter, issued_on.year))
    settings = get_settings()
    language = await language_of(company_id)
    document = InvoiceDocument(
        kind=DocumentKind(kind.value),
        number=number,
        uuid=str(uuid.uuid4()).upper(),
        language=language,
        issued_on=issued_on,
        taxable_supply_on=taxable_supply_on,
        due_on=domain.due_date(issued_on, settings.invoice_due_days),
        # a refund must match the invoice it corrects; the credit note's own digits would repeat
        # an unrelated invoice's symbol (DOD-2026-00001 and FA-2026-00001)
        variable_symbol=original.variable_symbol if original else domain.variable_symbol(number),
        payment_method="bank_transfer",
        supplier=supplier(),
        customer=await customer_of(company_id),
        bank_account=settings.supplier_bank_account,
        iban=settings.supplier_iban,
        bic=settings.supplier_bic,
        lines=priced_lines,
        recap=recap,
        total_net=total_net,
        total_vat=total_vat,
        total=total,
        original_number=original.number if original else None,
        original_issued_on=original.issued_on if original else None,
        reason=reason,
        note=note or None,
    )
    invoice_id = (
        await Invoice.insert(
            Invoice(
                kind=kind.value,
                number=number,
                company=company_id,
                source_kind=source.kind.value,
                source_id=source.id,
                source_key=source.key,
                original=original.id if original else None,
                snapshot=encode(document).decode(),
                credited_lines=credited_lines or [],
                language=language,
                issued_on=issued_on,
                taxable_supply_on=taxable_supply_on,
                due_on=document.due_on,
                variable_symbol=document.variable_symbol,
                total_net=total_net,
                total_vat=total_vat,
                total=total,
                issued_by=actor.id if actor else None,
                issued_at=now(),
            )
        ).returning(Invoice.id)
    )[0]["id"]
    await record(
        "invoice.issued" if kind is Kind.INVOICE else "invoice.credit_note_issued",
        object_type="invoice",
        object_id=invoice_id,
        actor=actor,
        company_id=company_id,
        after={"number": number, "total": total, "source": source.key or source.kind.value},
    )
    await emit(
        "invoice.issued",
        company_id,
        {"invoice_id": invoice_id, "number": number, "kind": kind.value, "total": total},
    )
    await enqueue_for_managers(
        company_id,
        "invoice_issued" if kind is Kind.INVOICE else "credit_note_issued",
        {
            "number": number,
            "invoice_id": invoice_id,
            "amount": total,
            "due_on": document.due_on.isoformat(),
            "original": original.number if original else "",
        },
        attachments=[{"invoice_id": invoice_id}],
    )
    return invoice_id, True
