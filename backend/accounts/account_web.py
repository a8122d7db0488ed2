"""The person's own account (password, where they are signed in) and a forgotten password."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards, passwords, services, sessions, tokens, two_factor
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor, normalize_email
from backend.accounts.middleware import client_address, session_cookie
from backend.accounts.schemas import PasswordChangeIn, PasswordResetIn, PasswordResetRequestIn
from backend.accounts.web import Form
from backend.errors import InvalidInput, TooManyRequests, status_for
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import client_redirect, field_errors, form_value, is_htmx, render, see_other

# --- the person's own account --------------------------------------------------------------------


async def account_page_for(
    request: Request[Any, Any, Any], actor: Actor, *, status_code: int = 200, **context: Any
) -> Template:
    """My account: profile, password, two-factor sign-in, API tokens, sessions. ``context`` adds
    what one answer shows once (a new token, the recovery codes) and the errors of one form."""
    for key in ("errors", "two_factor_errors", "token_errors"):
        context.setdefault(key, {})
    context.setdefault("enrolment", await two_factor.pending_enrolment(actor))
    return render(
        request,
        "accounts/account.html",
        status_code=status_code,
        me=await services.me(actor),
        sessions=await sessions.list_sessions(actor),
        two_factor=await two_factor.status(actor),
        tokens=await tokens.list_tokens(actor),
        notice=context.pop("notice", None),
        **context,
    )


_account_page = account_page_for


@get("/", include_in_schema=False)
async def account_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    notices = {
        "password": gettext("Your password has been changed. You are signed out everywhere else."),
        "sessions": gettext("You are signed out everywhere else."),
        "two-factor-off": gettext("Two-factor sign-in is off."),
        "token-revoked": gettext("The token is revoked: it no longer works."),
    }
    return await _account_page(request, actor, notice=notices.get(request.query_params.get("done", "")))


@post("/password", include_in_schema=False)
async def account_password_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    try:
        change = decode_form(data, PasswordChangeIn)
        token = await passwords.change_password(
            actor, change.current_password, change.new_password, client_address(request)
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
        return client_redirect("/account?done=sessions")
    return see_other("/account?done=sessions")


# --- a forgotten password ------------------------------------------------------------------------


@get("/password/forgot", include_in_schema=False)
async def forgot_password_page(request: Request[Any, Any, Any]) -> Template:
    return render(request, "accounts/forgot_password.html", email="", sent=False, error="")


@post("/password/forgot", include_in_schema=False)
async def forgot_password_submit(request: Request[Any, Any, Any], data: Form) -> Template:
    email = form_value(data, "email")
    try:
        asked = decode_form(data, PasswordResetRequestIn)
        # the API answers alike for any address; a person is told at once that theirs is mistyped
        normalize_email(asked.email)
    except InvalidInput as error:
        return render(
            request,
            "accounts/forgot_password.html",
            status_code=422,
            email=email,
            sent=False,
            error=gettext(error.message, **error.params),
        )
    await passwords.request_reset(asked.email, client_address(request))
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
        reset = decode_form({**data, "token": token}, PasswordResetIn)  # the token comes in the link
        await passwords.reset_password(reset.token, reset.password)
    except InvalidInput as error:
        valid = "token" not in field_errors(error)
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
        # a forgotten password: open to anyone
        forgot_password_page,
        forgot_password_submit,
        reset_password_page,
        reset_password_submit,
        Router(
            path="/account",
            route_handlers=[account_page, account_password_submit, account_end_other_sessions],
            guards=[guards.signed_in],
            dependencies=ACTOR,
        ),
    ],
)
