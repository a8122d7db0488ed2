"""JSON API of webhooks (staff admin): endpoints, their delivery log, a test event."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff_admin
from backend.params import RowId
from backend.webhooks import services
from backend.webhooks.domain import EVENTS
from backend.webhooks.schemas import DeliveryOut, WebhookChange, WebhookIn, WebhookOut


class StaffWebhookController(Controller):
    path = "/api/v1/staff/webhooks"
    tags = ["webhooks"]
    guards = [staff_admin]
    dependencies = ACTOR

    @get("/events")
    async def events(self) -> list[str]:
        """The events an endpoint can subscribe to."""
        return list(EVENTS)

    @get()
    async def endpoints(self, actor: CurrentActor) -> list[WebhookOut]:
        return await services.list_endpoints(actor)

    @post(status_code=HTTP_201_CREATED)
    async def create(self, actor: CurrentActor, data: JSONBody[WebhookIn]) -> WebhookOut:
        """Register a receiver (https, public address); the answer carries its signing secret,
        shown this once."""
        return await services.create_endpoint(actor, data)

    @get("/{webhook_id:int}")
    async def endpoint(self, actor: CurrentActor, webhook_id: RowId) -> WebhookOut:
        return await services.get_endpoint(actor, webhook_id)

    @patch("/{webhook_id:int}")
    async def update(
        self, actor: CurrentActor, webhook_id: RowId, data: JSONBody[WebhookChange]
    ) -> WebhookOut:
        """Change the events or description, or turn the endpoint off and on again."""
        return await services.update_endpoint(actor, webhook_id, data)

    @delete("/{webhook_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, actor: CurrentActor, webhook_id: RowId) -> None:
        await services.delete_endpoint(actor, webhook_id)

    @get("/{webhook_id:int}/deliveries")
    async def deliveries(self, actor: CurrentActor, webhook_id: RowId) -> list[DeliveryOut]:
        """The latest 50 deliveries, newest first: status, attempts, times, response code."""
        return await services.deliveries(actor, webhook_id)

    @post("/{webhook_id:int}/test", status_code=HTTP_202_ACCEPTED)
    async def test(self, actor: CurrentActor, webhook_id: RowId) -> Response[DeliveryOut]:
        """Send a ``webhook.test`` event to this endpoint with the next delivery round."""
        return Response(await services.send_test(actor, webhook_id), status_code=HTTP_202_ACCEPTED)
