"""Customer pages of orders: the request form with a live estimate, the list, the detail."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.catalog import services as catalog
from backend.clock import today
from backend.errors import N_, InvalidInput, NotFound
from backend.forms import Refused, decode_form, parse_decimal
from backend.i18n import gettext
from backend.orders import domain, placing, queries, workflow
from backend.orders.schemas import AcceptIn, NoteIn, OrderIn, OrderOut
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId

Form = Annotated[dict[str, Any], FormBody]
ORDER_FIELDS = tuple(field.encode_name for field in msgspec.structs.fields(OrderIn))
LIST_STATUSES = [status.value for status in domain.OrderStatus]


async def _form_context(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "services": await catalog.list_services(),
        "values": values,
        "errors": errors,
        "today": today().isoformat(),
        "status_labels": domain.STATUS_LABELS,
    }


async def _estimate_context(
    actor: Actor, service_code: str, quantity: str, billing: str = ""
) -> dict[str, Any]:
    if not service_code or not quantity.strip():
        return {"estimate": None, "estimate_error": "", "chosen_billing": billing}
    try:
        # read as the form's quantity is (decode_form), so the estimate and the order never differ
        estimate = await placing.estimate(actor, service_code, parse_decimal(quantity))
    except (InvalidInput, Refused) as error:
        return {
            "estimate": None,
            "estimate_error": gettext(error.message, **error.params),
            "chosen_billing": billing,
        }
    return {"estimate": estimate, "estimate_error": "", "chosen_billing": billing}


@get("/new")
async def order_form(
    request: Request[Any, Any, Any], actor: CurrentActor, service: FromQuery[str | None] = None
) -> Template:
    # a fresh one-time key per form shown: sending this form twice finds the order it placed
    values = {
        "service_code": service or "",
        "quantity": "1",
        "delivery": "remote",
        "idempotency_key": secrets.token_urlsafe(24),
    }
    return render(
        request,
        "orders/new.html",
        **await _form_context(values, {}),
        **await _estimate_context(actor, values["service_code"], values["quantity"]),
    )


@get("/estimate")
async def order_estimate(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    service_code: FromQuery[str] = "",
    quantity: FromQuery[str] = "",
    billing: FromQuery[str] = "",
) -> Template:
    """The live estimate beside the form (htmx, as the service or quantity changes); the billing
    the person chose stays chosen."""
    chosen = billing if billing in ("pay", "sbp") else ""
    return render(
        request,
        "orders/partials/_estimate.html",
        **await _estimate_context(actor, service_code, quantity, chosen),
    )


@post("/")
async def order_submit(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    values = {field: form_value(data, field) for field in ORDER_FIELDS}
    key = values["idempotency_key"]
    placed = await placing.placed_with_key(actor, key) if key else None
    if placed is not None:  # this form was sent before (Back, then send again): show that order
        return see_other(f"/orders/{placed}?already=1")
    try:
        order = await placing.submit_order(actor, decode_form(data, OrderIn))
    except InvalidInput as error:
        errors = field_errors(error)
        if not values["service_code"].strip():  # said even when another field was refused first
            errors.setdefault("service_code", gettext("Choose a service."))
        return render(
            request,
            "orders/new.html",
            status_code=422,
            **await _form_context(values, errors),
            **await _estimate_context(actor, values["service_code"], values["quantity"], values["billing"]),
        )
    return see_other(f"/orders/{order.id}?created=1")


@get("/")
async def order_list(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    """My company's orders, newest first; the filter and "more" swap the list in place (htmx)."""
    page = await queries.list_orders(actor, status=status or None, cursor=cursor, history=False)
    context = {
        "page": page,
        "status": status or "",
        "statuses": LIST_STATUSES,
        "status_labels": domain.STATUS_LABELS,
    }
    if is_htmx(request) and cursor:
        return render(request, "orders/partials/_rows.html", **context)
    if is_htmx(request):
        return render(request, "orders/partials/_list.html", **context)
    return render(request, "orders/list.html", **context)


@get("/{order_id:int}")
async def order_detail(request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId) -> Template:
    return render(
        request,
        "orders/detail.html",
        order=await queries.get_order(actor, order_id),
        created=request.query_params.get("created") == "1",
        already=request.query_params.get("already") == "1",
        status_labels=domain.STATUS_LABELS,
        message=None,
    )


# as the API's actions: the quote is accepted as the page showed it (AcceptIn: its revision); a
# decline or a cancel may say why (NoteIn)
CUSTOMER_ACTIONS: dict[
    str, tuple[type[msgspec.Struct], Callable[[Actor, int, Any], Awaitable[OrderOut]], str]
] = {
    "accept": (
        AcceptIn,
        lambda actor, order_id, data: workflow.accept_quote(actor, order_id, data.revision),
        N_("You accepted the quote."),
    ),
    "decline": (
        NoteIn,
        lambda actor, order_id, data: workflow.decline_quote(actor, order_id, data.note),
        N_("You declined the quote."),
    ),
    "cancel": (
        NoteIn,
        lambda actor, order_id, data: workflow.cancel_order(actor, order_id, data.note),
        N_("The order has been cancelled."),
    ),
}


async def _answer(actor: Actor, order_id: int, action: str, form: dict[str, Any]) -> OrderOut:
    struct, use_case, _ = CUSTOMER_ACTIONS[action]
    return await use_case(actor, order_id, decode_form(form, struct))


@post("/{order_id:int}/{action:str}", guards=[guards.customer_manager])
async def order_action(
    request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Accept or decline a quote, or cancel; the outcome is shown on the order (in place with htmx)."""
    if action not in CUSTOMER_ACTIONS:
        raise NotFound(N_("There is nothing at this address."))
    _, outcome = await attempt(_answer(actor, order_id, action, data), CUSTOMER_ACTIONS[action][2])
    return respond(
        request,
        outcome,
        redirect_to=f"/orders/{order_id}",
        partial="orders/partials/_detail.html",
        page="orders/detail.html",
        order=await queries.get_order(actor, order_id),
        status_labels=domain.STATUS_LABELS,
        created=False,
    )


router = Router(
    "/orders",
    route_handlers=[order_form, order_estimate, order_submit, order_list, order_detail, order_action],
    guards=[guards.customer],
    dependencies=ACTOR,
    include_in_schema=False,
)
