"""The company page: its details, the colleagues, and the invitations a manager sends."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.response import Template

from backend.accounts import ares, guards, invitations, services, two_factor
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.accounts.schemas import CompanyChange, InvitationIn, RequireSecondFactorIn
from backend.accounts.web import Form, fill_from_ares, typed
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import field_errors, form_value, is_htmx, render, see_other
from backend.params import RowId


async def _company_context(actor: Actor) -> dict[str, Any]:
    return {
        "company": await services.get_company(actor),
        "colleagues": await services.list_colleagues(actor),
        "invitations": await invitations.list_invitations(actor) if actor.is_customer_manager else [],
    }


@get("/", include_in_schema=False)
async def company_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(
        request,
        "accounts/company.html",
        welcome=request.query_params.get("welcome", ""),
        values=None,
        errors={},
        **await _company_context(actor),
    )


@post("/details", include_in_schema=False)
async def company_details_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    try:
        company = await services.update_company(actor, decode_form(data, CompanyChange))
    except InvalidInput as error:
        template = "accounts/partials/_details.html" if is_htmx(request) else "accounts/company.html"
        context = await _company_context(actor)
        return render(
            request, template, status_code=422, values=typed(data), errors=field_errors(error), **context
        )
    if not is_htmx(request):
        return see_other("/company")
    return render(
        request,
        "accounts/partials/_details.html",
        company=company,
        values=None,
        errors={},
        saved=True,
    )


@post("/details/ares", include_in_schema=False)
async def company_details_ares(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    """The details form filled in from ARES by the company's IČO, not yet saved: the manager
    checks them and saves (or not)."""
    fill = await fill_from_ares(ares.look_up_own_company(actor), typed(data))
    template = "accounts/partials/_details.html" if is_htmx(request) else "accounts/company.html"
    page = render(
        request,
        template,
        status_code=fill.status_code,
        values=fill.values,
        errors=fill.errors,
        ares=fill.note,
        **await _company_context(actor),
    )
    page.headers.update(fill.headers())
    return page


@post("/invitations", include_in_schema=False)
async def invitation_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    created = None
    errors: dict[str, str] = {}
    try:
        created = await invitations.invite_colleague(actor, decode_form(data, InvitationIn).email)
    except InvalidInput as error:
        errors = field_errors(error)
    context = await _company_context(actor)
    template = "accounts/partials/_invitations.html" if is_htmx(request) else "accounts/company.html"
    return render(
        request,
        template,
        status_code=422 if errors else 200,
        created=created,
        invite_email=form_value(data, "email") if errors else "",
        invite_errors=errors,
        values=None,
        errors={},
        **context,
    )


@post("/invitations/{invitation_id:int}/revoke", include_in_schema=False)
async def invitation_revoke(
    request: Request[Any, Any, Any], actor: CurrentActor, invitation_id: RowId
) -> Response[Any]:
    await invitations.revoke_invitation(actor, invitation_id)
    if not is_htmx(request):
        return see_other("/company")
    return render(
        request, "accounts/partials/_invitations.html", invite_errors={}, **await _company_context(actor)
    )


async def _colleague_change(
    request: Request[Any, Any, Any], actor: Actor, user_id: int, active: bool
) -> Response[Any]:
    changed = await services.set_colleague_active(actor, user_id, active=active)
    if not is_htmx(request):
        return see_other("/company")
    message = (
        gettext("%(name)s can sign in again.", name=changed.full_name)
        if active
        else gettext("%(name)s has been deactivated and signed out.", name=changed.full_name)
    )
    return render(
        request, "accounts/partials/_users.html", status_message=message, **await _company_context(actor)
    )


@post("/users/{user_id:int}/deactivate", include_in_schema=False)
async def colleague_deactivate(
    request: Request[Any, Any, Any], actor: CurrentActor, user_id: RowId
) -> Response[Any]:
    return await _colleague_change(request, actor, user_id, active=False)


@post("/users/{user_id:int}/activate", include_in_schema=False)
async def colleague_activate(
    request: Request[Any, Any, Any], actor: CurrentActor, user_id: RowId
) -> Response[Any]:
    return await _colleague_change(request, actor, user_id, active=True)


@post("/two-factor", include_in_schema=False)
async def require_two_factor_submit(actor: CurrentActor, data: Form) -> Response[Any]:
    """The manager requires two-factor sign-in of everyone (or no longer)."""
    await two_factor.set_company_requirement(actor, decode_form(data, RequireSecondFactorIn).required)
    return see_other("/company")


# every member of the company sees the page; only its manager changes anything on it
router = Router(
    path="/company",
    dependencies=ACTOR,
    route_handlers=[
        Router(path="/", route_handlers=[company_page], guards=[guards.customer]),
        Router(
            path="/",
            route_handlers=[
                company_details_submit,
                company_details_ares,
                invitation_submit,
                invitation_revoke,
                colleague_deactivate,
                colleague_activate,
                require_two_factor_submit,
            ],
            guards=[guards.customer_manager],
        ),
    ],
)
