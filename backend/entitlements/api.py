"""JSON API of entitlements: what a company's ALC, SBP and SLA give it, for the company and staff."""

from __future__ import annotations

from litestar import Controller, get

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, staff
from backend.entitlements.schemas import EntitlementsOut
from backend.entitlements.services import entitlements
from backend.params import RowId


class EntitlementsController(Controller):
    path = "/api/v1/entitlements"
    tags = ["tickets"]
    guards = [customer]
    dependencies = ACTOR

    @get()
    async def entitlements(self, actor: CurrentActor) -> EntitlementsOut:
        """ALC, SBP and SLA status of the caller's company, with what expires when."""
        return await entitlements(actor)


class StaffEntitlementsController(Controller):
    path = "/api/v1/staff/companies/{company_id:int}/entitlements"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def entitlements(self, actor: CurrentActor, company_id: RowId) -> EntitlementsOut:
        return await entitlements(actor, company_id)
