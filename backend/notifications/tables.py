"""The outbox: notifications written in the same transaction as the change that causes them,
delivered later by the sender (so nothing is lost while SMTP is down)."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser


class OutboxMessage(Table, tablename="outbox_message"):
    kind = Varchar(length=40)
    company = ForeignKey(references=Company, null=True, on_delete=OnDelete.cascade)
    recipient = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.cascade)
    recipient_email = Varchar(length=254)
    language = Varchar(length=5)
    context = JSON(default="{}")
    # files sent with it, by reference ([{"invoice_id": 12}]: that invoice's PDF), read when sent
    attachments = JSON(default="[]")
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)  # a sender is delivering it until then
    last_error = Text(default="")
    failed_at = Timestamptz(null=True, default=None)  # given up after EMAIL_MAX_ATTEMPTS tries
