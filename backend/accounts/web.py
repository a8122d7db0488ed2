"""HTML pages of accounts: register, sign in and out, the company page, accepting invitations."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards, invitations, passwords, services, sessions
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor, normalize_email
from backend.accounts.middleware import (
    SESSION_COOKIE,
    client_address,
    expired_session_cookie,
    new_session_cookie,
    session_cookie,
)
from backend.accounts.schemas import CompanyChange, CompanyIn, NewUserIn, RegisterIn
from backend.errors import InvalidInput, NotAuthenticated, TooManyRequests, status_for
from backend.i18n import current_language, gettext
from backend.pages import FormBody, field_errors, form_value, is_htmx, render, safe_next, see_other
from backend.params import RowId

Form = Annotated[dict[str, Any], FormBody]

COMPANY_FIELDS = ("name", "ico", "dic", "street", "city", "postal_code")
USER_FIELDS = ("email", "full_name")


async def _sign_in(request: Request[Any, Any, Any], actor: Actor, target: str) -> Response[Any]:
    response = see_other(target)
    response.set_cookie(await new_session_cookie(request, actor))
    return response


# --- register ----------------------------------------------------------------------------------


@get("/register", include_in_schema=False)
async def register_page(request: Request[Any, Any, Any]) -> Template:
    return render(request, "accounts/register.html", values={}, errors={})


@post("/register", include_in_schema=False)
async def register_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    values = {name: form_value(data, name) for name in (*COMPANY_FIELDS, *USER_FIELDS)}
    registration = RegisterIn(
        company=CompanyIn(**{name: values[name] for name in COMPANY_FIELDS}),
        user=NewUserIn(
            email=values["email"], full_name=values["full_name"], password=form_value(data, "password")
        ),
    )
    try:
        actor = await services.register_company(registration, current_language())
    except InvalidInput as error:
        return render(
            request, "accounts/register.html", status_code=422, values=values, errors=field_errors(error)
        )
    return await _sign_in(request, actor, "/company?welcome=1")


@get("/register/check/{field:str}", include_in_schema=False)
async def register_check(request: Request[Any, Any, Any], field: FromPath[str]) -> Template:
    """Inline validation of one registration field while the user types (htmx)."""
    value = request.query_params.get(field, "")
    problem = None
    if field == "ico":
        problem = await services.ico_problem(value)
    elif field == "email":
        problem = await services.email_problem(value)
    message = gettext(problem.message, **problem.params) if problem else ""
    return render(request, "accounts/partials/_field_error.html", field=field, message=message)


# --- sign in and out ---------------------------------------------------------------------------


@get("/login", include_in_schema=False)
async def login_page(request: Request[Any, Any, Any]) -> Response[Any]:
    if request.scope.get("user") is not None:
        return see_other(safe_next(request.query_params.get("next")))
    return render(
        request,
        "accounts/login.html",
        next=safe_next(request.query_params.get("next")),
        error=None,
        reset=request.query_params.get("reset") == "1",
    )


@post("/login", include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    target = safe_next(form_value(data, "next"))
    email = form_value(data, "email")
    try:
        actor = await services.authenticate(email, form_value(data, "password"), client_address(request))
    except (NotAuthenticated, TooManyRequests) as error:
        page = render(
            request,
            "accounts/login.html",
            status_code=status_for(error),
            next=target,
            email=email,
            error=gettext(error.message, **error.params),
            invalid=isinstance(error, NotAuthenticated),
        )
        if isinstance(error, TooManyRequests):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    return await _sign_in(request, actor, target)


@post("/logout", include_in_schema=False)
async def logout_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    if token := request.cookies.get(SESSION_COOKIE):
        await sessions.end_session(token)
    response = see_other("/")
    response.set_cookie(expired_session_cookie())
    return response


# --- the company page ----------------------------------------------------------------------------


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
    values = {name: form_value(data, name) for name in COMPANY_FIELDS if name != "ico"}
    try:
        company = await services.update_company(actor, CompanyChange(**values))
    except InvalidInput as error:
        template = "accounts/partials/_details.html" if is_htmx(request) else "accounts/company.html"
        context = await _company_context(actor)
        return render(
            request, template, status_code=422, values=values, errors=field_errors(error), **context
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


@post("/invitations", include_in_schema=False)
async def invitation_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    email = form_value(data, "email")
    created = None
    errors: dict[str, str] = {}
    try:
        created = await invitations.invite_colleague(actor, email)
    except InvalidInput as error:
        errors = field_errors(error)
    context = await _company_context(actor)
    template = "accounts/partials/_invitations.html" if is_htmx(request) else "accounts/company.html"
    return render(
        request,
        template,
        status_code=422 if errors else 200,
        created=created,
        invite_email=email if errors else "",
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


# --- accepting an invitation ---------------------------------------------------------------------


@get("/invitations/{token:str}", include_in_schema=False)
async def invitation_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    try:
        invitation = await invitations.pending_invitation(token)
    except InvalidInput as error:
        return render(
            request,
            "accounts/invitation.html",
            status_code=410,
            invitation=None,
            problem=gettext(error.message),
        )
    return render(
        request, "accounts/invitation.html", invitation=invitation, token=token, values={}, errors={}
    )


@post("/invitations/{token:str}", include_in_schema=False)
async def invitation_accept(
    request: Request[Any, Any, Any], token: FromPath[str], data: Form
) -> Response[Any]:
    values = {"full_name": form_value(data, "full_name")}
    try:
        actor = await invitations.accept_invitation(
            token, values["full_name"], form_value(data, "password"), current_language()
        )
    except InvalidInput as error:
        try:
            invitation = await invitations.pending_invitation(token)
        except InvalidInput as gone:
            return render(
                request,
                "accounts/invitation.html",
                status_code=410,
                invitation=None,
                problem=gettext(gone.message),
            )
        return render(
            request,
            "accounts/invitation.html",
            status_code=422,
            invitation=invitation,
            token=token,
            values=values,
            errors=field_errors(error),
        )
    return await _sign_in(request, actor, "/company?welcome=joined")


# --- the person's own account --------------------------------------------------------------------


async def _account_page(
    request: Request[Any, Any, Any], actor: Actor, *, status_code: int = 200, **context: Any
) -> Template:
    context.setdefault("errors", {})
    return render(
        request,
        "accounts/account.html",
        status_code=status_code,
        me=await services.me(actor),
        sessions=await sessions.list_sessions(actor),
        notice=context.pop("notice", None),
        **context,
    )


@get("/", include_in_schema=False)
async def account_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    notices = {
        "password": gettext("Your password has been changed. You are signed out everywhere else."),
        "sessions": gettext("You are signed out everywhere else."),
    }
    return await _account_page(request, actor, notice=notices.get(request.query_params.get("done", "")))


@post("/password", include_in_schema=False)
async def account_password_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    try:
        token = await passwords.change_password(
            actor,
            form_value(data, "current_password"),
            form_value(data, "new_password"),
            client_address(request),
        )
    except (InvalidInput, TooManyRequests) as error:
        page = await _account_page(request, actor, status_code=status_for(error), errors=field_errors(error))
        if isinstance(error, TooManyRequests):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    response = see_other("/account?done=password")
    response.set_cookie(session_cookie(token))
    return response


@post("/sessions/end-others", include_in_schema=False)
async def account_end_other_sessions(request: Request[Any, Any, Any], actor: CurrentActor) -> Response[Any]:
    await sessions.end_other_sessions(actor)
    if is_htmx(request):  # confirmed in the page with hx-confirm: reload it whole
        return Response(None, status_code=204, headers={"HX-Redirect": "/account?done=sessions"})
    return see_other("/account?done=sessions")


# --- a forgotten password ------------------------------------------------------------------------


@get("/password/forgot", include_in_schema=False)
async def forgot_password_page(request: Request[Any, Any, Any]) -> Template:
    return render(request, "accounts/forgot_password.html", email="", sent=False, error="")


@post("/password/forgot", include_in_schema=False)
async def forgot_password_submit(request: Request[Any, Any, Any], data: Form) -> Template:
    email = form_value(data, "email")
    try:
        normalize_email(email)
    except InvalidInput as error:
        return render(
            request,
            "accounts/forgot_password.html",
            status_code=422,
            email=email,
            sent=False,
            error=gettext(error.message, **error.params),
        )
    await passwords.request_reset(email, client_address(request))
    return render(request, "accounts/forgot_password.html", email=email, sent=True)


@get("/password/reset/{token:str}", include_in_schema=False)
async def reset_password_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    valid = await passwords.reset_link_is_valid(token)
    return render(
        request,
        "accounts/reset_password.html",
        status_code=200 if valid else 404,
        token=token,
        valid=valid,
        errors={},
    )


@post("/password/reset/{token:str}", include_in_schema=False)
async def reset_password_submit(
    request: Request[Any, Any, Any], token: FromPath[str], data: Form
) -> Response[Any]:
    try:
        await passwords.reset_password(token, form_value(data, "password"))
    except InvalidInput as error:
        valid = error.field != "token"
        return render(
            request,
            "accounts/reset_password.html",
            status_code=422 if valid else 404,
            token=token,
            valid=valid,
            errors=field_errors(error),
        )
    return see_other("/login?reset=1")


router = Router(
    path="/",
    route_handlers=[
        # signing up, in and out, accepting an invitation, a forgotten password: open to anyone
        register_page,
        register_submit,
        register_check,
        login_page,
        login_submit,
        logout_submit,
        invitation_page,
        invitation_accept,
        forgot_password_page,
        forgot_password_submit,
        reset_password_page,
        reset_password_submit,
        Router(path="/company", route_handlers=[company_page], guards=[guards.customer], dependencies=ACTOR),
        Router(
            path="/company",
            route_handlers=[
                company_details_submit,
                invitation_submit,
                invitation_revoke,
                colleague_deactivate,
                colleague_activate,
            ],
            guards=[guards.customer_manager],
            dependencies=ACTOR,
        ),
        Router(
            path="/account",
            route_handlers=[account_page, account_password_submit, account_end_other_sessions],
            guards=[guards.signed_in],
            dependencies=ACTOR,
        ),
    ],
)
