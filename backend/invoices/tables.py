"""Issued tax documents (invoices and credit notes), their payments, their rendered files and the
yearly number counters. An invoice row is written once, when it is issued: its snapshot, totals
and dates never change (tests/integration/test_invoice_immutability.py). What happens to it later
lives in rows of its own (payments, credit notes that reference it, the rendered files), and the
only columns ever updated are the overdue reminders' bookkeeping."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Bytea, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser


class Invoice(Table, tablename="invoice"):
    kind = Varchar(length=12)  # invoice | credit_note
    number = Varchar(length=20, unique=True)  # FA-2026-00001 | DOD-2026-00001
    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    # what it bills, as one key: "order:12", "subscription:5", "sla:3:2026-12"; unique, so issuing
    # the same source twice books one invoice. Manual invoices and credit notes have none.
    source_kind = Varchar(length=12)  # order | subscription | sla_fee | manual | credit_note
    source_id = Integer(null=True, default=None)
    source_key = Varchar(length=60, null=True, default=None, unique=True)
    # NO ACTION, not RESTRICT: SQLite checks RESTRICT row by row, so emptying the table would fail
    original = ForeignKey(references="self", null=True, on_delete=OnDelete.no_action, index=True)
    snapshot = Text()  # document.encode(): the document exactly as issued
    # a credit note: which lines of the original it takes back, [[line number, quantity], ...]
    credited_lines = JSON(default="[]")
    language = Varchar(length=5, default="cs")
    issued_on = Date()
    taxable_supply_on = Date()
    due_on = Date()
    variable_symbol = Varchar(length=10)
    total_net = BigInt()
    total_vat = BigInt()
    total = BigInt()  # to pay; negative on a credit note
    issued_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    issued_at = Timestamptz(default=TimestamptzNow())
    # overdue reminders: the only columns written after issue
    reminders_sent = Integer(default=0)
    reminded_on = Date(null=True, default=None)


class InvoicePayment(Table, tablename="invoice_payment"):
    invoice = ForeignKey(references=Invoice, on_delete=OnDelete.restrict, index=True)
    paid_on = Date()
    amount = BigInt()  # haléře received
    recorded_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    recorded_by_name = Varchar(length=200, default="")
    note = Text(default="")
    recorded_at = Timestamptz(default=TimestamptzNow())


class InvoiceFile(Table, tablename="invoice_file"):
    """The PDF (with the ISDOC inside) and the ISDOC as rendered from the snapshot, kept as they
    were sent. Inserted once per document, never updated."""

    invoice = ForeignKey(references=Invoice, unique=True, on_delete=OnDelete.restrict)
    pdf = Bytea()
    isdoc = Bytea()
    rendered_at = Timestamptz(default=TimestamptzNow())


class InvoiceNumberCounter(Table, tablename="invoice_number_counter"):
    """The last FA-YYYY-NNNNN issued per year (numbering.next_in_year: gap-free, row-locked)."""

    year = Integer(unique=True)
    last_number = Integer(default=0)


class CreditNoteNumberCounter(Table, tablename="credit_note_number_counter"):
    """The last DOD-YYYY-NNNNN issued per year: credit notes have their own sequence."""

    year = Integer(unique=True)
    last_number = Integer(default=0)
