"""Orders of PAY and SBP work, their history, logged work and the per-year number counter."""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser
from backend.catalog.tables import Service


class ServiceOrder(Table, tablename="service_order"):
    number = Varchar(length=20, unique=True)
    company = ForeignKey(references=Company, on_delete=OnDelete.restrict)
    service = ForeignKey(references=Service, on_delete=OnDelete.restrict)
    created_by = ForeignKey(references=PortalUser, on_delete=OnDelete.restrict)
    status = Varchar(length=20)
    billing = Varchar(length=5)  # pay | sbp
    # what was asked for
    quantity = Integer()  # hundredths of the unit
    unit = Varchar(length=10)
    description = Text()
    delivery = Varchar(length=10)  # remote | onsite
    preferred_date = Date(null=True, default=None)
    # the estimate, frozen when submitted: a later change of rate never changes it
    unit_price = BigInt()
    sbp_unit_price = BigInt(default=0)  # the SBP rate when submitted: what work on an SBP order draws
    vat_rate = Integer()
    estimate_net = BigInt()
    estimate_vat = BigInt()
    estimate_gross = BigInt()
    # the quote
    quote_net = BigInt(null=True, default=None)
    quote_vat = BigInt(null=True, default=None)
    quote_gross = BigInt(null=True, default=None)
    quote_valid_until = Date(null=True, default=None)
    quote_note = Text(default="")
    quote_revision = Integer(default=0)  # 1 for the first quote, +1 for each re-quote
    # the quote fixes the price of time work: the invoice bills it, not the time logged
    quote_fixed = Boolean(default=False)
    # the work
    scheduled_for = Date(null=True, default=None)
    assigned_to = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    reject_reason = Text(default="")
    logged_minutes = Integer(default=0)
    credit_drawn = BigInt(default=0)  # haléře drawn from SBP credit for this order
    # the one-time key of the submission that placed it (unique per company, migration 2026-12-01)
    submission_key = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderEvent(Table, tablename="order_event"):
    """One step of an order's history: who moved it from which status to which, and why."""

    order = ForeignKey(references=ServiceOrder, on_delete=OnDelete.cascade, index=True)
    actor = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    actor_name = Varchar(length=200)  # kept as it was when it happened
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20)
    note = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


class WorkLog(Table, tablename="work_log"):
    order = ForeignKey(references=ServiceOrder, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=PortalUser, on_delete=OnDelete.restrict)
    minutes = Integer()
    note = Text()
    credit_drawn = BigInt(default=0)  # haléře this work drew from SBP credit (0 when billed as PAY)
    # the part of this work the credit did not cover, billed as PAY (at the PAY rate less the SLA
    # discount): its minutes and their net in haléře, for the invoice that bills it
    pay_minutes = Integer(default=0)
    pay_net = BigInt(default=0)
    # the order's billing when it was logged: on SBP only pay_minutes are invoiced, on PAY all of it
    billing = Varchar(length=5, default="pay")
    logged_at = Timestamptz(default=TimestamptzNow())


class OrderNumberCounter(Table, tablename="order_number_counter"):
    """The last order number issued per year; incremented in the transaction that inserts the
    order, so numbers are unique and gapless."""

    year = Integer(unique=True)
    last_number = Integer(default=0)
