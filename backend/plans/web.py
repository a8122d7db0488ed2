"""Plan pages: a customer's request for an SBP credit package or an SLA plan, staff admin's
decision on a request, and staff admin's page of plan templates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.credit import queries as credit
from backend.credit.web import credit_context
from backend.entitlements.web import entitlements_context
from backend.errors import N_, Conflict, InvalidInput
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import (
    FormBody,
    attempt,
    field_errors,
    form_value,
    is_htmx,
    render,
    respond,
    see_other,
)
from backend.params import RowId
from backend.plans import services
from backend.plans.schemas import (
    DecisionIn,
    PlanChange,
    PlanOut,
    SlaPlanForm,
    SubscriptionIn,
    SubscriptionOut,
)
from backend.sla.domain import PRIORITY_LABELS, Priority

Form = Annotated[dict[str, Any], FormBody]


# --- a customer's plan request ----------------------------------------------------------------------


async def _sbp_context(actor: Actor, offered: list[PlanOut]) -> dict[str, Any]:
    return {
        "plans": [plan for plan in offered if plan.kind == "sbp"],
        "requests": await services.company_subscriptions(actor),
        **await credit_context(actor),
    }


async def _sla_context(actor: Actor, offered: list[PlanOut]) -> dict[str, Any]:
    return await entitlements_context(actor)


@dataclass(frozen=True)
class PlanPage:
    """Where a kind of plan is offered: the page, its fragment, and what a request is answered."""

    url: str
    page: str
    partial: str
    requested: str
    context: Callable[[Actor, list[PlanOut]], Awaitable[dict[str, Any]]]


PLAN_PAGES = {
    "sbp": PlanPage(
        "/credit",
        "credit/page.html",
        "plans/partials/_sbp_plans.html",
        N_("Requested: %(plan)s. We will book the credit once it is paid."),
        _sbp_context,
    ),
    "sla": PlanPage(
        "/entitlements",
        "entitlements/page.html",
        "plans/partials/_sla_plans.html",
        N_("Requested: %(plan)s. We will contact you about the contract."),
        _sla_context,
    ),
}
REQUEST_URLS = {"/credit/plans": "sbp", "/entitlements/sla": "sla"}


async def _request_plan(actor: Actor, data: dict[str, Any]) -> SubscriptionOut:
    return await services.request_plan(actor, decode_form(data, SubscriptionIn).plan_code)


@post(list(REQUEST_URLS), include_in_schema=False)
async def plan_request(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    """Request a plan; the answer goes back to the page that offers plans of its kind (a code that
    names no plan is answered on the page it was sent from)."""
    code = form_value(data, "plan_code")  # only to choose the page; the request is decoded below
    offered = await services.list_plans()
    kind = next(
        (plan.kind for plan in offered if plan.code == code),
        REQUEST_URLS.get(request.url.path.rstrip("/"), "sbp"),
    )
    where = PLAN_PAGES[kind]
    _, outcome = await attempt(
        _request_plan(actor, data),
        lambda created: gettext(where.requested, plan=created.plan_name),
    )
    return respond(
        request,
        outcome,
        redirect_to=where.url,
        partial=where.partial,
        page=where.page,
        **await where.context(actor, offered),
    )


# --- staff admin: decisions on requests and the plan templates --------------------------------------


@post("/subscriptions/{subscription_id:int}/{decision:str}", include_in_schema=False)
async def subscription_decide(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    subscription_id: RowId,
    decision: FromPath[str],
    data: Form,
) -> Response[Any]:
    if decision not in ("approve", "reject"):
        raise InvalidInput(N_("Unknown action."), field="decision")
    try:
        decision_in = decode_form(data, DecisionIn)
        decided = await services.decide(
            actor, subscription_id, approve=decision == "approve", note=decision_in.note
        )
        if decided.status == "rejected":
            message = gettext(N_("Rejected."))
        elif decided.plan_kind == "sla":
            message = gettext(
                N_("Approved: the SLA contract of %(company)s is active."), company=decided.company_name
            )
        else:
            message = gettext(
                N_("Approved: the credit is booked for %(company)s."), company=decided.company_name
            )
        failed = False
    except (InvalidInput, Conflict) as error:
        message, failed = gettext(error.message, **error.params), True
    if not is_htmx(request):
        return see_other("/staff/credit")
    return render(
        request,
        "credit/partials/_admin.html",
        status_code=422 if failed else 200,
        pending=await services.pending_subscriptions(actor),
        balances=await credit.balances(actor),
        message=message,
        failed=failed,
    )


async def _page(request: Request[Any, Any, Any], actor: Actor, **context: Any) -> Template:
    return render(
        request,
        "plans/admin.html",
        plans=await services.plans_for_admin(actor),
        priorities=list(Priority),
        priority_labels=PRIORITY_LABELS,
        **{"errors": {}, "failed_code": None, **context},
    )


@get("/plans", include_in_schema=False)
async def plans_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return await _page(request, actor)


@post("/plans/{code:str}", include_in_schema=False)
async def plan_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, code: FromPath[str], data: Form
) -> Response[Any]:
    try:
        if form_value(data, "kind") == "sla":  # which of the page's two forms this is
            change = decode_form(data, SlaPlanForm).plan_change()
        else:
            change = decode_form(data, PlanChange)
        await services.change_plan(actor, code, change)
    except InvalidInput as error:
        return await _page(
            request,
            actor,
            errors=field_errors(error),
            failed_code=code,
            form=data,
            message=gettext(N_("Please correct the highlighted fields.")),
            status_code=422,
        )
    return see_other(f"/staff/plans#plan-{code}")


router = Router(
    path="/",
    route_handlers=[
        Router(path="/", route_handlers=[plan_request], guards=[guards.customer_manager], dependencies=ACTOR),
        Router(
            path="/staff",
            route_handlers=[subscription_decide, plans_page, plan_submit],
            guards=[guards.staff_admin],
            dependencies=ACTOR,
        ),
    ],
)
