"""msgspec Structs of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEventOut(msgspec.Struct):
    id: int
    at: datetime
    actor: str | None  # None: the portal itself (scheduled expiry, say)
    company_id: int | None
    company_name: str | None
    action: str
    object_type: str
    object_id: int | None
    before: Any
    after: Any
    client_address: str
    actor_id: int | None = None  # the person's account, when the event was theirs


class AuditPage(msgspec.Struct):
    items: list[AuditEventOut]
    next_cursor: str | None
