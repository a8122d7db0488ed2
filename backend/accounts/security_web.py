"""The security parts of "My account" as pages: two-factor sign-in (set up, confirm, turn off)
and personal API tokens (create, revoke). The rest of the page is ``account_web``'s."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, post
from litestar.response import Template

from backend.accounts import guards, tokens, two_factor
from backend.accounts.account_web import account_page_for
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.middleware import client_address
from backend.accounts.schemas import CodeIn, DisableSecondFactorIn, TokenIn
from backend.accounts.web import Form
from backend.errors import Conflict, InvalidInput, PermissionDenied, TooManyRequests, status_for
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import field_errors, see_other
from backend.params import RowId

Refusal = (InvalidInput, Conflict, PermissionDenied, TooManyRequests)


async def _refused(request: Request[Any, Any, Any], actor, error, key: str) -> Template:
    errors = field_errors(error) if isinstance(error, InvalidInput) else {"__all__": _message(error)}
    return await account_page_for(request, actor, status_code=status_for(error), **{key: errors})


def _message(error) -> str:
    return gettext(error.message, **error.params)


@post("/two-factor/start", include_in_schema=False)
async def two_factor_start(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    try:
        enrolment = await two_factor.start_enrolment(actor)
    except Refusal as error:
        return await _refused(request, actor, error, "two_factor_errors")
    return await account_page_for(request, actor, enrolment=enrolment)


@post("/two-factor/confirm", include_in_schema=False)
async def two_factor_confirm(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Template:
    try:
        codes = await two_factor.confirm_enrolment(actor, decode_form(data, CodeIn).code)
    except Refusal as error:
        return await _refused(request, actor, error, "two_factor_errors")
    return await account_page_for(request, actor, recovery_codes=codes.codes)


@post("/two-factor/disable", include_in_schema=False)
async def two_factor_disable(
    request: Request[Any, Any, Any], actor: CurrentActor, data: Form
) -> Response[Any]:
    try:
        off = decode_form(data, DisableSecondFactorIn)
        await two_factor.disable(actor, off.password, off.code, client_address(request))
    except Refusal as error:
        return await _refused(request, actor, error, "two_factor_errors")
    return see_other("/account?done=two-factor-off")


@post("/tokens", include_in_schema=False)
async def token_create(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Template:
    try:
        created = await tokens.create_token(actor, decode_form(data, TokenIn))
    except Refusal as error:
        return await _refused(request, actor, error, "token_errors")
    return await account_page_for(request, actor, new_token=created)


@post("/tokens/{token_id:int}/revoke", include_in_schema=False)
async def token_revoke(actor: CurrentActor, token_id: RowId) -> Response[Any]:
    await tokens.revoke_token(actor, token_id)
    return see_other("/account?done=token-revoked")


router = Router(
    path="/account",
    route_handlers=[two_factor_start, two_factor_confirm, two_factor_disable, token_create, token_revoke],
    guards=[guards.signed_in],
    dependencies=ACTOR,
)
