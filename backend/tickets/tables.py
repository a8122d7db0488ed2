"""Hotline tickets, their message threads and the per-year ticket number counter."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser
from backend.orders.tables import ServiceOrder


class Ticket(Table, tablename="ticket"):
    number = Varchar(length=20, unique=True)
    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    created_by = ForeignKey(references=PortalUser, on_delete=OnDelete.restrict)
    subject = Varchar(length=200)
    description = Text()
    product = Varchar(length=200, default="")
    priority = Varchar(length=10)
    status = Varchar(length=25, index=True)
    # the terms it runs under, copied when it was opened
    terms = Varchar(length=5)  # alc | sla
    calendar = JSON(default="{}")
    first_response_minutes = Integer()
    resolution_minutes = Integer()
    first_response_due = Timestamptz()
    resolution_due = Timestamptz()
    first_responded_at = Timestamptz(null=True, default=None)
    paused_since = Timestamptz(null=True, default=None)  # while waiting on the customer
    paused_seconds = BigInt(default=0)  # business time spent waiting, in total, to the second
    next_due = Timestamptz(null=True, default=None)  # what the staff queue sorts by; null when not running
    resolved_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    order = ForeignKey(references=ServiceOrder, null=True, on_delete=OnDelete.set_null)  # converted to PAY
    # the member of the support team on it (staff only); null while nobody has taken it
    assignee = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null, index=True)
    # a duplicate merged into another ticket: closed, pointing to where its thread went
    merged_into = ForeignKey(references="self", null=True, on_delete=OnDelete.set_null)
    # the secret in the plus-address its e-mails answer to (unique index in the migration); stored
    # as it is: the e-mails the outbox keeps carry it anyway, so a hash would hide nothing more
    reply_token = Varchar(length=32, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TicketMessage(Table, tablename="ticket_message"):
    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    author_name = Varchar(length=200)
    from_staff = Boolean(default=False)
    # a note among the support team: never shown, sent or exported to the customer
    internal = Boolean(default=False)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class TicketTime(Table, tablename="ticket_time"):
    """Time a member of the support team spent on a ticket."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=PortalUser, on_delete=OnDelete.restrict)
    minutes = Integer()
    note = Text(default="")
    logged_at = Timestamptz(default=TimestamptzNow(), index=True)


class TicketRating(Table, tablename="ticket_rating"):
    """The customer's answer to "did this help?", asked once per resolution of a ticket: the
    link in the e-mail carries a token of which only the hash is kept; it works once."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    resolution = Integer()  # 1 for the first resolution, +1 each time it is resolved again
    token_hash = Varchar(length=64, unique=True)
    engineer = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)  # the assignee then
    asked_at = Timestamptz(default=TimestamptzNow())
    rated_at = Timestamptz(null=True, default=None, index=True)
    good = Boolean(null=True, default=None)
    comment = Text(default="")
    rated_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)


class TicketNumberCounter(Table, tablename="ticket_number_counter"):
    year = Integer(unique=True)
    last_number = Integer(default=0)
