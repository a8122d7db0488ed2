"""Staff pages of orders: the queue with in-place quote/approve/reject, and the work on an order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote_plus

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.clock import today
from backend.errors import N_, InvalidInput, NotFound
from backend.formatting import format_money
from backend.forms import decode_form
from backend.orders import domain, queries, work, workflow
from backend.orders.schemas import ApproveIn, NoteIn, OrderOut, QuoteIn, RejectIn, WorkLogIn
from backend.pages import FormBody, attempt, form_value, is_htmx, render, respond
from backend.params import RowId

Form = Annotated[dict[str, Any], FormBody]
QUEUE_FILTERS = ["", *(status.value for status in domain.OrderStatus)]


async def _context() -> dict[str, Any]:
    return {
        "status_labels": domain.STATUS_LABELS,
        "engineers": await accounts.list_staff(),
        "default_valid_until": (today() + timedelta(days=domain.QUOTE_VALID_DAYS)).isoformat(),
        "today": today().isoformat(),
    }


@get("/")
async def queue_page(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
    search: FromQuery[str | None] = None,
) -> Template:
    """What waits for the team (new requests, accepted quotes), oldest first; or one status; or
    those whose number, company or service holds the words searched for."""
    page = await queries.staff_queue(
        actor, status=status or None, cursor=cursor, history=False, search=search
    )
    chosen = {"status": status or "", "search": (search or "").strip()}
    context = {
        "page": page,
        **chosen,
        "filter_query": "".join(f"&{name}={quote_plus(value)}" for name, value in chosen.items() if value),
        "filters": QUEUE_FILTERS,
        **await _context(),
    }
    if is_htmx(request) and cursor:
        return render(request, "orders/staff/partials/_queue_rows.html", **context)
    if is_htmx(request):
        return render(request, "orders/staff/partials/_queue.html", **context)
    return render(request, "orders/staff/queue.html", **context)


@get("/{order_id:int}")
async def order_page(request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId) -> Template:
    return render(
        request,
        "orders/staff/order.html",
        order=await queries.get_order(actor, order_id),
        message=None,
        errors={},
        **await _context(),
    )


class QuoteFormIn(QuoteIn):
    """The quote as the page sends it: the API's QuoteIn, and the person's confirmation of an
    amount far above the estimate (domain.quote_is_unusual), which the page asks for."""

    confirm_unusual: bool = False


async def _quote(actor: Actor, order_id: int, data: QuoteFormIn) -> OrderOut:
    estimate = (await queries.get_order(actor, order_id)).estimate.net
    if domain.quote_is_unusual(data.net, estimate) and not data.confirm_unusual:
        raise InvalidInput(
            N_(
                "The quote of %(quote)s is more than %(factor)s times the estimate of %(estimate)s."
                " Check the amount, or confirm that it is right."
            ),
            field="confirm_unusual",
            quote=format_money(data.net),
            estimate=format_money(estimate),
            factor=domain.UNUSUAL_QUOTE_FACTOR,
        )
    return await workflow.quote_order(actor, order_id, data)


# each action reads the same Struct its API endpoint takes, and calls the same use case
ACTIONS: dict[str, tuple[type[msgspec.Struct], Callable[[Actor, int, Any], Awaitable[OrderOut]], str]] = {
    "quote": (QuoteFormIn, _quote, N_("Quote sent to the customer.")),
    "approve": (ApproveIn, workflow.approve_order, N_("Order approved.")),
    "reject": (RejectIn, lambda a, o, data: workflow.reject_order(a, o, data.reason), N_("Order rejected.")),
    "start": (NoteIn, lambda a, o, data: workflow.start_order(a, o, data.note), N_("Work started.")),
    "complete": (NoteIn, lambda a, o, data: workflow.complete_order(a, o, data.note), N_("Order completed.")),
    "work-logs": (
        WorkLogIn,
        lambda a, o, data: work.log_work(a, o, data.minutes, data.note),
        N_("Work logged."),
    ),
    "continue-as-pay": (
        NoteIn,
        lambda a, o, data: workflow.continue_as_pay(a, o, data.note),
        N_("The order continues as PAY."),
    ),
}


async def _act(actor: Actor, order_id: int, action: str, form: dict[str, Any]) -> OrderOut:
    struct, use_case, _ = ACTIONS[action]
    return await use_case(actor, order_id, decode_form(form, struct))


@post("/{order_id:int}/{action:str}")
async def order_action(
    request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Every staff action on an order. From the queue (``from=queue``) the row is replaced in
    place; from the order page the page's panel is."""
    if action not in ACTIONS:
        raise NotFound(N_("There is nothing at this address."))
    in_queue = form_value(data, "from") == "queue"
    _, outcome = await attempt(_act(actor, order_id, action, data), ACTIONS[action][2])
    return respond(
        request,
        outcome,
        redirect_to="/staff/orders" if in_queue else f"/staff/orders/{order_id}",
        partial="orders/staff/partials/_queue_row.html"
        if in_queue
        else "orders/staff/partials/_order_panel.html",
        page="orders/staff/order.html",
        order=await queries.get_order(actor, order_id),
        form=data,
        **await _context(),
    )


router = Router(
    "/staff/orders",
    route_handlers=[queue_page, order_page, order_action],
    guards=[guards.staff],
    dependencies=ACTOR,
    include_in_schema=False,
)
