"""JSON API of orders: customers order and answer quotes; staff quote, approve and run the work."""

from __future__ import annotations

from decimal import Decimal

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, customer_manager, staff
from backend.orders import placing, queries, work, workflow
from backend.orders.schemas import (
    AcceptIn,
    ApproveIn,
    EstimateOut,
    NoteIn,
    OrderIn,
    OrderOut,
    OrderPage,
    QuoteIn,
    RejectIn,
    WorkLogIn,
)
from backend.params import RowId


class OrderController(Controller):
    """The caller's company's orders; another company's order is 404."""

    path = "/api/v1/orders"
    tags = ["orders"]
    guards = [customer]
    dependencies = ACTOR

    @post(status_code=HTTP_201_CREATED)
    async def submit(self, actor: CurrentActor, data: JSONBody[OrderIn]) -> OrderOut:
        """Order a service. Flat-rate services are quoted at once; hourly ones wait for a quote."""
        return await placing.submit_order(actor, data)

    @get()
    async def orders(
        self,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
    ) -> OrderPage:
        """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
        return await queries.list_orders(actor, status=status, cursor=cursor, limit=limit)

    @get("/estimate")
    async def estimate(
        self, actor: CurrentActor, service_code: FromQuery[str], quantity: FromQuery[Decimal]
    ) -> EstimateOut:
        """What an order would cost (net, VAT, gross) and the support level that would handle it."""
        return await placing.estimate(actor, service_code, quantity)

    @get("/{order_id:int}")
    async def order(self, actor: CurrentActor, order_id: RowId) -> OrderOut:
        return await queries.get_order(actor, order_id)

    @post("/{order_id:int}/accept", guards=[customer_manager], status_code=200)
    async def accept(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[AcceptIn | None] = None
    ) -> OrderOut:
        """Accept the quote (customer manager); an expired quote cannot be accepted. Send the
        ``revision`` of the quote you read (``quote.revision``): if staff have quoted again since,
        the answer is 409 and nothing is accepted."""
        return await workflow.accept_quote(actor, order_id, data.revision if data else None)

    @post("/{order_id:int}/decline", guards=[customer_manager], status_code=200)
    async def decline(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[NoteIn | None] = None
    ) -> OrderOut:
        return await workflow.decline_quote(actor, order_id, data.note if data else "")

    @post("/{order_id:int}/cancel", guards=[customer_manager], status_code=200)
    async def cancel(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[NoteIn | None] = None
    ) -> OrderOut:
        """Cancel before approval (customer manager)."""
        return await workflow.cancel_order(actor, order_id, data.note if data else "")


class StaffOrderController(Controller):
    path = "/api/v1/staff/orders"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def queue(
        self,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        search: FromQuery[str | None] = None,
    ) -> OrderPage:
        """Orders waiting for the team (submitted, accepted), oldest first; or all in ``status``;
        ``search``: only those whose number, company or service contains every word of it."""
        return await queries.staff_queue(actor, status=status, cursor=cursor, limit=limit, search=search)

    @get("/{order_id:int}")
    async def order(self, actor: CurrentActor, order_id: RowId) -> OrderOut:
        return await queries.get_order(actor, order_id)

    @post("/{order_id:int}/quote", status_code=200)
    async def quote(self, actor: CurrentActor, order_id: RowId, data: JSONBody[QuoteIn]) -> OrderOut:
        """Quote (or re-quote) a net amount in haléře, valid until a date."""
        return await workflow.quote_order(actor, order_id, data)

    @post("/{order_id:int}/approve", status_code=200)
    async def approve(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[ApproveIn | None] = None
    ) -> OrderOut:
        return await workflow.approve_order(actor, order_id, data or ApproveIn())

    @post("/{order_id:int}/reject", status_code=200)
    async def reject(self, actor: CurrentActor, order_id: RowId, data: JSONBody[RejectIn]) -> OrderOut:
        return await workflow.reject_order(actor, order_id, data.reason)

    @post("/{order_id:int}/start", status_code=200)
    async def start(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[NoteIn | None] = None
    ) -> OrderOut:
        return await workflow.start_order(actor, order_id, data.note if data else "")

    @post("/{order_id:int}/complete", status_code=200)
    async def complete(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[NoteIn | None] = None
    ) -> OrderOut:
        return await workflow.complete_order(actor, order_id, data.note if data else "")

    @post("/{order_id:int}/continue-as-pay", status_code=200)
    async def continue_as_pay(
        self, actor: CurrentActor, order_id: RowId, data: JSONBody[NoteIn | None] = None
    ) -> OrderOut:
        """An SBP order whose credit ran out goes on as PAY; later work draws no credit."""
        return await workflow.continue_as_pay(actor, order_id, data.note if data else "")

    @post("/{order_id:int}/work-logs", status_code=HTTP_201_CREATED)
    async def work_log(self, actor: CurrentActor, order_id: RowId, data: JSONBody[WorkLogIn]) -> OrderOut:
        """Log time spent on approved or running work."""
        return await work.log_work(actor, order_id, data.minutes, data.note)
