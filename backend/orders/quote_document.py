"""The printed quote ("Cenová nabídka"): a business document with both companies' details, for
the customer (their own orders) and for staff (any order). Read only; the order's rules decide
whether it has a quote at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.errors import N_, NotFound
from backend.i18n import pgettext
from backend.orders import queries
from backend.orders.schemas import OrderOut, QuoteOut
from backend.pages import render
from backend.params import RowId
from backend.settings import get_settings

# a quote that went on to be accepted and worked on is still the quote that was agreed
QUOTED_STATUSES = frozenset({"quoted", "accepted", "approved", "in_progress", "completed"})


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    street: str
    postal_code: str
    city: str
    ico: str
    dic: str | None
    bank_account: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteDocument:
    order: OrderOut
    quote: QuoteOut
    issued_on: datetime  # when the quote (the latest, after a re-quote) was made
    supplier: Party
    customer: Party
    vat_rate_percent: int


def supplier() -> Party:
    settings = get_settings()
    return Party(
        name=settings.supplier_name,
        street=settings.supplier_street,
        postal_code=settings.supplier_postal_code,
        city=settings.supplier_city,
        ico=settings.supplier_ico,
        dic=settings.supplier_dic or None,
        bank_account=settings.supplier_bank_account,
    )


async def quote_document(actor: Actor, order_id: int) -> QuoteDocument:
    """The quote of an order the actor may see; NotFound when it has none (yet, or any more)."""
    order = await queries.get_order(actor, order_id)  # scoped to the customer's own company
    if order.quote is None or order.status not in QUOTED_STATUSES:
        raise NotFound(N_("This order has no quote to print."))
    company = await Company.select().where(Company.id == order.company.id).first()
    issued = [entry.at for entry in order.history if entry.to == "quoted"]
    return QuoteDocument(
        order=order,
        quote=order.quote,
        issued_on=max(issued) if issued else order.created_at,
        supplier=supplier(),
        customer=Party(
            name=company["name"],
            street=company["street"],
            postal_code=company["postal_code"],
            city=company["city"],
            ico=company["ico"],
            dic=company["dic"],
        ),
        vat_rate_percent=get_settings().vat_rate_percent,
    )


async def _page(request: Request[Any, Any, Any], actor: Actor, order_id: int, back: str) -> Template:
    document = await quote_document(actor, order_id)
    # "Cenová nabídka": the document's title, where the order page says just "Nabídka"
    title = pgettext("document", "Quote")
    return render(request, "orders/quote.html", doc=document, back=back, title=title)


@get("/{order_id:int}")
async def customer_quote(request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId) -> Template:
    return await _page(request, actor, order_id, back=f"/orders/{order_id}")


@get("/{order_id:int}")
async def staff_quote(request: Request[Any, Any, Any], actor: CurrentActor, order_id: RowId) -> Template:
    return await _page(request, actor, order_id, back=f"/staff/orders/{order_id}")


# their own prefixes: under /orders and /staff/orders they would clash with the orders' action routes
customer_router = Router(
    "/quotes",
    route_handlers=[customer_quote],
    guards=[guards.customer],
    dependencies=ACTOR,
    include_in_schema=False,
)
staff_router = Router(
    "/staff/quotes",
    route_handlers=[staff_quote],
    guards=[guards.staff],
    dependencies=ACTOR,
    include_in_schema=False,
)
