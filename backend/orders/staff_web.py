"""Staff pages of orders: the queue with in-place quote/approve/reject, and the work on an order."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.clock import today
from backend.errors import N_, InvalidInput, NotFound
from backend.money import parse_czk
from backend.orders import domain, queries, workflow
from backend.orders.schemas import ApproveIn, OrderOut, QuoteIn
from backend.orders.web import parse_date
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
) -> Template:
    """What waits for the team (new requests, accepted quotes), oldest first; or one status."""
    page = await queries.staff_queue(actor, status=status or None, cursor=cursor, history=False)
    context = {"page": page, "status": status or "", "filters": QUEUE_FILTERS, **await _context()}
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


async def _quote(actor: Actor, order_id: int, form: dict[str, Any]) -> OrderOut:
    try:
        net = parse_czk(form_value(form, "net"))
    except ValueError:
        raise InvalidInput(N_("Enter an amount in crowns, e.g. 1 650 or 1 650,50."), field="net") from None
    valid_until = parse_date(form_value(form, "valid_until"), "valid_until")
    if valid_until is None:
        raise InvalidInput(N_("Choose the date until which the quote is valid."), field="valid_until")
    return await workflow.quote_order(
        actor, order_id, QuoteIn(net=net, valid_until=valid_until, note=form_value(form, "note"))
    )


async def _approve(actor: Actor, order_id: int, form: dict[str, Any]) -> OrderOut:
    engineer = form_value(form, "assigned_to")
    return await workflow.approve_order(
        actor,
        order_id,
        ApproveIn(
            note=form_value(form, "note"),
            scheduled_for=parse_date(form_value(form, "scheduled_for"), "scheduled_for"),
            assigned_to=int(engineer)
            if engineer.isascii() and engineer.isdigit() and len(engineer) < 10
            else None,
        ),
    )


async def _minutes(actor: Actor, order_id: int, form: dict[str, Any]) -> OrderOut:
    raw = form_value(form, "minutes").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 7):
        raise InvalidInput(N_("Enter whole minutes, e.g. 90."), field="minutes")
    return await workflow.log_work(actor, order_id, int(raw), form_value(form, "note"))


ACTIONS = {
    "quote": (_quote, N_("Quote sent to the customer.")),
    "approve": (_approve, N_("Order approved.")),
    "reject": (lambda a, o, f: workflow.reject_order(a, o, form_value(f, "reason")), N_("Order rejected.")),
    "start": (lambda a, o, f: workflow.start_order(a, o, form_value(f, "note")), N_("Work started.")),
    "complete": (
        lambda a, o, f: workflow.complete_order(a, o, form_value(f, "note")),
        N_("Order completed."),
    ),
    "work-logs": (_minutes, N_("Work logged.")),
    "continue-as-pay": (
        lambda a, o, f: workflow.continue_as_pay(a, o, form_value(f, "note")),
        N_("The order continues as PAY."),
    ),
}


@post("/{order_id:int}/{action:str}")
async def order_action(
    request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Every staff action on an order. From the queue (``from=queue``) the row is replaced in
    place; from the order page the page's panel is."""
    if action not in ACTIONS:
        raise NotFound(N_("There is nothing at this address."))
    use_case, done = ACTIONS[action]
    in_queue = form_value(data, "from") == "queue"
    _, outcome = await attempt(use_case(actor, order_id, data), done)
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
