"""Staff admin pages of webhooks: the list with a form to register one, and one endpoint with its
delivery log, a "send test event" button and turning it off and on."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.accounts.web import Form, typed
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.pages import field_errors, render, see_other
from backend.params import RowId
from backend.webhooks import services
from backend.webhooks.domain import EVENTS
from backend.webhooks.schemas import Url, WebhookChange, WebhookIn


def _webhook_in(form: dict[str, Any]) -> WebhookIn:
    """The form as the Struct the API takes: the text fields through the one input path, the
    events' checkboxes (a repeated field, which it reads as one value) as their list."""
    chosen = form.get("events", [])
    events = chosen if isinstance(chosen, list) else [chosen]
    text = decode_form(form, WebhookText)
    return WebhookIn(url=text.url, description=text.description, events=[str(e)[:40] for e in events[:20]])


class WebhookText(msgspec.Struct):
    url: Url
    description: Annotated[str, msgspec.Meta(max_length=200)] = ""


async def _list_page(
    request: Request[Any, Any, Any], actor: Actor, *, status_code: int = 200, **context: Any
) -> Template:
    """The endpoints with the form to register one; ``context`` carries the form's outcome."""
    return render(
        request,
        "webhooks/list.html",
        status_code=status_code,
        endpoints=await services.list_endpoints(actor),
        events=EVENTS,
        **{"values": {}, "errors": {}, "created": None, **context},
    )


@get("/", include_in_schema=False)
async def webhooks_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return await _list_page(request, actor)


@post("/", include_in_schema=False)
async def webhook_create(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Template:
    try:
        created = await services.create_endpoint(actor, _webhook_in(data))
    except InvalidInput as error:
        refused = {"values": typed(data), "errors": field_errors(error)}
        return await _list_page(request, actor, status_code=422, **refused)
    return await _list_page(request, actor, created=created)


@get("/{webhook_id:int}", include_in_schema=False)
async def webhook_page(request: Request[Any, Any, Any], actor: CurrentActor, webhook_id: RowId) -> Template:
    return render(
        request,
        "webhooks/detail.html",
        endpoint=await services.get_endpoint(actor, webhook_id),
        deliveries=await services.deliveries(actor, webhook_id),
        events=EVENTS,
        tested=request.query_params.get("tested") == "1",
    )


@post("/{webhook_id:int}/test", include_in_schema=False)
async def webhook_test(actor: CurrentActor, webhook_id: RowId) -> Response[Any]:
    await services.send_test(actor, webhook_id)
    return see_other(f"/staff/webhooks/{webhook_id}?tested=1")


@post("/{webhook_id:int}/enabled", include_in_schema=False)
async def webhook_enabled(actor: CurrentActor, webhook_id: RowId, data: Form) -> Response[Any]:
    await services.update_endpoint(actor, webhook_id, decode_form(data, WebhookChange))
    return see_other(f"/staff/webhooks/{webhook_id}")


@post("/{webhook_id:int}/delete", include_in_schema=False)
async def webhook_delete(actor: CurrentActor, webhook_id: RowId) -> Response[Any]:
    await services.delete_endpoint(actor, webhook_id)
    return see_other("/staff/webhooks")


router = Router(
    path="/staff/webhooks",
    route_handlers=[
        webhooks_page,
        webhook_create,
        webhook_page,
        webhook_test,
        webhook_enabled,
        webhook_delete,
    ],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
