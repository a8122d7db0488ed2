"""Webhook endpoints the staff admin registers, and the deliveries written for them in the same
transaction as the change they tell of (the outbox of webhooks)."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import PortalUser


class WebhookEndpoint(Table, tablename="webhook_endpoint"):
    url = Varchar(length=500)
    description = Varchar(length=200, default="")
    events = JSON(default="[]")
    secret = Varchar(length=100)  # signs deliveries: the portal needs it itself, so it is kept
    enabled = Boolean(default=True)
    disabled_reason = Varchar(length=300, default="")
    failures_in_a_row = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)


class WebhookDelivery(Table, tablename="webhook_delivery"):
    endpoint = ForeignKey(references=WebhookEndpoint, on_delete=OnDelete.cascade, index=True)
    message_id = Varchar(length=40, unique=True)  # webhook-id: the same on every retry
    event = Varchar(length=40)
    payload = Text()  # the exact body signed and sent
    status = Varchar(length=12, default="pending", index=True)  # pending | delivered | failed
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    claimed_until = Timestamptz(null=True, default=None)
    last_attempt_at = Timestamptz(null=True, default=None)
    response_code = Integer(null=True, default=None)
    last_error = Varchar(length=500, default="")
