"""JSON API of the audit log (staff admin)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, Parameter

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff_admin
from backend.audit import services
from backend.audit.schemas import AuditPage
from backend.clock import aware
from backend.errors import N_, MalformedInput
from backend.params import RowIdFilter

# ISO 8601 only (a bare number is not read as a Unix time); without a zone it means UTC
Instant = Annotated[
    str | None,
    Parameter(description="ISO 8601 date and time, e.g. 2026-11-25T08:00:00+01:00"),
]


def _instant(raw: str | None, name: str) -> datetime | None:
    if raw is None or raw == "":
        return None
    try:
        return aware(datetime.fromisoformat(raw)).astimezone(UTC)
    except (ValueError, OverflowError):  # not ISO 8601, or a year 1 or 9999 that UTC cannot hold
        raise MalformedInput(
            N_("%(name)s must be an ISO 8601 date and time, e.g. 2026-11-25T08:00:00+01:00."), name=name
        ) from None


class AuditController(Controller):
    path = "/api/v1/staff/audit"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get()
    async def events(
        self,
        actor: CurrentActor,
        company_id: RowIdFilter = None,
        actor_id: RowIdFilter = None,
        object_type: FromQuery[str | None] = None,
        object_id: RowIdFilter = None,
        since: Instant = None,
        until: Instant = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
    ) -> AuditPage:
        """Every change of state, newest first; filter by company, actor, object and time."""
        return await services.browse(
            actor,
            company_id=company_id,
            actor_id=actor_id,
            object_type=object_type,
            object_id=object_id,
            since=_instant(since, "since"),
            until=_instant(until, "until"),
            cursor=cursor,
            limit=limit,
        )
