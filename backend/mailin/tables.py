"""E-mail that reached the support mailbox: each message recorded once (by its Message-ID, in the
transaction that files it), when each address was last answered automatically, and the lease
that lets one poller at a time read the mailbox."""

from __future__ import annotations

from piccolo.columns import Bytea, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import PortalUser
from backend.tickets.tables import Ticket, TicketMessage


class InboundMail(Table, tablename="inbound_mail"):
    message_id = Varchar(length=500, unique=True)
    received_at = Timestamptz(default=TimestamptzNow())
    sender = Varchar(length=254, default="")  # the From address, lower case
    sender_name = Varchar(length=200, default="")
    subject = Varchar(length=300, default="")
    status = Varchar(length=20, index=True)  # filed | opened | not_filed | filed_by_hand | discarded
    reason = Varchar(length=30, default="")  # why it was not filed
    ticket = ForeignKey(references=Ticket, null=True, on_delete=OnDelete.set_null)  # filed into, or named
    ticket_message = ForeignKey(references=TicketMessage, null=True, on_delete=OnDelete.set_null)
    text = Text(default="")  # the reply as filed (quoted history and signature cut off)
    size = Integer(default=0)
    raw = Bytea(null=True, default=None)  # kept while not filed, for filing by hand
    handled_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    handled_at = Timestamptz(null=True, default=None)


class MailAnswer(Table, tablename="mail_answer"):
    """When the portal last answered an address on its own: at most once an hour each."""

    address = Varchar(length=254, unique=True)
    answered_at = Timestamptz()


class MailPollerLease(Table, tablename="mail_poller_lease"):
    """Who reads the mailbox now; a poller that dies leaves it to expire."""

    name = Varchar(length=40, unique=True)
    holder = Varchar(length=64, default="")
    expires_at = Timestamptz()
