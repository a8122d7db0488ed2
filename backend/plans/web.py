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
from backend.i18n import gettext
from backend.money import parse_czk
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
from backend.plans.schemas import PlanChange, PlanOut
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


@post(list(REQUEST_URLS), include_in_schema=False)
async def plan_request(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    """Request a plan; the answer goes back to the page that offers plans of its kind (a code that
    names no plan is answered on the page it was sent from)."""
    code = form_value(data, "plan_code")
    offered = await services.list_plans()
    kind = next(
        (plan.kind for plan in offered if plan.code == code),
        REQUEST_URLS.get(request.url.path.rstrip("/"), "sbp"),
    )
    where = PLAN_PAGES[kind]
    _, outcome = await attempt(
        services.request_plan(actor, code),
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
        decided = await services.decide(
            actor, subscription_id, approve=decision == "approve", note=form_value(data, "note")
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


def _whole(text: str, field: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise InvalidInput(N_("Enter a whole number."), field=field)
    return int(value)


def _change_from_form(kind: str, data: dict[str, Any]) -> PlanChange:
    try:
        price = parse_czk(form_value(data, "price"))
        fee = parse_czk(form_value(data, "monthly_fee") or "0")
        credit = parse_czk(form_value(data, "credit") or "0")
    except ValueError:
        raise InvalidInput(N_("Enter amounts in crowns, e.g. 26 000."), field="price") from None
    change = PlanChange(
        name_cs=form_value(data, "name_cs").strip(),
        name_en=form_value(data, "name_en").strip(),
        description_cs=form_value(data, "description_cs"),
        description_en=form_value(data, "description_en"),
        price=price,
        active=form_value(data, "active") == "on",
    )
    if kind == "sbp":
        change.credit = credit
        change.validity_months = _whole(form_value(data, "validity_months"), "validity_months")
    else:
        change.monthly_fee = fee
        change.discount_percent = _whole(form_value(data, "discount_percent"), "discount_percent")
        change.targets = {
            p.value: {
                "first_response": _whole(form_value(data, f"{p.value}_first_response"), "targets"),
                "resolution": _whole(form_value(data, f"{p.value}_resolution"), "targets"),
            }
            for p in Priority
        }
        change.calendar = {
            "opens": form_value(data, "opens"),
            "closes": form_value(data, "closes"),
            "days": [0, 1, 2, 3, 4],
        }
    return change


@post("/plans/{code:str}", include_in_schema=False)
async def plan_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, code: FromPath[str], data: Form
) -> Response[Any]:
    kind = "sla" if form_value(data, "kind") == "sla" else "sbp"
    try:
        change = _change_from_form(kind, data)
        # a Struct built here is not validated by msgspec: check it as the API would
        services.check_plan_change(change)
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
