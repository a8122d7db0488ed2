"""Pages of the Hotline: customers' tickets; the staff ticket queue and one ticket's panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.attachments.services import IncomingFile
from backend.attachments.uploads import UPLOAD_FORM, received_files
from backend.audit import reading as audit_reading
from backend.audit import services as audit
from backend.canned import services as canned
from backend.catalog import services as catalog
from backend.entitlements.services import entitlements
from backend.errors import N_, InvalidInput, NotFound
from backend.forms import decode_form
from backend.i18n import gettext
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId
from backend.sla.domain import PRIORITY_LABELS, PRIORITY_MEANINGS, Priority
from backend.sla.services import alc_terms
from backend.tickets import assignment, merge, queries, ratings, services
from backend.tickets import time as ticket_time
from backend.tickets.domain import STAFF_STATUS_LABELS, STATUS_LABELS
from backend.tickets.schemas import (
    AssignIn,
    ConvertIn,
    MergeIn,
    MessageIn,
    RatingIn,
    ResolveIn,
    StaffMessageIn,
    TicketIn,
    TicketOut,
    TimeLogIn,
)

Form = Annotated[dict[str, Any], FormBody]
LABELS = {"status_labels": STATUS_LABELS, "priority_labels": PRIORITY_LABELS}
SOON_MINUTES = 60  # a due instant this close (in business minutes) is flagged "due within the hour"
STAFF_LABELS = {"status_labels": STAFF_STATUS_LABELS, "priority_labels": PRIORITY_LABELS}


# --- customers -------------------------------------------------------------------------------------


@get("/", include_in_schema=False)
async def ticket_list(
    request: Request[Any, Any, Any], actor: CurrentActor, cursor: FromQuery[str | None] = None
) -> Template:
    page = await queries.list_tickets(actor, cursor=cursor, thread=False)
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
        "priority_meanings": PRIORITY_MEANINGS,
        # the times the ticket will run under, so the form can say what each priority means
        "targets": rights.sla.targets if rights.sla.active and rights.sla.targets else alc_terms().targets,
        **LABELS,
    }


@get("/new", include_in_schema=False)
async def ticket_form(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(request, "tickets/new.html", **await _new_context(actor, {"priority": "normal"}, {}))


@post("/", include_in_schema=False, **UPLOAD_FORM)
async def ticket_submit(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    values = {name: form_value(data, name) for name in ("subject", "description", "priority", "product")}
    try:
        created = await services.open_ticket(actor, decode_form(data, TicketIn), received_files(request))
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
        ticket=await queries.get_ticket(actor, ticket_id),
        created=request.query_params.get("created") == "1",
        message=None,
        errors={},
        **LABELS,
    )


@post("/{ticket_id:int}/{action:str}", include_in_schema=False, **UPLOAD_FORM)
async def ticket_action(
    request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Reply (which reopens a waiting or resolved ticket) or close a resolved one."""
    if action not in _CUSTOMER_DONE:
        raise NotFound(N_("There is nothing at this address."))
    files = received_files(request)
    _, outcome = await attempt(
        _customer_use_case(actor, ticket_id, action, data, files), _CUSTOMER_DONE[action]
    )
    return respond(
        request,
        outcome,
        redirect_to=f"/tickets/{ticket_id}",
        partial="tickets/partials/_thread.html",
        page="tickets/detail.html",
        ticket=await queries.get_ticket(actor, ticket_id),
        created=False,
        form=data,
        **LABELS,
    )


_CUSTOMER_DONE = {
    "reply": N_("Your reply has been sent."),
    "close": N_("The ticket is closed. Thank you."),
    "rate": N_("Thank you for your rating."),
}


async def _customer_use_case(
    actor: Actor, ticket_id: int, action: str, data: dict[str, Any], files: list[IncomingFile]
) -> TicketOut:
    if action == "reply":
        reply = decode_form(data, MessageIn)
        return await services.customer_reply(actor, ticket_id, reply.body, files, internal=reply.internal)
    if action == "rate":
        return await ratings.rate_ticket(actor, ticket_id, decode_form(data, RatingIn))
    return await services.close_ticket(actor, ticket_id)


# --- the rating link of the "resolved" e-mail: open to anyone who has it --------------------------


@get("/{token:str}", include_in_schema=False)
async def rating_link_page(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    try:
        asked = await ratings.request_for_link(token)
    except NotFound as gone:
        return render(request, "tickets/rate.html", status_code=404, asked=None, gone=gettext(gone.message))
    verdict = request.query_params.get("verdict")
    return render(
        request,
        "tickets/rate.html",
        asked=asked,
        token=token,
        values={"verdict": verdict if verdict in ("good", "bad") else "", "comment": ""},
        errors={},
        done=None,
    )


@post("/{token:str}", include_in_schema=False)
async def rating_link_submit(
    request: Request[Any, Any, Any], token: FromPath[str], data: Form
) -> Response[Any]:
    try:
        asked = await ratings.request_for_link(token)
    except NotFound as gone:
        return render(request, "tickets/rate.html", status_code=404, asked=None, gone=gettext(gone.message))
    values = {name: form_value(data, name) for name in ("verdict", "comment")}
    try:
        number = await ratings.rate_by_link(token, decode_form(data, RatingIn))
    except InvalidInput as error:
        return render(
            request,
            "tickets/rate.html",
            status_code=422,
            asked=asked,
            token=token,
            values=values,
            errors=field_errors(error),
            done=None,
        )
    except NotFound as gone:
        return render(request, "tickets/rate.html", status_code=404, asked=None, gone=gettext(gone.message))
    return render(
        request, "tickets/rate.html", asked=asked, token=token, values=values, errors={}, done=number
    )


# --- staff -------------------------------------------------------------------------------------------


@get("/", include_in_schema=False)
async def staff_queue_page(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    search: FromQuery[str | None] = None,
    priority: FromQuery[str | None] = None,
    show: FromQuery[str | None] = None,
    assigned: FromQuery[str | None] = None,
    company: FromQuery[str | None] = None,
) -> Template:
    """The queue, the most urgent first; searched and filtered by plain GET, or in place (htmx
    swaps only the list, so the search box keeps the focus as the person types)."""
    chosen = {
        "search": (search or "").strip(),
        "priority": priority or "",
        "show": show or "",
        "assigned": assigned or "",
        "company": company if company and company.isdigit() and len(company) < 10 else "",
    }
    tickets = await queries.staff_queue(
        actor,
        search=chosen["search"],
        priority=chosen["priority"] or None,
        show=chosen["show"] or None,
        assigned=chosen["assigned"] or None,
        company=int(chosen["company"]) if chosen["company"] else None,
    )
    return render(
        request,
        "tickets/partials/_staff_queue.html" if is_htmx(request) else "tickets/staff_queue.html",
        tickets=tickets,
        sizes=await queries.staff_queue_sizes(actor),
        companies=await queries.queue_companies(actor),
        priorities=list(Priority),
        filtered=any(chosen.values()),
        soon_minutes=SOON_MINUTES,
        **chosen,
        **STAFF_LABELS,
    )


async def _staff_ticket_context(actor: Actor, ticket_id: int) -> dict[str, Any]:
    ticket = await queries.get_ticket(actor, ticket_id)
    return {
        "ticket": ticket,
        "services": await catalog.list_services(),
        "staff_members": await accounts.list_staff(),
        "canned_replies": await canned.list_replies(actor),
        "time": await ticket_time.time_logs(actor, ticket_id),
        "merge_targets": await queries.merge_targets(actor, ticket),
        "history": await audit_reading.describe(await audit.ticket_history(actor, ticket_id)),
        **STAFF_LABELS,
    }


async def _filled(actor: Actor, ticket_id: int, canned_id: str | None) -> tuple[str | None, str | None]:
    """A canned reply filled in for the ticket, or why it could not be (it was removed meanwhile)."""
    if not canned_id:
        return None, None
    if not canned_id.isdigit() or len(canned_id) > 9:
        return None, gettext(canned.NOT_FOUND)
    try:
        return (await canned.fill_for_ticket(actor, int(canned_id), ticket_id)).body, None
    except NotFound as error:
        return None, gettext(error.message)


@get("/{ticket_id:int}", include_in_schema=False)
async def staff_ticket_page(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    ticket_id: RowId,
    canned_reply: FromQuery[str | None] = None,
) -> Template:
    """The ticket with everything staff do on it. ``canned_reply``: the reply box comes filled with
    that canned reply (the picker's plain GET, for a browser without JavaScript)."""
    filled, problem = await _filled(actor, ticket_id, canned_reply)
    return render(
        request,
        "tickets/staff_ticket.html",
        message=problem,
        failed=problem is not None,
        errors={},
        form={"body": filled} if filled is not None else None,
        prefilled=filled is not None,
        chosen_canned=canned_reply or "",
        **await _staff_ticket_context(actor, ticket_id),
    )


@get("/{ticket_id:int}/canned", include_in_schema=False)
async def staff_canned_fill(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    ticket_id: RowId,
    canned_reply: FromQuery[str | None] = None,
) -> Response[Any]:
    """For htmx: the reply box alone, filled with the chosen canned reply; a plain request gets
    the whole page with it."""
    if not is_htmx(request):
        return see_other(f"/staff/tickets/{ticket_id}?{urlencode({'canned_reply': canned_reply or ''})}")
    await queries.get_ticket(actor, ticket_id)
    filled, problem = await _filled(actor, ticket_id, canned_reply)
    return render(
        request,
        "tickets/partials/_reply_body.html",
        form={"body": filled or ""},
        prefilled=filled is not None,
        errors={"body": problem} if problem else {},
    )


@post("/{ticket_id:int}/{action:str}", include_in_schema=False, **UPLOAD_FORM)
async def staff_ticket_action(
    request: Request[Any, Any, Any], actor: CurrentActor, ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Answer, ask the customer (the clock stops), resolve, or convert into a PAY order."""
    if action not in _STAFF_DONE:
        raise NotFound(N_("There is nothing at this address."))
    files = received_files(request)
    done = _STAFF_DONE[action]
    if action == "reply" and _is_note(data):
        done = N_("The internal note has been added.")
    _, outcome = await attempt(_staff_use_case(actor, ticket_id, action, data, files), done)
    return respond(
        request,
        outcome,
        redirect_to=f"/staff/tickets/{ticket_id}",
        partial="tickets/partials/_staff_panel.html",
        page="tickets/staff_ticket.html",
        form=data,
        **await _staff_ticket_context(actor, ticket_id),
    )


_STAFF_DONE: dict[str, str | Callable[[Any], str]] = {
    "reply": N_("The answer has been sent."),
    "take": N_("The ticket is yours."),
    "assign": N_("The assignment has been saved."),
    "merge": lambda merged: gettext(
        N_("The ticket has been merged into %(number)s."), number=merged.merged_into_number
    ),
    "time": N_("The time has been logged."),
    "resolve": N_("The ticket is resolved."),
    "convert": lambda converted: gettext(
        N_("Order %(number)s has been created."), number=converted.order_number
    ),
}


def _is_note(data: dict[str, Any]) -> bool:
    try:
        return decode_form(data, StaffMessageIn).internal
    except InvalidInput:
        return False  # the use case reports what is wrong with the form


async def _staff_use_case(
    actor: Actor, ticket_id: int, action: str, data: dict[str, Any], files: list[IncomingFile]
) -> Any:
    """The form, read into the Struct the staff API takes for the same action."""
    if action == "reply":
        answer = decode_form(data, StaffMessageIn)
        return await services.staff_reply(
            actor,
            ticket_id,
            answer.body,
            wait_for_customer=answer.wait_for_customer,
            internal=answer.internal,
            files=files,
        )
    if action == "take":
        return await assignment.take(actor, ticket_id)
    if action == "assign":
        return await assignment.assign(actor, ticket_id, decode_form(data, AssignIn).user_id)
    if action == "merge":
        return await merge.merge_ticket(actor, ticket_id, decode_form(data, MergeIn).target_number)
    if action == "time":
        return await ticket_time.log_time(actor, ticket_id, decode_form(data, TimeLogIn))
    if action == "resolve":
        return await services.resolve_ticket(actor, ticket_id, decode_form(data, ResolveIn).body)
    return await services.convert_to_order(actor, ticket_id, decode_form(data, ConvertIn))


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
            route_handlers=[staff_queue_page, staff_ticket_page, staff_canned_fill, staff_ticket_action],
            guards=[guards.staff],
            dependencies=ACTOR,
        ),
        Router(path="/ticket-rating", route_handlers=[rating_link_page, rating_link_submit]),
    ],
)
