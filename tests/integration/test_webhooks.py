"""Webhooks against a real receiver on loopback: signatures, retries, timeouts, the outbox's
transaction, address checks, the delivery log and the endpoint disabled after failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from backend.clock import now
from backend.db import write_transaction
from backend.notifications.sender import send_all_due
from backend.settings import get_settings
from backend.webhooks.sender import deliver_due
from backend.webhooks.services import emit
from backend.webhooks.tables import WebhookDelivery, WebhookEndpoint
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.db


@pytest.fixture
async def admin(app, db):
    async with signed_in_staff(app, "sef@example.cz", admin=True) as client:
        yield client


async def endpoint(admin, url: str, events=("order.submitted",)) -> dict:
    response = await admin.post("/api/v1/staff/webhooks", json={"url": url, "events": list(events)})
    assert response.status_code == 201, response.text
    return response.json()


def expected_signature(secret: str, headers: dict, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


async def due_now() -> None:
    await WebhookDelivery.update({WebhookDelivery.next_attempt_at: now()}).where(WebhookDelivery.id > 0)


async def test_the_signature_verifies_with_the_secret_and_fails_with_another(admin) -> None:
    with Receiver() as receiver:
        hook = await endpoint(admin, receiver.url + "/ok")
        assert hook["secret"].startswith("whsec_")
        assert "secret" not in str(
            (await admin.get(f"/api/v1/staff/webhooks/{hook['id']}")).json().get("secret")
        )
        test = await admin.post(f"/api/v1/staff/webhooks/{hook['id']}/test")
        assert test.status_code == 202
        assert await deliver_due() == 1
        [hit] = receiver.at("/ok")
        headers = {key.lower(): value for key, value in hit["headers"].items()}
        assert headers["webhook-signature"] == expected_signature(hook["secret"], headers, hit["body"])
        other = "whsec_" + base64.b64encode(b"x" * 24).decode()
        assert headers["webhook-signature"] != expected_signature(other, headers, hit["body"])
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        assert json.loads(hit["body"])["type"] == "webhook.test"
        log = (await admin.get(f"/api/v1/staff/webhooks/{hook['id']}/deliveries")).json()
        assert log[0]["status"] == "delivered" and log[0]["response_code"] == 200


async def test_a_receiver_answering_500_three_times_gets_it_on_the_fourth_try(admin) -> None:
    with Receiver() as receiver:
        hook = await endpoint(admin, receiver.url + "/flaky")
        await admin.post(f"/api/v1/staff/webhooks/{hook['id']}/test")
        for _ in range(3):
            assert await deliver_due() == 0
            row = await WebhookDelivery.select().first()
            assert row["status"] == "pending" and row["response_code"] == 500
            assert row["next_attempt_at"] > now()  # it waits its backoff
            await due_now()
        assert await deliver_due() == 1
        row = await WebhookDelivery.select().first()
        assert row["status"] == "delivered" and row["attempts"] == 4
        ids = {hit["headers"]["webhook-id"] for hit in receiver.at("/flaky")}
        assert len(receiver.at("/flaky")) == 4 and len(ids) == 1  # the same message every time


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_a_receiver_that_never_answers_does_not_delay_others(admin, short_timeout) -> None:
    with Receiver(slow_seconds=4) as receiver:
        slow = await endpoint(admin, receiver.url + "/slow")
        fast = await endpoint(admin, receiver.url + "/ok")
        await admin.post(f"/api/v1/staff/webhooks/{slow['id']}/test")
        await admin.post(f"/api/v1/staff/webhooks/{fast['id']}/test")
        started = time.monotonic()
        assert await deliver_due() == 1
        elapsed = time.monotonic() - started
        assert elapsed < 3, elapsed  # the slow one was cut off at its timeout
        assert receiver.at("/ok")[0]["at"] - started < 0.9  # and the fast one did not wait for it
        stuck = await WebhookDelivery.select().where(WebhookDelivery.endpoint == slow["id"]).first()
        assert stuck["status"] == "pending"
        assert "Timeout" in stuck["last_error"] or "timed out" in stuck["last_error"], stuck["last_error"]


async def test_a_change_rolled_back_sends_nothing(admin, anonymous) -> None:
    with Receiver() as receiver:
        await endpoint(admin, receiver.url + "/ok", events=("order.submitted", "ticket.created"))
        with pytest.raises(RuntimeError):
            async with write_transaction():
                assert await emit("order.submitted", None, {"order_id": 1}) == 1
                raise RuntimeError("the change fails after the event was written")
        assert await WebhookDelivery.count() == 0
        # a real change: an order placed writes its event with it
        await load_catalogue()
        await register(anonymous)
        placed = await anonymous.post("/api/v1/orders", json=order_payload())
        assert placed.status_code == 201, placed.text
        await send_all_due()
        [hit] = receiver.at("/ok")
        body = json.loads(hit["body"])
        assert body["type"] == "order.submitted" and body["data"]["order_id"] == placed.json()["id"]


@pytest.fixture
def public_only(monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_private_addresses_are_refused_unless_the_setting_allows_them(admin, public_only) -> None:
    for url in (
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/x",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
    ):
        response = await admin.post(
            "/api/v1/staff/webhooks", json={"url": url, "events": ["order.submitted"]}
        )
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"]["url"]
    assert await WebhookEndpoint.count() == 0


async def test_with_the_setting_private_addresses_are_allowed_and_redirects_not_followed(admin) -> None:
    with Receiver() as receiver:
        hook = await endpoint(admin, receiver.url + "/redirect")
        await admin.post(f"/api/v1/staff/webhooks/{hook['id']}/test")
        assert await deliver_due() == 0
        assert receiver.at("/ok") == []  # the redirect was not followed
        row = await WebhookDelivery.select().first()
        assert row["response_code"] == 302 and row["status"] == "pending"


async def test_an_endpoint_failing_again_and_again_is_disabled_and_the_admin_told(admin) -> None:
    from backend.notifications.tables import OutboxMessage

    with Receiver() as receiver:
        hook = await endpoint(admin, receiver.url + "/fail")
        for _ in range(get_settings().webhook_disable_after_failures):
            await admin.post(f"/api/v1/staff/webhooks/{hook['id']}/test")
            await due_now()
            await deliver_due()
        state = (await admin.get(f"/api/v1/staff/webhooks/{hook['id']}")).json()
        assert state["enabled"] is False and state["disabled_reason"]
        assert await OutboxMessage.exists().where(OutboxMessage.kind == "webhook_disabled")
        # a disabled endpoint gets no new events
        assert await emit("order.submitted", None, {"order_id": 1}) == 0
        again = await admin.patch(f"/api/v1/staff/webhooks/{hook['id']}", json={"enabled": True})
        assert again.json()["enabled"] is True


async def test_deliveries_give_up_after_a_day(admin) -> None:
    from datetime import timedelta

    with Receiver() as receiver:
        hook = await endpoint(admin, receiver.url + "/fail")
        await admin.post(f"/api/v1/staff/webhooks/{hook['id']}/test")
        await WebhookDelivery.update(
            {WebhookDelivery.created_at: now() - timedelta(days=1, minutes=1)}
        ).where(WebhookDelivery.id > 0)
        await deliver_due()
        assert (await WebhookDelivery.select().first())["status"] == "failed"
        await due_now()
        assert await deliver_due() == 0 and len(receiver.at("/fail")) == 1


async def test_the_webhook_pages(admin) -> None:
    with Receiver() as receiver:
        page = await admin.get("/staff/webhooks")
        assert page.status_code == 200
        bad = await admin.post("/staff/webhooks", data={"url": "ftp://x", "description": ""})
        assert bad.status_code == 422
        made = await admin.post(
            "/staff/webhooks",
            data={"url": receiver.url + "/ok", "events": ["order.submitted", "ticket.created"]},
        )
        assert made.status_code == 200 and "whsec_" in made.text
        hook_id = (await WebhookEndpoint.select(WebhookEndpoint.id).first())["id"]
        tested = await admin.post(f"/staff/webhooks/{hook_id}/test")
        assert tested.status_code == 303
        await deliver_due()
        detail = await admin.get(f"/staff/webhooks/{hook_id}")
        assert "webhook.test" in detail.text and "200" in detail.text
