"""Staff pages of mail-in: the "mail not filed" list, and one e-mail with filing it by hand into
a ticket (choosing whom it is filed as) or discarding it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.accounts.web import Form, typed
from backend.errors import Conflict, InvalidInput
from backend.forms import decode_form
from backend.i18n import gettext
from backend.mailin import services
from backend.mailin.domain import REASONS
from backend.mailin.schemas import FileByHandIn
from backend.pages import field_errors, render, see_other
from backend.params import RowId


@get("/", include_in_schema=False)
async def not_filed_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(
        request,
        "mailin/list.html",
        mails=await services.not_filed(actor),
        reasons=REASONS,
        done=request.query_params.get("done", ""),
    )


async def _mail_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    mail_id: int,
    number: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """The e-mail; once a ticket number is given, the people it can be filed as."""
    mail = await services.get_not_filed(actor, mail_id)
    number = number or (mail.ticket_number or "")
    ticket = await services.ticket_by_number(number) if number else None
    people = await services.authors(ticket) if ticket else []
    errors = dict(context.pop("errors", {}))
    if number and ticket is None and "ticket" not in errors:
        errors["ticket"] = gettext("There is no ticket with this number.")
    chosen = next((p["id"] for p in people if p["email"] == mail.sender), None)
    return render(
        request,
        "mailin/detail.html",
        status_code=status_code,
        mail=mail,
        reasons=REASONS,
        number=number,
        ticket=ticket,
        people=people,
        chosen=chosen,
        errors=errors,
        **{"message": None, **context},
    )


@get("/{mail_id:int}", include_in_schema=False)
async def mail_page(
    request: Request[Any, Any, Any], actor: CurrentActor, mail_id: RowId, ticket: FromQuery[str | None] = None
) -> Template:
    return await _mail_page(request, actor, mail_id, (ticket or "")[:40])


@post("/{mail_id:int}/file", include_in_schema=False)
async def mail_file(
    request: Request[Any, Any, Any], actor: CurrentActor, mail_id: RowId, data: Form
) -> Response[Any]:
    values = typed(data)
    try:
        await services.file_by_hand(actor, mail_id, decode_form(data, FileByHandIn))
    except (InvalidInput, Conflict) as error:
        errors = field_errors(error) if isinstance(error, InvalidInput) else {}
        message = gettext(error.message, **error.params)
        return await _mail_page(
            request, actor, mail_id, values.get("ticket", ""), status_code=422, errors=errors, message=message
        )
    return see_other("/staff/mail?done=filed")


@post("/{mail_id:int}/discard", include_in_schema=False)
async def mail_discard(actor: CurrentActor, mail_id: RowId) -> Response[Any]:
    await services.discard(actor, mail_id)
    return see_other("/staff/mail?done=discarded")


router = Router(
    path="/staff/mail",
    route_handlers=[not_filed_page, mail_page, mail_file, mail_discard],
    guards=[guards.staff],
    dependencies=ACTOR,
)
