"""JSON API of the audit log (staff admin)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.params import FromQuery

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff_admin
from backend.audit import services
from backend.audit.schemas import AuditPage


class AuditController(Controller):
    path = "/api/v1/staff/audit"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get()
    async def events(
        self,
        actor: CurrentActor,
        company_id: FromQuery[int | None] = None,
        actor_id: FromQuery[int | None] = None,
        object_type: FromQuery[str | None] = None,
        object_id: FromQuery[int | None] = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
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
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )
