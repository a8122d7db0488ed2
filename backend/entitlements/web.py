"""The customer's page of what the company is entitled to: ALC, SBP credit and the SLA plans."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.entitlements.services import entitlements
from backend.pages import render
from backend.plans import services as plans
from backend.sla.domain import PRIORITY_LABELS
from backend.sla.services import alc_terms
from backend.tickets.domain import STATUS_LABELS

PAGE = "entitlements/page.html"


async def entitlements_context(actor: Actor) -> dict[str, Any]:
    """The page's data; the SLA plans' fragment (plans/partials/_sla_plans.html) needs it too."""
    return {
        "rights": await entitlements(actor),
        "sla_plans": [plan for plan in await plans.list_plans() if plan.kind == "sla"],
        "status_labels": STATUS_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "alc_targets": alc_terms().targets,  # the Hotline's times for a customer without SLA
    }


@get("/", include_in_schema=False)
async def entitlements_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(request, PAGE, message=None, **await entitlements_context(actor))


router = Router(
    path="/entitlements", route_handlers=[entitlements_page], guards=[guards.customer], dependencies=ACTOR
)
