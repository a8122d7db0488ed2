"""Credit pages: the customer's balance, expiry, ledger and burn-down; staff admin's balances,
top-ups and adjustments. Plan requests and their approval are the plans feature's (plans/web.py)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.credit import queries, services
from backend.credit.chart import burn_down
from backend.credit.domain import ENTRY_LABELS
from backend.credit.schemas import CreditChange
from backend.errors import N_, Conflict, InvalidInput, Money
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, field_errors, form_value, is_htmx, render, see_other
from backend.params import RowId
from backend.plans import services as plans

Form = Annotated[dict[str, Any], FormBody]


async def credit_context(
    actor: Actor, company_id: int | None = None, cursor: str | None = None
) -> dict[str, Any]:
    overview = await queries.credit_overview(actor, company_id, cursor=cursor)
    chart = burn_down([(point.at, point.balance) for point in overview.history], overview.runs_out_at)
    return {"credit": overview, "chart": chart, "entry_labels": ENTRY_LABELS}


@get("/", include_in_schema=False)
async def credit_page(
    request: Request[Any, Any, Any], actor: CurrentActor, cursor: FromQuery[str | None] = None
) -> Template:
    context = await credit_context(actor, cursor=cursor)
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


@post("/threshold", include_in_schema=False)
async def threshold_submit(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
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


# --- staff -------------------------------------------------------------------------------------------


@get("/credit", include_in_schema=False)
async def staff_credit_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    """Plan requests waiting for approval, and every company's balance."""
    return render(
        request,
        "credit/staff.html",
        pending=await plans.pending_subscriptions(actor),
        balances=await queries.balances(actor),
        message=None,
    )


@get("/", include_in_schema=False)
async def company_credit_page(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    company_id: RowId,
    cursor: FromQuery[str | None] = None,
) -> Template:
    context = await credit_context(actor, company_id, cursor=cursor)
    if is_htmx(request) and cursor:
        return render(request, "credit/partials/_entries.html", **context)
    return render(
        request,
        "credit/company.html",
        company_name=await accounts.company_name(company_id),
        key=secrets.token_urlsafe(12),
        values={},
        errors={},
        message=None,
        **context,
    )


@post("/", include_in_schema=False)
async def company_credit_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, company_id: RowId, data: Form
) -> Response[Any]:
    """A top-up or an adjustment from the form; its idempotency key was issued with the form,
    so a double click or a resubmitted page books it once."""
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
        company_name=await accounts.company_name(company_id),
        key=values.get("key") if failed else secrets.token_urlsafe(12),
        values=values,
        errors=errors,
        message=message,
        failed=failed,
        **await credit_context(actor, company_id),
    )


COMPANY_CREDIT = "/staff/companies/{company_id:int}/credit"
router = Router(
    path="/",
    route_handlers=[
        Router(path="/credit", route_handlers=[credit_page], guards=[guards.customer], dependencies=ACTOR),
        Router(
            path="/credit",
            route_handlers=[threshold_submit],
            guards=[guards.customer_manager],
            dependencies=ACTOR,
        ),
        Router(
            path="/staff", route_handlers=[staff_credit_page], guards=[guards.staff_admin], dependencies=ACTOR
        ),
        Router(
            path=COMPANY_CREDIT,
            route_handlers=[company_credit_page],
            guards=[guards.staff],
            dependencies=ACTOR,
        ),
        Router(
            path=COMPANY_CREDIT,
            route_handlers=[company_credit_submit],
            guards=[guards.staff_admin],
            dependencies=ACTOR,
        ),
    ],
)
