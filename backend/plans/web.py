"""Staff admin's page of plan templates: SBP credit packages and SLA plans."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.domain import Actor
from backend.errors import N_, InvalidInput
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, field_errors, form_value, render, see_other
from backend.plans import services
from backend.plans.schemas import PlanChange
from backend.sla.domain import PRIORITY_LABELS, Priority

Form = Annotated[dict[str, Any], FormBody]


async def _page(request: Request[Any, Any, Any], actor: Actor, **context: Any) -> Template:
    return render(
        request,
        "plans/admin.html",
        plans=await services.plans_for_admin(actor),
        priorities=list(Priority),
        priority_labels=PRIORITY_LABELS,
        **{"errors": {}, "failed_code": None, **context},
    )


@get("/staff/plans", include_in_schema=False, guards=[guards.staff_admin])
async def plans_page(request: Request[Any, Any, Any]) -> Template:
    return await _page(request, request.scope["user"])


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


@post("/staff/plans/{code:str}", include_in_schema=False, guards=[guards.staff_admin])
async def plan_submit(request: Request[Any, Any, Any], code: FromPath[str], data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
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


ROUTES = [plans_page, plan_submit]
