"""JSON API of canned replies: staff read and fill them in for a ticket; staff admin keeps them."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff, staff_admin
from backend.canned import services
from backend.canned.schemas import CannedReplyIn, CannedReplyOut, FilledReply
from backend.params import RowId


class CannedReplyController(Controller):
    path = "/api/v1/staff/canned-replies"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def replies(self, actor: CurrentActor) -> list[CannedReplyOut]:
        return await services.list_replies(actor)

    @get("/{reply_id:int}")
    async def reply(self, actor: CurrentActor, reply_id: RowId) -> CannedReplyOut:
        return await services.get_reply(actor, reply_id)

    @get("/{reply_id:int}/filled/{ticket_id:int}")
    async def filled(self, actor: CurrentActor, reply_id: RowId, ticket_id: RowId) -> FilledReply:
        """The reply with {customer_name}, {ticket_number} and {engineer_name} filled in for the
        ticket, in its reporter's language (else Czech)."""
        return await services.fill_for_ticket(actor, reply_id, ticket_id)

    @post(status_code=HTTP_201_CREATED, guards=[staff_admin])
    async def create(self, actor: CurrentActor, data: JSONBody[CannedReplyIn]) -> CannedReplyOut:
        """A new reply; its texts may use {customer_name}, {ticket_number} and {engineer_name}."""
        return await services.create_reply(actor, data)

    @put("/{reply_id:int}", guards=[staff_admin])
    async def update(
        self, actor: CurrentActor, reply_id: RowId, data: JSONBody[CannedReplyIn]
    ) -> CannedReplyOut:
        return await services.update_reply(actor, reply_id, data)

    @delete("/{reply_id:int}", status_code=HTTP_204_NO_CONTENT, guards=[staff_admin])
    async def remove(self, actor: CurrentActor, reply_id: RowId) -> None:
        await services.delete_reply(actor, reply_id)
