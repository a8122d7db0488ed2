"""Delivers webhook deliveries from their outbox, signed as Standard Webhooks do. Claimed as the
e-mail sender claims (a lease, SKIP LOCKED on PostgreSQL), sent concurrently, each with its own
timeout, so a slow receiver holds up no other; redirects are not followed. A failure is retried
with exponential backoff and jitter for a day, then marked failed; an endpoint failing
WEBHOOK_DISABLE_AFTER_FAILURES times in a row is disabled and the staff admins told."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import httpx

from backend.clock import aware, now
from backend.db import is_postgres, write_transaction
from backend.errors import InvalidInput
from backend.notifications.services import enqueue_for_staff_admins
from backend.settings import get_settings
from backend.webhooks import domain
from backend.webhooks.services import check_receiver
from backend.webhooks.tables import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("portal.webhooks")

BATCH_SIZE = 20
CLAIM_LEASE = timedelta(minutes=5)
USER_AGENT = "support-portal-webhooks/1"


async def _claim() -> list[dict[str, Any]]:
    at = now()
    async with write_transaction():
        query = (
            WebhookDelivery.select(
                *WebhookDelivery.all_columns(),
                WebhookDelivery.endpoint.url.as_alias("url"),
                WebhookDelivery.endpoint.secret.as_alias("secret"),
            )
            .where(
                (WebhookDelivery.status == "pending")
                & (WebhookDelivery.next_attempt_at <= at)
                & (WebhookDelivery.claimed_until.is_null() | (WebhookDelivery.claimed_until < at))
            )
            .order_by(WebhookDelivery.id)
            .limit(BATCH_SIZE)
        )
        if is_postgres():
            query = query.lock_rows(skip_locked=True, of=(WebhookDelivery,))
        rows = await query
        if rows:
            await WebhookDelivery.update({WebhookDelivery.claimed_until: at + CLAIM_LEASE}).where(
                WebhookDelivery.id.is_in([row["id"] for row in rows])
            )
    return rows


async def _post(client: httpx.AsyncClient, row: dict[str, Any]) -> tuple[int | None, str]:
    """(status code, error): 2xx is delivered; anything else, a redirect included, is not."""
    body = row["payload"].encode()
    timestamp = int(now().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": row["message_id"],
        "webhook-timestamp": str(timestamp),
        "webhook-signature": domain.sign(row["secret"], row["message_id"], timestamp, body),
    }
    try:
        await check_receiver(row["url"])  # again at sending: the name may resolve elsewhere now
        response = await client.post(row["url"], content=body, headers=headers)
    except InvalidInput as refused:
        return None, refused.message
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:500] or type(error).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}"


async def _record(row: dict[str, Any], code: int | None, error: str) -> None:
    at = now()
    attempts = row["attempts"] + 1
    delivered = not error
    gave_up = not delivered and at - aware(row["created_at"]) >= domain.RETRY_FOR
    status = "delivered" if delivered else ("failed" if gave_up else "pending")
    async with write_transaction():
        await WebhookDelivery.update(
            {
                WebhookDelivery.attempts: attempts,
                WebhookDelivery.status: status,
                WebhookDelivery.last_attempt_at: at,
                WebhookDelivery.response_code: code,
                WebhookDelivery.last_error: error[:500],
                WebhookDelivery.claimed_until: None,
                WebhookDelivery.next_attempt_at: at + domain.retry_delay(attempts),
            }
        ).where(WebhookDelivery.id == row["id"])
        await _endpoint_health(row["endpoint"], delivered, error)


async def _endpoint_health(endpoint_id: int, delivered: bool, error: str) -> None:
    if delivered:
        await WebhookEndpoint.update({WebhookEndpoint.failures_in_a_row: 0}).where(
            WebhookEndpoint.id == endpoint_id
        )
        return
    rows = await (
        WebhookEndpoint.update({WebhookEndpoint.failures_in_a_row: WebhookEndpoint.failures_in_a_row + 1})
        .where(WebhookEndpoint.id == endpoint_id)
        .returning(WebhookEndpoint.failures_in_a_row, WebhookEndpoint.enabled, WebhookEndpoint.url)
    )
    if (
        rows
        and rows[0]["enabled"]
        and rows[0]["failures_in_a_row"] >= get_settings().webhook_disable_after_failures
    ):
        reason = f"{rows[0]['failures_in_a_row']} failed deliveries in a row; the last: {error}"[:300]
        await WebhookEndpoint.update(
            {WebhookEndpoint.enabled: False, WebhookEndpoint.disabled_reason: reason}
        ).where(WebhookEndpoint.id == endpoint_id)
        await enqueue_for_staff_admins("webhook_disabled", {"url": rows[0]["url"], "webhook_id": endpoint_id})
        logger.error("webhook %s disabled: %s", endpoint_id, reason)


async def deliver_due() -> int:
    """One round: every claimed delivery at once; returns how many were delivered."""
    rows = await _claim()
    if not rows:
        return 0
    timeout = httpx.Timeout(get_settings().webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:

        async def one(row: dict[str, Any]) -> bool:
            try:
                code, error = await asyncio.wait_for(
                    _post(client, row), get_settings().webhook_timeout_seconds + 1
                )
            except TimeoutError:
                code, error = None, "timed out"
            await _record(row, code, error)
            return not error

        results = await asyncio.gather(*(one(row) for row in rows))
    return sum(results)


async def deliver_all_due() -> int:
    total = 0
    while delivered := await deliver_due():
        total += delivered
    return total
