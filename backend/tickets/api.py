"""JSON API of the Hotline: customers' tickets and the staff ticket queue."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, staff
from backend.attachments.uploads import UPLOAD_JSON, received_files
from backend.params import RowId
from backend.tickets import queries, services
from backend.tickets.schemas import (
    ConvertIn,
    MessageIn,
    ResolveIn,
    StaffMessageIn,
    TicketIn,
    TicketOut,
    TicketPage,
)


class TicketController(Controller):
    """The Hotline for companies with an ALC or SLA contract; others get a 403 pointing to PAY."""

    path = "/api/v1/tickets"
    tags = ["tickets"]
    guards = [customer]
    dependencies = ACTOR

    @post(status_code=HTTP_201_CREATED, **UPLOAD_JSON)
    async def open(self, request: Request, actor: CurrentActor, data: JSONBody[TicketIn]) -> TicketOut:
        """JSON, or the same fields as multipart/form-data with ``files`` (413 over the limits)."""
        return await services.open_ticket(actor, data, received_files(request))

    @get()
    async def tickets(
        self,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
    ) -> TicketPage:
        """The company's tickets, newest first; pass ``next_cursor`` back as ``cursor``."""
        return await queries.list_tickets(actor, status=status, cursor=cursor, limit=limit)

    @get("/{ticket_id:int}")
    async def ticket(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        return await queries.get_ticket(actor, ticket_id)

    @post("/{ticket_id:int}/messages", status_code=HTTP_201_CREATED, **UPLOAD_JSON)
    async def reply(
        self, request: Request, actor: CurrentActor, ticket_id: RowId, data: JSONBody[MessageIn]
    ) -> TicketOut:
        """Reply; a reply reopens a ticket that waited on you or was resolved. JSON, or multipart
        with ``files``."""
        return await services.customer_reply(actor, ticket_id, data.body, received_files(request))

    @post("/{ticket_id:int}/close", status_code=200)
    async def close(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        return await services.close_ticket(actor, ticket_id)


class StaffTicketController(Controller):
    path = "/api/v1/staff/tickets"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def queue(
        self,
        actor: CurrentActor,
        search: FromQuery[str | None] = None,
        priority: FromQuery[str | None] = None,
        show: FromQuery[str | None] = None,
    ) -> list[TicketOut]:
        """Open tickets: breached first, then by the nearest due instant; waiting ones last.
        Optional: ``show`` (running, waiting), ``priority``, and ``search`` (words the number,
        subject or company name contain)."""
        return await queries.staff_queue(actor, search=search, priority=priority, show=show)

    @get("/{ticket_id:int}")
    async def ticket(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        return await queries.get_ticket(actor, ticket_id)

    @post("/{ticket_id:int}/messages", status_code=HTTP_201_CREATED, **UPLOAD_JSON)
    async def reply(
        self, request: Request, actor: CurrentActor, ticket_id: RowId, data: JSONBody[StaffMessageIn]
    ) -> TicketOut:
        """Answer; with ``wait_for_customer`` the clock stops until the customer replies. JSON, or
        multipart with ``files``."""
        return await services.staff_reply(
            actor,
            ticket_id,
            data.body,
            wait_for_customer=data.wait_for_customer,
            files=received_files(request),
        )

    @post("/{ticket_id:int}/resolve", status_code=200)
    async def resolve(
        self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[ResolveIn | None] = None
    ) -> TicketOut:
        return await services.resolve_ticket(actor, ticket_id, data.body if data else "")

    @post("/{ticket_id:int}/convert", status_code=HTTP_201_CREATED)
    async def convert(self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[ConvertIn]) -> TicketOut:
        """Turn a ticket beyond ALC scope into a PAY order for the same company, linked both ways."""
        return await services.convert_to_order(actor, ticket_id, data)
