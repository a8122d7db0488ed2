"""Pages of the Hotline, entitlements and contracts: customers' tickets and what they are entitled
to; the staff ticket queue and a company's contracts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.domain import Actor
from backend.alc import services as alc
from backend.alc.schemas import AlcContractIn
from backend.catalog import services as catalog
from backend.clock import today
from backend.credit import services as credit
from backend.entitlements.services import entitlements
from backend.errors import N_, InvalidInput, NotFound
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId
from backend.plans import services as plans
from backend.sla import services as sla
from backend.sla.domain import PRIORITY_LABELS, Priority
from backend.sla.schemas import SlaTermsChange
from backend.tickets import services
from backend.tickets.domain import STAFF_STATUS_LABELS, STATUS_LABELS
from backend.tickets.schemas import ConvertIn, TicketIn

Form = Annotated[dict[str, Any], FormBody]
LABELS = {"status_labels": STATUS_LABELS, "priority_labels": PRIORITY_LABELS}
STAFF_LABELS = {"status_labels": STAFF_STATUS_LABELS, "priority_labels": PRIORITY_LABELS}


# --- customers -------------------------------------------------------------------------------------


@get("/entitlements", include_in_schema=False, guards=[guards.customer])
async def entitlements_page(request: Request[Any, Any, Any]) -> Template:
    actor: Actor = request.scope["user"]
    return render(
        request,
        "tickets/entitlements.html",
        rights=await entitlements(actor),
        sla_plans=[plan for plan in await plans.list_plans() if plan.kind == "sla"],
        message=None,
        **LABELS,
    )


@post("/entitlements/sla", include_in_schema=False, guards=[guards.customer_manager])
async def sla_request(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
    _, outcome = await attempt(
        plans.request_plan(actor, form_value(data, "plan_code")),
        lambda created: gettext(
            N_("Requested: %(plan)s. We will contact you about the contract."), plan=created.plan_name
        ),
    )
    return respond(
        request,
        outcome,
        redirect_to="/entitlements",
        partial="tickets/partials/_sla_plans.html",
        page="tickets/entitlements.html",
        rights=await entitlements(actor),
        sla_plans=[plan for plan in await plans.list_plans() if plan.kind == "sla"],
        **LABELS,
    )


@get("/tickets", include_in_schema=False, guards=[guards.customer])
async def ticket_list(request: Request[Any, Any, Any], cursor: FromQuery[str | None] = None) -> Template:
    actor: Actor = request.scope["user"]
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


@get("/tickets/new", include_in_schema=False, guards=[guards.customer])
async def ticket_form(request: Request[Any, Any, Any]) -> Template:
    actor: Actor = request.scope["user"]
    return render(request, "tickets/new.html", **await _new_context(actor, {"priority": "normal"}, {}))


@post("/tickets", include_in_schema=False, guards=[guards.customer])
async def ticket_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
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


@get("/tickets/{ticket_id:int}", include_in_schema=False, guards=[guards.customer])
async def ticket_page(request: Request[Any, Any, Any], ticket_id: RowId) -> Template:
    actor: Actor = request.scope["user"]
    return render(
        request,
        "tickets/detail.html",
        ticket=await services.get_ticket(actor, ticket_id),
        created=request.query_params.get("created") == "1",
        message=None,
        errors={},
        **LABELS,
    )


@post("/tickets/{ticket_id:int}/{action:str}", include_in_schema=False, guards=[guards.customer])
async def ticket_action(
    request: Request[Any, Any, Any], ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Reply (which reopens a waiting or resolved ticket) or close a resolved one."""
    actor: Actor = request.scope["user"]
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


@get("/staff/tickets", include_in_schema=False, guards=[guards.staff])
async def staff_queue_page(request: Request[Any, Any, Any]) -> Template:
    actor: Actor = request.scope["user"]
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


@get("/staff/tickets/{ticket_id:int}", include_in_schema=False, guards=[guards.staff])
async def staff_ticket_page(request: Request[Any, Any, Any], ticket_id: RowId) -> Template:
    actor: Actor = request.scope["user"]
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


@post("/staff/tickets/{ticket_id:int}/{action:str}", include_in_schema=False, guards=[guards.staff])
async def staff_ticket_action(
    request: Request[Any, Any, Any], ticket_id: RowId, action: FromPath[str], data: Form
) -> Response[Any]:
    """Answer, ask the customer (the clock stops), resolve, or convert into a PAY order."""
    actor: Actor = request.scope["user"]
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


async def _company_context(actor: Actor, company_id: int) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "company_name": await credit.company_name(company_id),
        "alc_contracts": await alc.contracts_of(company_id),
        "sla_contracts": await sla.contracts_of(company_id),
        "priorities": list(Priority),
        "today": today().isoformat(),
        **LABELS,
    }


async def _back_to_company(
    request: Request[Any, Any, Any],
    actor: Actor,
    company_id: int,
    errors: dict[str, str],
    values: dict[str, str],
) -> Response[Any]:
    """After a contract form: the company page, or the same page with what to correct."""
    if not errors:
        return see_other(f"/staff/companies/{company_id}")
    return render(
        request,
        "tickets/company.html",
        status_code=422,
        message=None,
        errors=errors,
        values=values,
        **await _company_context(actor, company_id),
    )


@get("/staff/companies/{company_id:int}", include_in_schema=False, guards=[guards.staff])
async def company_page(request: Request[Any, Any, Any], company_id: RowId) -> Template:
    actor: Actor = request.scope["user"]
    return render(
        request,
        "tickets/company.html",
        message=None,
        errors={},
        values={},
        **await _company_context(actor, company_id),
    )


@get("/staff/companies/{company_id:int}/alc", include_in_schema=False, guards=[guards.staff])
async def alc_reload(company_id: RowId) -> Response[Any]:
    """A reload after a refused save lands here: show the company page."""
    return see_other(f"/staff/companies/{company_id}")


@post("/staff/companies/{company_id:int}/alc", include_in_schema=False, guards=[guards.staff_admin])
async def alc_submit(request: Request[Any, Any, Any], company_id: RowId, data: Form) -> Response[Any]:
    actor: Actor = request.scope["user"]
    values = {
        name: form_value(data, name) for name in ("products", "valid_from", "valid_until", "annual_fee")
    }
    errors: dict[str, str] = {}
    try:
        fee = parse_czk(values["annual_fee"]) if values["annual_fee"].strip() else 0
        contract = msgspec.convert(
            {
                "products": values["products"].splitlines(),
                "valid_from": values["valid_from"],
                "valid_until": values["valid_until"],
                "annual_fee": fee,
            },
            AlcContractIn,
        )
        await alc.record_contract(actor, company_id, contract)
    except (ValueError, msgspec.ValidationError):
        errors = {"valid_until": gettext(N_("Enter the dates as YYYY-MM-DD and the fee in crowns."))}
    except InvalidInput as error:
        errors = field_errors(error)
    return await _back_to_company(request, actor, company_id, errors, values)


@post("/staff/sla-contracts/{contract_id:int}", include_in_schema=False, guards=[guards.staff_admin])
async def sla_terms_submit(request: Request[Any, Any, Any], contract_id: RowId, data: Form) -> Response[Any]:
    """One company's SLA terms: targets per priority, working hours, discount, monthly fee."""
    actor: Actor = request.scope["user"]
    raw_company = form_value(data, "company_id")
    company_id = (
        int(raw_company) if raw_company.isascii() and raw_company.isdigit() and len(raw_company) < 10 else 0
    )
    errors: dict[str, str] = {}
    try:
        targets = {
            p.value: {
                "first_response": int(form_value(data, f"{p.value}_first_response")),
                "resolution": int(form_value(data, f"{p.value}_resolution")),
            }
            for p in Priority
        }
        change = SlaTermsChange(
            targets=targets,
            calendar={
                "opens": form_value(data, "opens"),
                "closes": form_value(data, "closes"),
                "days": [0, 1, 2, 3, 4],
            },
            discount_percent=int(form_value(data, "discount_percent")),
            monthly_fee=parse_czk(form_value(data, "monthly_fee")),
        )
        if not 0 <= (change.discount_percent or 0) <= 100 or (change.monthly_fee or 0) < 0:
            raise InvalidInput(
                N_("The discount is 0 to 100 %% and the fee zero or more."), field="discount_percent"
            )
        contract = await sla.change_terms(actor, contract_id, change)
        company_id = contract.company_id
    except (ValueError, msgspec.ValidationError):
        errors = {"targets": gettext(N_("Enter whole minutes, a discount of 0 to 100 and a fee in crowns."))}
    except InvalidInput as error:
        errors = field_errors(error)
    return await _back_to_company(request, actor, company_id, errors, {})


ROUTES = [
    entitlements_page,
    sla_request,
    ticket_list,
    ticket_form,
    ticket_submit,
    ticket_page,
    ticket_action,
    staff_queue_page,
    staff_ticket_page,
    staff_ticket_action,
    company_page,
    alc_reload,
    alc_submit,
    sla_terms_submit,
]
