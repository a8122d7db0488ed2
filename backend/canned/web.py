"""Staff admin's page of canned replies: the list, a form to add one, editing and removing."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.accounts.web import Form, typed
from backend.canned import services
from backend.canned.domain import PLACEHOLDERS
from backend.canned.schemas import CannedReplyIn
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.pages import field_errors, render, see_other
from backend.params import RowId


async def _page(
    request: Request[Any, Any, Any], actor: Actor, *, status_code: int = 200, **context: Any
) -> Template:
    """The replies with the form to add one (or to edit ``editing``); ``context`` carries the
    form's outcome."""
    return render(
        request,
        "canned/list.html",
        status_code=status_code,
        replies=await services.list_replies(actor),
        placeholders=PLACEHOLDERS,
        **{
            "values": {},
            "errors": {},
            "editing": None,
            "saved": request.query_params.get("saved"),
            **context,
        },
    )


@get("/", include_in_schema=False)
async def canned_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return await _page(request, actor)


@post("/", include_in_schema=False)
async def canned_create(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    try:
        await services.create_reply(actor, decode_form(data, CannedReplyIn))
    except InvalidInput as error:
        return await _page(request, actor, status_code=422, values=typed(data), errors=field_errors(error))
    return see_other("/staff/canned-replies?saved=1")


@get("/{reply_id:int}", include_in_schema=False)
async def canned_edit_page(request: Request[Any, Any, Any], actor: CurrentActor, reply_id: RowId) -> Template:
    reply = await services.get_reply(actor, reply_id)
    values = {"title": reply.title, "body_cs": reply.body_cs, "body_en": reply.body_en}
    return await _page(request, actor, editing=reply, values=values)


@post("/{reply_id:int}", include_in_schema=False)
async def canned_update(
    request: Request[Any, Any, Any], actor: CurrentActor, reply_id: RowId, data: Form
) -> Response[Any]:
    reply = await services.get_reply(actor, reply_id)
    try:
        await services.update_reply(actor, reply_id, decode_form(data, CannedReplyIn))
    except InvalidInput as error:
        refused = {"values": typed(data), "errors": field_errors(error)}
        return await _page(request, actor, status_code=422, editing=reply, **refused)
    return see_other("/staff/canned-replies?saved=1")


@post("/{reply_id:int}/delete", include_in_schema=False)
async def canned_delete(
    request: Request[Any, Any, Any], actor: CurrentActor, reply_id: RowId
) -> Response[Any]:
    await services.delete_reply(actor, reply_id)
    return see_other("/staff/canned-replies?saved=deleted")


router = Router(
    path="/staff/canned-replies",
    route_handlers=[canned_page, canned_create, canned_edit_page, canned_update, canned_delete],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
