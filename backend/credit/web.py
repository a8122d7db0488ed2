"""Credit pages: the customer's balance, expiry, ledger and burn-down; plan requests; staff
admin's approvals, top-ups and adjustments."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.domain import Actor
from backend.credit import queries, services
from backend.credit.chart import burn_down
from backend.credit.domain import ENTRY_LABELS
from backend.credit.schemas import CreditChange
from backend.errors import N_, Conflict, InvalidInput, Money
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId
from backend.plans import services as plans

Form = Annotated[dict[str, Any], FormBody]


async def _credit_context(
    actor: Actor, company_id: int | None = None, cursor: str | None = None
) -> dict[str, Any]:
    overview = await queries.credit_overview(actor, company_id, cursor=cursor)
    chart = burn_down([(point.at, point.balance) for point in overview.history], overview.runs_out_at)
    return {"credit": overview, "chart": chart, "entry_labels": ENTRY_LABELS}


@get("/credit", include_in_schema=False, guards=[guards.customer])
async def credit_page(request: Request[Any, Any, Any], cursor: FromQuery[str | None] = None) -> Template:
    actor: Actor = request.scope["user"]
    context = await _credit_context(actor, cursor=cursor)
    if is_htmx(request) and cursor:
        return render(request, "credit/partials/_entries.html", **context)
    return render(
        request,
        "credit/page.html",
        plans=[plan for plan in await plans.list_plans() if plan.kind == "sbp"],
        requests=await plans.company_subscriptions(actor),
        message=None,
        errors={},
        **context,
    )


@post("/credit/threshold", include_in_schema=False, guards=[guards.customer_manager])
async def threshold_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
    raw = form_value(data, "threshold").strip()
    try:
        threshold = parse_czk(raw) if raw else None
    except ValueError:
        threshold = -1  # refused below with the field's message
    try:
        await services.set_low_balance_threshold(actor, threshold)
    except InvalidInput:
        return render(
            request,
            "credit/partials/_threshold.html",
            status_code=422,
            credit=await queries.credit_overview(actor),
            errors={"threshold": gettext(N_("Enter an amount in crowns, e.g. 5 000, or leave it empty."))},
        )
    if not is_htmx(request):
        return see_other("/credit")
    return render(
        request,
        "credit/partials/_threshold.html",
        credit=await queries.credit_overview(actor),
        errors={},
        saved=True,
    )


@post("/credit/plans", include_in_schema=False, guards=[guards.customer_manager])
async def plan_request_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
    _, outcome = await attempt(
        plans.request_plan(actor, form_value(data, "plan_code")),
        lambda created: gettext(
            N_("Requested: %(plan)s. We will book the credit once it is paid."), plan=created.plan_name
        ),
    )
    return respond(
        request,
        outcome,
        redirect_to="/credit",
        partial="credit/partials/_plans.html",
        page="credit/page.html",
        plans=[plan for plan in await plans.list_plans() if plan.kind == "sbp"],
        requests=await plans.company_subscriptions(actor),
        **await _credit_context(actor),
    )


# --- staff -------------------------------------------------------------------------------------------


@get("/staff/credit", include_in_schema=False, guards=[guards.staff_admin])
async def staff_credit_page(request: Request[Any, Any, Any]) -> Template:
    """Plan requests waiting for approval, and every company's balance."""
    actor: Actor = request.scope["user"]
    return render(
        request,
        "credit/staff.html",
        pending=await plans.pending_subscriptions(actor),
        balances=await queries.balances(actor),
        message=None,
    )


@post(
    "/staff/subscriptions/{subscription_id:int}/{decision:str}",
    include_in_schema=False,
    guards=[guards.staff_admin],
)
async def subscription_decide(
    request: Request[Any, Any, Any], subscription_id: RowId, decision: FromPath[str], data: Form
) -> Response[Any]:
    actor: Actor = request.scope["user"]
    if decision not in ("approve", "reject"):
        raise InvalidInput(N_("Unknown action."), field="decision")
    try:
        decided = await plans.decide(
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
        pending=await plans.pending_subscriptions(actor),
        balances=await queries.balances(actor),
        message=message,
        failed=failed,
    )


@get("/staff/companies/{company_id:int}/credit", include_in_schema=False, guards=[guards.staff])
async def company_credit_page(
    request: Request[Any, Any, Any], company_id: RowId, cursor: FromQuery[str | None] = None
) -> Template:
    actor: Actor = request.scope["user"]
    context = await _credit_context(actor, company_id, cursor=cursor)
    if is_htmx(request) and cursor:
        return render(request, "credit/partials/_entries.html", **context)
    return render(
        request,
        "credit/company.html",
        company_name=await services.company_name(company_id),
        key=secrets.token_urlsafe(12),
        values={},
        errors={},
        message=None,
        **context,
    )


@post("/staff/companies/{company_id:int}/credit", include_in_schema=False, guards=[guards.staff_admin])
async def company_credit_submit(
    request: Request[Any, Any, Any], company_id: RowId, data: Form
) -> Response[Any]:
    """A top-up or an adjustment from the form; its idempotency key was issued with the form,
    so a double click or a resubmitted page books it once."""
    actor: Actor = request.scope["user"]
    values = {name: form_value(data, name) for name in ("amount", "kind", "note", "valid_months", "key")}
    errors: dict[str, str] = {}
    message, failed = None, False
    try:
        amount = parse_czk(values["amount"])
    except ValueError:
        errors["amount"] = gettext(N_("Enter an amount in crowns, e.g. 10 000 or -1 500,50."))
    months = values["valid_months"].strip() or "12"
    if not (months.isascii() and months.isdigit() and 1 <= int(months) <= 60):
        errors["valid_months"] = gettext(N_("Between 1 and 60 months."))
    if not errors:
        try:
            entry, booked = await services.change_credit(
                actor,
                company_id,
                CreditChange(
                    amount=amount,
                    idempotency_key=values["key"],
                    note=values["note"],
                    kind="adjustment" if values["kind"] == "adjustment" else "topup",
                    valid_months=int(months),
                ),
            )
            message = gettext(
                N_("Booked. The balance is now %(balance)s."), balance=Money(entry.balance_after)
            )
            if not booked:
                message = gettext(N_("This was already booked; nothing was booked twice."))
            values = {}
        except (InvalidInput, Conflict) as error:
            errors = field_errors(error) if isinstance(error, InvalidInput) else {}
            message, failed = gettext(error.message, **error.params), True
    else:
        failed = True
    if not is_htmx(request) and not failed:
        return see_other(f"/staff/companies/{company_id}/credit")
    return render(
        request,
        "credit/company.html" if not is_htmx(request) else "credit/partials/_company_panel.html",
        status_code=422 if failed else 200,
        company_name=await services.company_name(company_id),
        key=values.get("key") if failed else secrets.token_urlsafe(12),
        values=values,
        errors=errors,
        message=message,
        failed=failed,
        **await _credit_context(actor, company_id),
    )


ROUTES = [
    credit_page,
    threshold_submit,
    plan_request_submit,
    staff_credit_page,
    subscription_decide,
    company_credit_page,
    company_credit_submit,
]
