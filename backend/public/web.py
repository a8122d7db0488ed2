"""Public pages: the landing page with the support offer, the dashboard, the language switch."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.response import Template

from backend.accounts import services as accounts
from backend.accounts.domain import Actor
from backend.accounts.schemas import LanguageIn
from backend.entitlements.services import entitlements
from backend.errors import N_, InvalidInput, NotAuthenticated
from backend.forms import decode_form
from backend.i18n import LANGUAGE_COOKIE
from backend.invoices import queries as invoices
from backend.orders import queries as orders
from backend.orders.domain import STATUS_LABELS as ORDER_STATUS_LABELS
from backend.orders.domain import OrderStatus
from backend.pages import FormBody, form_value, render, safe_next, see_other
from backend.settings import get_settings
from backend.sla.domain import PRIORITY_LABELS
from backend.tickets import queries as tickets
from backend.tickets.domain import STATUS_LABELS as TICKET_STATUS_LABELS

RECENT = 5  # orders and tickets the customer's overview lists

# The four support levels of the offer, as the landing page explains them.
SUPPORT_LEVELS = (
    {
        "code": "ALC",
        "name": N_("Annual maintenance fee (ALC)"),
        "who": N_("Our customers: companies that bought a Dassault Systèmes PLM solution from us."),
        "paid": N_("Included in the annual maintenance fee."),
        "covers": N_("Basic technical support, above all the Hotline."),
    },
    {
        "code": "PAY",
        "name": N_("Paid support (PAY)"),
        "who": N_("Any company using a Dassault Systèmes PLM solution, customer or not."),
        "paid": N_("Each service has a fixed rate, hourly or flat."),
        "covers": N_(
            "Training, macros and custom applications (postprocessors), PLM implementation, technician "
            "intervention on-site or remote, repeated installations and system administration, business "
            "process analysis, methodology creation."
        ),
    },
    {
        "code": "SBP",
        "name": N_("Prepaid credit (SBP)"),
        "who": N_("Companies planning regular paid support."),
        "paid": N_(
            "Prepaid credit drawn down without further quotes, orders or invoices, at better hourly rates."
        ),
        "covers": N_("The same services as PAY."),
    },
    {
        "code": "SLA",
        "name": N_("Service contract (SLA)"),
        "who": N_("Companies with a service contract."),
        "paid": N_("Rates, scope and guaranteed reaction times fixed by the contract."),
        "covers": N_("Everything the contract says."),
    },
)


@get("/", include_in_schema=False)
async def landing(request: Request[Any, Any, Any]) -> Template:
    return render(request, "public/landing.html", levels=SUPPORT_LEVELS)


@get("/dashboard", include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    """Where signing in lands: the staff home for staff; for a customer an overview of what the
    company is entitled to, what waits for them, and its latest orders and tickets."""
    actor: Actor | None = request.scope.get("user")
    if actor is None:
        raise NotAuthenticated(N_("Sign in to continue."))
    if actor.is_staff:
        return see_other("/staff")
    rights = await entitlements(actor)
    unpaid, due = await invoices.unpaid_of(actor.company_scope())
    overdue, oldest_due_on = await invoices.overdue_of(actor.company_scope())
    return render(
        request,
        "public/dashboard.html",
        company=await accounts.get_company(actor),
        rights=rights,
        hotline=rights.alc.active or rights.sla.active,
        quoted=(
            await orders.list_orders(actor, status=OrderStatus.QUOTED.value, limit=RECENT, history=False)
        ).items,
        orders=(await orders.list_orders(actor, limit=RECENT, history=False)).items,
        tickets=(await tickets.list_tickets(actor, limit=RECENT, thread=False)).items,
        order_status_labels=ORDER_STATUS_LABELS,
        ticket_status_labels=TICKET_STATUS_LABELS,
        priority_labels=PRIORITY_LABELS,
        unpaid_invoices=unpaid,
        amount_due=due,
        amount_overdue=overdue,
        oldest_due_on=oldest_due_on,
    )


@post("/language", include_in_schema=False)
async def switch_language(
    request: Request[Any, Any, Any], data: Annotated[dict[str, Any], FormBody]
) -> Response[Any]:
    """The header's language switch: remembered in a cookie, and on the account when signed in."""
    try:
        language: str = decode_form(data, LanguageIn).language
    except InvalidInput:  # a switch, not a form to correct: an unknown choice means the default
        language = get_settings().default_language
    actor: Actor | None = request.scope.get("user")
    if actor is not None:
        await accounts.set_language(actor, language)
    response = see_other(safe_next(form_value(data, "next"), default="/"))
    response.set_cookie(
        Cookie(
            key=LANGUAGE_COOKIE,
            value=language,
            path="/",
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=get_settings().cookies_secure,
        )
    )
    return response


# public: the dashboard signs an anonymous visitor in itself, and the language switch also works signed out
router = Router(path="/", route_handlers=[landing, dashboard, switch_language])
