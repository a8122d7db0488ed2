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
from backend.credit.schemas import CreditChange, CreditEntryOut, ThresholdIn
from backend.errors import N_, InvalidInput, Money
from backend.formatting import format_month, whole_crowns
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId
from backend.plans import services as plans

Form = Annotated[dict[str, Any], FormBody]


async def credit_context(
    actor: Actor, company_id: int | None = None, cursor: str | None = None
) -> dict[str, Any]:
    overview = await queries.credit_overview(actor, company_id, cursor=cursor)
    chart = burn_down(
        [(point.at, point.balance) for point in overview.history],
        overview.runs_out_at,
        value_label=whole_crowns,
        month_label=format_month,
        expiring=[(lot.expires_at, lot.amount) for lot in overview.expiring],
        lapses=[(lapse.expires_at, lapse.amount) for lapse in overview.lapses],
    )
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
    """The low-balance threshold in crowns; an empty field means no warning."""
    try:
        await services.set_low_balance_threshold(actor, decode_form(data, ThresholdIn).threshold)
    except InvalidInput as error:
        return render(
            request,
            "credit/partials/_threshold.html",
            status_code=422,
            credit=await queries.credit_overview(actor),
            errors=field_errors(error),
            values=data,
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


async def _change_credit(actor: Actor, company_id: int, data: dict[str, Any]) -> tuple[CreditEntryOut, bool]:
    return await services.change_credit(actor, company_id, decode_form(data, CreditChange))


def _booked(result: tuple[CreditEntryOut, bool]) -> str:
    entry, booked = result
    if not booked:
        return gettext(N_("This was already booked; nothing was booked twice."))
    return gettext(N_("Booked. The balance is now %(balance)s."), balance=Money(entry.balance_after))


@post("/", include_in_schema=False)
async def company_credit_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, company_id: RowId, data: Form
) -> Response[Any]:
    """A top-up or an adjustment from the form (CreditChange, the amount in crowns); its
    idempotency key was issued with the form, so a double click or a resubmitted page books it once."""
    _, outcome = await attempt(_change_credit(actor, company_id, data), _booked)
    return respond(
        request,
        outcome,
        redirect_to=f"/staff/companies/{company_id}/credit",
        partial="credit/partials/_company_panel.html",
        page="credit/company.html",
        company_name=await accounts.company_name(company_id),
        key=form_value(data, "idempotency_key") if outcome.failed else secrets.token_urlsafe(12),
        values=data if outcome.failed else {},
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
