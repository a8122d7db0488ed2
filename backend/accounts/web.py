"""HTML pages of accounts open to anyone: register, sign in and out, join by an invitation.

The company page lives in ``company_web``, the person's own account and password reset in
``account_web``."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import ares, invitations, services, sessions, sign_in_code, two_factor
from backend.accounts.domain import Actor
from backend.accounts.middleware import (
    SESSION_COOKIE,
    client_address,
    expired_session_cookie,
    new_session_cookie,
)
from backend.accounts.schemas import AcceptInvitationIn, AresCompanyOut, CodeIn, LoginIn, RegisterIn
from backend.errors import (
    InvalidInput,
    MalformedInput,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    Unavailable,
    status_for,
)
from backend.forms import decode_form
from backend.i18n import current_language, gettext
from backend.pages import FormBody, field_errors, form_value, is_htmx, render, safe_next, see_other
from backend.settings import get_settings

Form = Annotated[dict[str, Any], FormBody]


def typed(data: dict[str, Any]) -> dict[str, str]:
    """What the person typed, to show again in the form: never a password."""
    return {name: form_value(data, name) for name in data if "password" not in name}


async def _sign_in(request: Request[Any, Any, Any], actor: Actor, target: str) -> Response[Any]:
    response = see_other(target)
    response.set_cookie(await new_session_cookie(request, actor))
    return response


# --- filling a company's details from ARES (registration and the company page) ------------------


@dataclass
class AresFill:
    """What a look-up in ARES did to a form: its values, the IČO's error, the note to show."""

    values: dict[str, str]
    errors: dict[str, str]
    note: dict[str, Any] | None
    status_code: int = 200
    retry_after: int | None = None
    filled: tuple[str, ...] = ()  # the fields ARES wrote

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


async def fill_from_ares(look_up: Awaitable[AresCompanyOut], typed_values: dict[str, str]) -> AresFill:
    """The form filled with what ARES knows. An IČO that cannot be looked up is the field's error;
    ARES not knowing it, or not answering, is a note: the person types the details in."""
    try:
        found = await look_up
    except (InvalidInput, MalformedInput) as refused:
        return AresFill(typed_values, field_errors(refused), None, 422)
    except TooManyRequests as refused:
        note = {"filled": False, "message": gettext(refused.message, **refused.params)}
        return AresFill(typed_values, {}, note, 429, refused.retry_after)
    except (NotFound, Unavailable) as unknown:
        return AresFill(
            typed_values, {}, {"filled": False, "message": gettext(unknown.message, **unknown.params)}
        )
    values, replaced = ares.filled_in(typed_values, found)
    note = {"filled": True, "message": gettext(ares.FILLED), "replaced": replaced}
    return AresFill(values, {}, note, filled=tuple(f for f in ares.FILLED_FIELDS if getattr(found, f)))


# --- register ----------------------------------------------------------------------------------


@get("/register", include_in_schema=False)
async def register_page(request: Request[Any, Any, Any]) -> Template:
    return render(request, "accounts/register.html", values={}, errors={})


@post("/register", include_in_schema=False)
async def register_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    try:
        actor = await services.register_company(
            decode_form(data, RegisterIn), current_language(), client_address(request)
        )
    except (InvalidInput, TooManyRequests) as error:
        return render(
            request,
            "accounts/register.html",
            status_code=status_for(error),
            values=typed(data),
            errors=field_errors(error),
        )
    return await _sign_in(request, actor, "/company?welcome=1")


@post("/register/ares", include_in_schema=False)
async def register_ares(request: Request[Any, Any, Any], data: Form) -> Template:
    """The company's details from ARES by the IČO typed, written into the form: for htmx (the
    IČO changed, or the button) the note and only the fields ARES filled, so that nothing typed
    meanwhile is lost; the whole form again for a plain post."""
    fill = await fill_from_ares(
        ares.look_up_for_registration(form_value(data, "ico"), client_address(request)), typed(data)
    )
    template = "accounts/partials/_register_ares.html" if is_htmx(request) else "accounts/register.html"
    page = render(
        request,
        template,
        status_code=fill.status_code,
        values=fill.values,
        errors=fill.errors,
        ares=fill.note,
        filled=fill.filled,
    )
    page.headers.update(fill.headers())
    return page


@get("/register/check/{field:str}", include_in_schema=False)
async def register_check(request: Request[Any, Any, Any], field: FromPath[str]) -> Template:
    """Inline validation of one registration field while the user types (htmx)."""
    value = request.query_params.get(field, "")
    problem = None
    if field == "ico":
        problem = await services.ico_problem(value)
    elif field == "email":
        try:
            problem = await services.email_problem(value, client_address(request))
        except TooManyRequests as refused:
            problem = refused
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
        errors={},
        reset=request.query_params.get("reset") == "1",
    )


@post("/login", include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    target = safe_next(form_value(data, "next"))
    try:
        credentials = decode_form(data, LoginIn)
        actor = await services.authenticate(credentials.email, credentials.password, client_address(request))
    except (InvalidInput, NotAuthenticated, TooManyRequests) as error:
        page = render(
            request,
            "accounts/login.html",
            status_code=status_for(error),
            next=target,
            email=form_value(data, "email"),
            error=gettext(error.message, **error.params),
            errors=field_errors(error) if isinstance(error, InvalidInput) else {},
            invalid=isinstance(error, NotAuthenticated),
        )
        if isinstance(error, TooManyRequests):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    if await two_factor.has_second_factor(actor.id):
        challenge = await sign_in_code.challenge(actor)
        page = render(request, "accounts/login_code.html", next=target, error=None)
        page.cookies.append(_challenge_cookie(challenge.challenge, sign_in_code.CHALLENGE_MINUTES * 60))
        return page
    return await _sign_in(request, actor, target)


CHALLENGE_COOKIE = "portal_sign_in"


def _challenge_cookie(value: str, max_age: int) -> Cookie:
    """The password step's challenge, for the code step only."""
    return Cookie(
        key=CHALLENGE_COOKIE,
        value=value,
        path="/login",
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=get_settings().cookies_secure,
    )


@post("/login/code", include_in_schema=False)
async def login_code_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """The second step: the code from the app, or a recovery code."""
    target = safe_next(form_value(data, "next"))
    try:
        code = decode_form(data, CodeIn).code
        actor = await sign_in_code.complete_sign_in(
            request.cookies.get(CHALLENGE_COOKIE, ""), code, client_address(request)
        )
    except NotAuthenticated as expired:  # the challenge is gone: back to the password
        page = render(
            request,
            "accounts/login.html",
            status_code=401,
            next=target,
            error=gettext(expired.message),
            errors={},
            invalid=False,
        )
        page.cookies.append(_challenge_cookie("", 0))
        return page
    except (InvalidInput, TooManyRequests) as error:
        page = render(
            request,
            "accounts/login_code.html",
            status_code=status_for(error),
            next=target,
            error=gettext(error.message, **error.params),
        )
        if isinstance(error, TooManyRequests):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    response = await _sign_in(request, actor, target)
    response.set_cookie(_challenge_cookie("", 0))
    return response


@post("/logout", include_in_schema=False)
async def logout_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    if token := request.cookies.get(SESSION_COOKIE):
        await sessions.end_session(token)
    response = see_other("/")
    response.set_cookie(expired_session_cookie())
    return response


# --- accepting an invitation ---------------------------------------------------------------------


def _invitation_gone(request: Request[Any, Any, Any], error: InvalidInput) -> Template:
    return render(
        request, "accounts/invitation.html", status_code=410, invitation=None, problem=gettext(error.message)
    )


@get("/invitations/{token:str}", include_in_schema=False)
async def invitation_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    try:
        invitation = await invitations.pending_invitation(token)
    except InvalidInput as error:
        return _invitation_gone(request, error)
    return render(
        request, "accounts/invitation.html", invitation=invitation, token=token, values={}, errors={}
    )


@post("/invitations/{token:str}", include_in_schema=False)
async def invitation_accept(
    request: Request[Any, Any, Any], token: FromPath[str], data: Form
) -> Response[Any]:
    try:
        joining = decode_form(data, AcceptInvitationIn)
        actor = await invitations.accept_invitation(
            token, joining.full_name, joining.password, current_language()
        )
    except InvalidInput as error:
        try:
            invitation = await invitations.pending_invitation(token)
        except InvalidInput as gone:
            return _invitation_gone(request, gone)
        return render(
            request,
            "accounts/invitation.html",
            status_code=422,
            invitation=invitation,
            token=token,
            values=typed(data),
            errors=field_errors(error),
        )
    return await _sign_in(request, actor, "/company?welcome=joined")


# signing up, in and out and accepting an invitation: open to anyone
router = Router(
    path="/",
    route_handlers=[
        register_page,
        register_submit,
        register_ares,
        register_check,
        login_page,
        login_submit,
        login_code_submit,
        logout_submit,
        invitation_page,
        invitation_accept,
    ],
)
