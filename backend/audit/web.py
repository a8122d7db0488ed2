"""Staff admin's page of the audit log: sentences, filters by name, and "show more" in place."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.audit import services
from backend.audit.reading import describe
from backend.audit.sentences import OBJECT_KINDS
from backend.clock import PRAGUE
from backend.errors import N_, InvalidInput
from backend.pages import is_htmx, render


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(N_("Enter the date as YYYY-MM-DD."), field=field) from None
    if not 2000 <= day.year <= 2999:  # the filter turns it into instants a day either side
        raise InvalidInput(N_("Enter the date as YYYY-MM-DD."), field=field)
    return day


def _whole(text: str | None, field: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise InvalidInput(N_("Enter a whole number."), field=field)
    return int(text)


@get("/", include_in_schema=False)
async def audit_page(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    company: FromQuery[str | None] = None,
    person: FromQuery[str | None] = None,
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    """The log as sentences, filtered by company, person, kind of object and days (Prague)."""
    filters = {
        "company": company or "",
        "person": person or "",
        "object_type": object_type if object_type in OBJECT_KINDS else "",
        "object_id": object_id or "",
        "since": since or "",
        "until": until or "",
    }
    first, last = _day(since, "since"), _day(until, "until")
    page = await services.browse(
        actor,
        company_id=_whole(company, "company"),
        actor_id=_whole(person, "person"),
        object_type=filters["object_type"] or None,
        object_id=_whole(object_id, "object_id"),
        since=datetime.combine(first, time(), tzinfo=PRAGUE).astimezone(UTC) if first else None,
        until=datetime.combine(last + timedelta(days=1), time(), tzinfo=PRAGUE).astimezone(UTC)
        if last
        else None,
        cursor=cursor,
    )
    context = {
        "page": page,
        "events": await describe(page.items),
        "filters": filters,
        "more": urlencode(
            {key: value for key, value in filters.items() if value} | {"cursor": page.next_cursor or ""}
        ),
    }
    if is_htmx(request) and cursor:
        return render(request, "audit/partials/_rows.html", **context)
    companies, people = await services.filter_choices(actor)
    return render(
        request, "audit/page.html", companies=companies, people=people, object_kinds=OBJECT_KINDS, **context
    )


router = Router(
    path="/staff/audit", route_handlers=[audit_page], guards=[guards.staff_admin], dependencies=ACTOR
)
