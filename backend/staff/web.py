"""The staff home: the support team's landing page after signing in."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.accounts.api import ACTOR, CurrentActor
from backend.orders import queries as orders
from backend.orders.domain import STATUS_LABELS as ORDER_STATUS_LABELS
from backend.pages import render
from backend.sla.domain import PRIORITY_LABELS
from backend.tickets import queries as tickets

FIRST = 5  # orders and tickets the home lists from each queue


@get("/", include_in_schema=False)
async def staff_home(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    """What needs the team first: the oldest orders waiting and the most urgent tickets."""
    order_queue = await orders.staff_queue(actor, limit=FIRST, history=False)
    ticket_queue = await tickets.staff_queue(actor)
    return render(
        request,
        "staff/home.html",
        orders=order_queue.items,
        more_orders=order_queue.next_cursor is not None,
        tickets=ticket_queue[:FIRST],
        ticket_total=len(ticket_queue),
        breached=sum(1 for ticket in ticket_queue if ticket.breached),
        order_status_labels=ORDER_STATUS_LABELS,
        priority_labels=PRIORITY_LABELS,
        companies=await accounts.recent_companies(actor),
        company_total=await accounts.company_count(),
    )


router = Router(path="/staff", route_handlers=[staff_home], guards=[guards.staff], dependencies=ACTOR)
