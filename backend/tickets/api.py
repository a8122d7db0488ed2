"""JSON API of the Hotline: customers' tickets and the staff ticket queue."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, staff
from backend.attachments.uploads import UPLOAD_JSON, received_files
from backend.params import RowId, RowIdFilter
from backend.tickets import assignment, merge, queries, ratings, services
from backend.tickets import time as ticket_time
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
    TicketPage,
    TimeLogIn,
    TimeLogs,
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
        with ``files``. ``internal`` is the support team's: true is refused (403)."""
        return await services.customer_reply(
            actor, ticket_id, data.body, received_files(request), internal=data.internal
        )

    @post("/{ticket_id:int}/close", status_code=200)
    async def close(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        return await services.close_ticket(actor, ticket_id)

    @post("/{ticket_id:int}/rating", status_code=200)
    async def rate(self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[RatingIn]) -> TicketOut:
        """Rate the answer of a resolved ticket, good or bad, once per resolution (409 when
        nothing waits for a rating)."""
        return await ratings.rate_ticket(actor, ticket_id, data)


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
        assigned: FromQuery[str | None] = None,
        company: RowIdFilter = None,
    ) -> list[TicketOut]:
        """Open tickets: breached first, then by the nearest due instant; waiting ones last.
        Optional: ``show`` (running, waiting), ``priority``, ``assigned`` (mine, unassigned),
        ``company`` (its id), and ``search`` (words the number, subject or company name contain)."""
        return await queries.staff_queue(
            actor, search=search, priority=priority, show=show, assigned=assigned, company=company
        )

    @get("/{ticket_id:int}")
    async def ticket(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        return await queries.get_ticket(actor, ticket_id)

    @post("/{ticket_id:int}/messages", status_code=HTTP_201_CREATED, **UPLOAD_JSON)
    async def reply(
        self, request: Request, actor: CurrentActor, ticket_id: RowId, data: JSONBody[StaffMessageIn]
    ) -> TicketOut:
        """Answer; with ``wait_for_customer`` the clock stops until the customer replies. With
        ``internal`` it is a note for the team: the customer never sees it, the clock runs on.
        JSON, or multipart with ``files``."""
        return await services.staff_reply(
            actor,
            ticket_id,
            data.body,
            wait_for_customer=data.wait_for_customer,
            internal=data.internal,
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

    @post("/{ticket_id:int}/assignee", status_code=200)
    async def assign(self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[AssignIn]) -> TicketOut:
        """Put a member of the support team on the ticket (``user_id``), or nobody (null); they
        are e-mailed when someone else assigns them."""
        return await assignment.assign(actor, ticket_id, data.user_id)

    @post("/{ticket_id:int}/take", status_code=200)
    async def take(self, actor: CurrentActor, ticket_id: RowId) -> TicketOut:
        """Assign the ticket to yourself."""
        return await assignment.take(actor, ticket_id)

    @post("/{ticket_id:int}/merge", status_code=200)
    async def merge(self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[MergeIn]) -> TicketOut:
        """Merge this duplicate into the ticket numbered ``target_number`` of the same company:
        its messages move over, it is closed pointing there, the customer is told."""
        return await merge.merge_ticket(actor, ticket_id, data.target_number)

    @get("/{ticket_id:int}/time-logs")
    async def time_logs(self, actor: CurrentActor, ticket_id: RowId) -> TimeLogs:
        return await ticket_time.time_logs(actor, ticket_id)

    @post("/{ticket_id:int}/time-logs", status_code=HTTP_201_CREATED)
    async def log_time(self, actor: CurrentActor, ticket_id: RowId, data: JSONBody[TimeLogIn]) -> TimeLogs:
        """Log minutes spent on the ticket, with a note; answers with all its logs and the total."""
        return await ticket_time.log_time(actor, ticket_id, data)
