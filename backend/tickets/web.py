"""Pages of the Hotline: customers' tickets; the staff ticket queue and one ticket's panel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.catalog import services as catalog
from backend.entitlements.services import entitlements
from backend.errors import N_, InvalidInput, NotFound
from backend.i18n import gettext
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId
from backend.sla.domain import PRIORITY_LABELS, Priority
from backend.tickets import services
from backend.tickets.domain import STAFF_STATUS_LABELS, STATUS_LABELS
from backend.tickets.schemas import ConvertIn, TicketIn

Form = Annotated[dict[str, Any], FormBody]
LABELS = {"status_labels": STATUS_LABELS, "priority_labels": PRIORITY_LABELS}
STAFF_LABELS = {"status_labels": STAFF_STATUS_LABELS, "priority_labels": PRIORITY_LABELS}


# --- customers -------------------------------------------------------------------------------------


@get("/", include_in_schema=False)
async def ticket_list(
    request: Request[Any, Any, Any], actor: CurrentActor, cursor: FromQuery[str | None] = None
) -> Template:
    page = await services.list_tickets(actor, cursor=cursor, thread=False)
    if is_htmx(request) and cursor:
        return render(request, "tickets/partials/_rows.html", page=page, **LABELS)
    rights = await entitlements(actor)
    return render(
        request,
        "tickets/list.html",
        page=page,
        hotline=rights.alc.active or rights.sla.active,
        **LABELS,
    )


async def _new_context(actor: Actor, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    rights = await entitlements(actor)
    return {
        "rights": rights,
        "hotline": rights.alc.active or rights.sla.active,
        "values": values,
        "errors": errors,
        "priorities": list(Priority),
        **LABELS,
    }


@get("/new", include_in_schema=False)
async def ticket_form(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(request, "tickets/new.html", **await _new_context(actor, {"priority": "normal"}, {}))


@post("/", include_in_schema=False)
async def ticket_submit(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    values = {name: form_value(data, name) for name in ("subject", "description", "priority", "product")}
    try:
        if values["priority"] not in {p.value for p in Priority}:
            raise InvalidInput(N_("Choose a priority."), field="priority")
        priority = values["priority"]
        created = await services.open_ticket(
            actor,
            TicketIn(
                subject=values["subject"],
                description=values["description"],
                priority=priority,  # type: ignore[arg-type]
                product=values["product"],
            ),
        )
    except InvalidInput as error:
        return render(
            request,
            "tickets/new.html",
            status_code=422,
            **await _new_context(actor, values, field_errors(error)),
        )
    return see_other(f"/tickets/{created.id}?created=1")


@get("/{ticket_id:int}", include_in_schema=False)
async def ticket_page(request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId) -> Template:
    return render(
        request,
        "tickets/detail.html",
        ticket=await services.get_ticket(actor, ticket_id),
        created=request.query_params.get("created") == "1",
        message=None,
        errors={},
        **LABELS,
    )


@post("/{ticket_id:int}/{action:str}", include_in_schema=False)
async def ticket_action(
    request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Reply (which reopens a waiting or resolved ticket) or close a resolved one."""
    if action == "reply":
        _, outcome = await attempt(
            services.customer_reply(actor, ticket_id, form_value(data, "body")),
            N_("Your reply has been sent."),
        )
    elif action == "close":
        _, outcome = await attempt(
            services.close_ticket(actor, ticket_id), N_("The ticket is closed. Thank you.")
        )
    else:
        raise NotFound(N_("There is nothing at this address."))
    return respond(
        request,
        outcome,
        redirect_to=f"/tickets/{ticket_id}",
        partial="tickets/partials/_thread.html",
        page="tickets/detail.html",
        ticket=await services.get_ticket(actor, ticket_id),
        created=False,
        **LABELS,
    )


# --- staff -------------------------------------------------------------------------------------------


@get("/", include_in_schema=False)
async def staff_queue_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(
        request,
        "tickets/staff_queue.html",
        tickets=await services.staff_queue(actor),
        sizes=await services.staff_queue_sizes(actor),
        **STAFF_LABELS,
    )


async def _staff_ticket_context(actor: Actor, ticket_id: int) -> dict[str, Any]:
    return {
        "ticket": await services.get_ticket(actor, ticket_id),
        "services": await catalog.list_services(),
        **STAFF_LABELS,
    }


@get("/{ticket_id:int}", include_in_schema=False)
async def staff_ticket_page(
    request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId
) -> Template:
    return render(
        request,
        "tickets/staff_ticket.html",
        message=None,
        errors={},
        **await _staff_ticket_context(actor, ticket_id),
    )


def _quantity(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ".") or "1")
    except InvalidOperation:
        raise InvalidInput(N_("Enter the quantity as a number."), field="quantity") from None


@post("/{ticket_id:int}/{action:str}", include_in_schema=False)
async def staff_ticket_action(
    request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Answer, ask the customer (the clock stops), resolve, or convert into a PAY order."""
    body = form_value(data, "body")
    if action == "reply":
        wait = form_value(data, "wait") == "on"
        _, outcome = await attempt(
            services.staff_reply(actor, ticket_id, body, wait_for_customer=wait),
            N_("The answer has been sent."),
        )
    elif action == "resolve":
        _, outcome = await attempt(
            services.resolve_ticket(actor, ticket_id, body), N_("The ticket is resolved.")
        )
    elif action == "convert":
        _, outcome = await attempt(
            _convert(actor, ticket_id, data),
            lambda converted: gettext(
                N_("Order %(number)s has been created."), number=converted.order_number
            ),
        )
    else:
        raise NotFound(N_("There is nothing at this address."))
    return respond(
        request,
        outcome,
        redirect_to=f"/staff/tickets/{ticket_id}",
        partial="tickets/partials/_staff_panel.html",
        page="tickets/staff_ticket.html",
        form=data,
        **await _staff_ticket_context(actor, ticket_id),
    )


async def _convert(actor: Actor, ticket_id: int, data: dict[str, Any]):
    return await services.convert_to_order(
        actor,
        ticket_id,
        ConvertIn(
            service_code=form_value(data, "service_code"),
            quantity=_quantity(form_value(data, "quantity")),
            note=form_value(data, "note"),
        ),
    )


router = Router(
    path="/",
    route_handlers=[
        Router(
            path="/tickets",
            route_handlers=[ticket_list, ticket_form, ticket_submit, ticket_page, ticket_action],
            guards=[guards.customer],
            dependencies=ACTOR,
        ),
        Router(
            path="/staff/tickets",
            route_handlers=[staff_queue_page, staff_ticket_page, staff_ticket_action],
            guards=[guards.staff],
            dependencies=ACTOR,
        ),
    ],
)
