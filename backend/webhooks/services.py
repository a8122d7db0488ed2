"""Use cases of webhooks: emitting an event (a delivery row per subscribed endpoint, in the
caller's transaction), and the staff admin's endpoints, their delivery log and test events."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.clock import aware, now
from backend.db import json_value, locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound
from backend.settings import get_settings
from backend.webhooks import domain
from backend.webhooks.schemas import DeliveryOut, WebhookChange, WebhookIn, WebhookOut
from backend.webhooks.tables import WebhookDelivery, WebhookEndpoint


def _payload(event: str, data: dict[str, Any], at: datetime) -> str:
    return json.dumps({"type": event, "timestamp": at.isoformat(), "data": data}, ensure_ascii=False)


async def _deliver_to(endpoints: list[dict[str, Any]], event: str, data: dict[str, Any]) -> int:
    at = now()
    body = _payload(event, data, at)
    for endpoint in endpoints:
        await WebhookDelivery.insert(
            WebhookDelivery(
                endpoint=endpoint["id"],
                message_id="msg_" + secrets.token_hex(12),
                event=event,
                payload=body,
                created_at=at,
                next_attempt_at=at,
            )
        )
    return len(endpoints)


async def emit(event: str, company_id: int | None, data: dict[str, Any]) -> int:
    """Tell every enabled endpoint that wants ``event``; in the caller's transaction, so a change
    rolled back sends nothing. Returns how many deliveries were written."""
    assert event in domain.EVENTS, event
    endpoints = await WebhookEndpoint.select(WebhookEndpoint.id, WebhookEndpoint.events).where(
        WebhookEndpoint.enabled == True  # noqa: E712
    )
    wanted = [e for e in endpoints if event in json_value(e["events"])]
    return await _deliver_to(wanted, event, {**data, "company_id": company_id})


async def emit_order_step(order_id: int, status: str, company_id: int) -> None:
    """An order's step, when it is one receivers hear of (submitted, accepted, approved, completed)."""
    if event := domain.ORDER_EVENTS.get(status):
        await emit(event, company_id, {"order_id": order_id, "status": status})


async def emit_ticket_step(ticket_id: int, status: str, company_id: int) -> None:
    if status == "resolved":
        await emit("ticket.resolved", company_id, {"ticket_id": ticket_id})


async def emit_ticket_created(ticket_id: int, number: str, priority: str, company_id: int) -> None:
    await emit("ticket.created", company_id, {"ticket_id": ticket_id, "number": number, "priority": priority})


async def emit_subscription_decided(
    subscription_id: int, company_id: int, plan_code: str, approved: bool
) -> None:
    if approved:
        await emit(
            "subscription.approved", company_id, {"subscription_id": subscription_id, "plan_code": plan_code}
        )


async def emit_credit_expired(company_id: int, entries: list[dict[str, Any]]) -> None:
    if entries:
        await emit("credit.expired", company_id, {"amount": -sum(e["amount"] for e in entries)})


# --- the receivers' addresses -------------------------------------------------------------------


async def check_receiver(url: str) -> str:
    """Only https to hosts that resolve to public addresses, unless the setting allows others."""
    allow = get_settings().webhook_allow_private_addresses
    url = domain.check_url(url, allow_private=allow)
    if allow:
        return url
    parts = urlsplit(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or 443, type=socket.SOCK_STREAM
        )
    except OSError as error:
        raise InvalidInput(N_("The host name of this address cannot be found."), field="url") from error
    if not domain.public_addresses_only([info[4][0] for info in infos]):
        raise InvalidInput(
            N_("The address points to a private network, which the portal does not call."), field="url"
        )
    return url


# --- the staff admin's endpoints ---------------------------------------------------------------


def _out(row: dict[str, Any], secret: str | None = None) -> WebhookOut:
    return WebhookOut(
        id=row["id"],
        url=row["url"],
        description=row["description"],
        events=json_value(row["events"]),
        enabled=row["enabled"],
        disabled_reason=row["disabled_reason"],
        created_at=aware(row["created_at"]),
        secret=secret,
    )


async def create_endpoint(actor: Actor, data: WebhookIn) -> WebhookOut:
    actor.require_staff_admin()
    url = await check_receiver(data.url)
    events = domain.check_events(data.events)
    secret = domain.new_secret()
    async with write_transaction():
        rows = await WebhookEndpoint.insert(
            WebhookEndpoint(
                url=url,
                description=data.description.strip(),
                events=events,
                secret=secret,
                created_by=actor.id,
            )
        ).returning(*WebhookEndpoint.all_columns())
        await record(
            "webhook.created",
            object_type="webhook",
            object_id=rows[0]["id"],
            actor=actor,
            after={"url": url, "events": events},
        )
    return _out(rows[0], secret=secret)


async def list_endpoints(actor: Actor) -> list[WebhookOut]:
    actor.require_staff_admin()
    return [_out(row) for row in await WebhookEndpoint.select().order_by(WebhookEndpoint.id)]


async def get_endpoint(actor: Actor, endpoint_id: int) -> WebhookOut:
    actor.require_staff_admin()
    row = await WebhookEndpoint.select().where(WebhookEndpoint.id == endpoint_id).first()
    if row is None:
        raise NotFound(N_("No such webhook."))
    return _out(row)


async def update_endpoint(actor: Actor, endpoint_id: int, change: WebhookChange) -> WebhookOut:
    actor.require_staff_admin()
    async with write_transaction():
        row = await locked(WebhookEndpoint.select().where(WebhookEndpoint.id == endpoint_id)).first()
        if row is None:
            raise NotFound(N_("No such webhook."))
        values: dict[Any, Any] = {}
        if change.events is not None:
            values[WebhookEndpoint.events] = domain.check_events(change.events)
        if change.description is not None:
            values[WebhookEndpoint.description] = change.description.strip()
        if change.enabled is not None:
            values |= {WebhookEndpoint.enabled: change.enabled, WebhookEndpoint.disabled_reason: ""}
            if change.enabled:
                values[WebhookEndpoint.failures_in_a_row] = 0
        if values:
            await WebhookEndpoint.update(values).where(WebhookEndpoint.id == endpoint_id)
            await record(
                "webhook.updated",
                object_type="webhook",
                object_id=endpoint_id,
                actor=actor,
                after={k: v for k, v in msgspec.structs.asdict(change).items() if v is not None},
            )
    return await get_endpoint(actor, endpoint_id)


async def delete_endpoint(actor: Actor, endpoint_id: int) -> None:
    actor.require_staff_admin()
    async with write_transaction():
        deleted = (
            await WebhookEndpoint.delete()
            .where(WebhookEndpoint.id == endpoint_id)
            .returning(WebhookEndpoint.id)
        )
        if not deleted:
            raise NotFound(N_("No such webhook."))
        await record("webhook.deleted", object_type="webhook", object_id=endpoint_id, actor=actor)


async def send_test(actor: Actor, endpoint_id: int) -> DeliveryOut:
    """A test event to one endpoint (enabled or not), delivered with the next round."""
    row = await get_endpoint(actor, endpoint_id)
    async with write_transaction():
        await _deliver_to(
            [{"id": row.id}], domain.TEST_EVENT, {"message": "A test event from the support portal."}
        )
    return (await deliveries(actor, endpoint_id, limit=1))[0]


async def deliveries(actor: Actor, endpoint_id: int, limit: int = 50) -> list[DeliveryOut]:
    """The delivery log of one endpoint, newest first."""
    await get_endpoint(actor, endpoint_id)
    rows = (
        await WebhookDelivery.select()
        .where(WebhookDelivery.endpoint == endpoint_id)
        .order_by(WebhookDelivery.id, ascending=False)
        .limit(limit)
    )
    return [
        DeliveryOut(
            id=row["id"],
            message_id=row["message_id"],
            event=row["event"],
            status=row["status"],
            attempts=row["attempts"],
            created_at=aware(row["created_at"]),
            last_attempt_at=aware(row["last_attempt_at"]) if row["last_attempt_at"] else None,
            next_attempt_at=aware(row["next_attempt_at"]) if row["status"] == "pending" else None,
            response_code=row["response_code"],
            last_error=row["last_error"],
        )
        for row in rows
    ]
