"""The audit log: one append-only row per change of state, by anyone."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser


class AuditEvent(Table, tablename="audit_event"):
    at = Timestamptz(default=TimestamptzNow())
    actor = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    actor_name = Varchar(length=254, default="")  # as it was; the portal itself when empty
    company = ForeignKey(references=Company, null=True, on_delete=OnDelete.set_null, index=True)
    action = Varchar(length=60, index=True)  # order.approve, auth.login_failed, credit.adjustment …
    object_type = Varchar(length=30)
    object_id = Integer(null=True, default=None)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    client_address = Varchar(length=64, default="")
