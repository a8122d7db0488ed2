"""Canned replies: answers the support team keeps to insert into a ticket's reply box."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import PortalUser


class CannedReply(Table, tablename="canned_reply"):
    title = Varchar(length=200)
    body_cs = Text()
    body_en = Text(default="")  # empty: the Czech text is used for English readers too
    updated_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
