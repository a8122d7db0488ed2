"""JSON API of plans and plan requests (subscriptions)."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, customer_manager, staff_admin
from backend.params import RowId
from backend.plans import services
from backend.plans.schemas import (
    DecisionIn,
    PlanAdminOut,
    PlanChange,
    PlanOut,
    SubscriptionIn,
    SubscriptionOut,
)


class PlanController(Controller):
    path = "/api/v1/plans"
    tags = ["catalogue"]

    @get()
    async def plans(self) -> list[PlanOut]:
        """SBP credit packages (price, credit, validity in months) and SLA plans."""
        return await services.list_plans()


class SubscriptionController(Controller):
    path = "/api/v1/subscriptions"
    tags = ["plans"]
    guards = [customer]
    dependencies = ACTOR

    @post(guards=[customer_manager], status_code=HTTP_201_CREATED)
    async def request_plan(self, actor: CurrentActor, data: JSONBody[SubscriptionIn]) -> SubscriptionOut:
        """Request a plan (customer manager); staff admin approves it after payment."""
        return await services.request_plan(actor, data.plan_code)

    @get()
    async def subscriptions(self, actor: CurrentActor) -> list[SubscriptionOut]:
        return await services.company_subscriptions(actor)


class StaffPlanController(Controller):
    path = "/api/v1/staff/plans"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get()
    async def plans(self, actor: CurrentActor) -> list[PlanAdminOut]:
        """Every plan template, inactive ones too, with texts in both languages."""
        return await services.plans_for_admin(actor)

    @patch("/{code:str}")
    async def change(
        self, actor: CurrentActor, code: FromPath[str], data: JSONBody[PlanChange]
    ) -> PlanAdminOut:
        """Change a plan; credit and contracts already granted keep their terms."""
        return await services.change_plan(actor, code, data)


class StaffSubscriptionController(Controller):
    path = "/api/v1/staff/subscriptions"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get()
    async def pending(self, actor: CurrentActor) -> list[SubscriptionOut]:
        """Plan requests waiting for a decision, oldest first."""
        return await services.pending_subscriptions(actor)

    @post("/{subscription_id:int}/approve", status_code=200)
    async def approve(
        self, actor: CurrentActor, subscription_id: RowId, data: JSONBody[DecisionIn | None] = None
    ) -> SubscriptionOut:
        """Approve after payment: an SBP plan books its credit, valid for the plan's months."""
        return await services.decide(actor, subscription_id, approve=True, note=data.note if data else "")

    @post("/{subscription_id:int}/reject", status_code=200)
    async def reject(
        self, actor: CurrentActor, subscription_id: RowId, data: JSONBody[DecisionIn | None] = None
    ) -> SubscriptionOut:
        return await services.decide(actor, subscription_id, approve=False, note=data.note if data else "")
