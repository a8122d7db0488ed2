"""E-mail notifications through the outbox and a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from backend.notifications.sender import retry_delay, send_all_due, send_due
from backend.notifications.tables import OutboxMessage
from tests.helpers import PASSWORD, load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db


async def quoted_order(anonymous, app) -> tuple[dict, int]:
    from backend.accounts.services import create_staff

    await load_catalogue()
    await create_staff("technik@example.cz", "Jana Technická", PASSWORD, admin=False)
    me = await register(anonymous, language="en", email="manager@example.cz")
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with signed_in_staff(app, language="cs") as staff:
        response = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote",
            json={"net": 3_400_000, "valid_until": (date.today() + timedelta(days=10)).isoformat()},
        )
        assert response.status_code == 200, response.text
    return me, order_id


async def test_a_quote_sends_exactly_one_email_to_the_manager_in_their_language(
    anonymous, app, db, smtp
) -> None:
    me, order_id = await quoted_order(anonymous, app)
    await send_all_due()
    to_manager = [m for m in smtp.inbox.messages if m["To"] == "manager@example.cz"]
    assert len(to_manager) == 1
    mail = to_manager[0]
    assert mail["Subject"].startswith("Quote for your order OBJ-")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "CZK\xa041,140.00" in text and f"http://127.0.0.1:8000/orders/{order_id}" in text
    assert "<a href=" in mail.get_body(preferencelist=("html",)).get_content()
    # the staff were told about the new order, in Czech
    to_staff = [m for m in smtp.inbox.messages if m["To"] == "technik@example.cz"]
    assert len(to_staff) == 1 and to_staff[0]["Subject"].startswith("Nová objednávka")
    await send_all_due()
    assert len([m for m in smtp.inbox.messages if m["To"] == "manager@example.cz"]) == 1
    assert me


async def test_nothing_is_lost_while_smtp_is_down(anonymous, app, db, smtp) -> None:
    smtp.stop()
    await quoted_order(anonymous, app)
    assert await send_due() == 0
    waiting = await OutboxMessage.select().where(OutboxMessage.sent_at.is_null())
    assert waiting and all(row["attempts"] == 1 and row["last_error"] for row in waiting)
    smtp.start()
    assert await send_all_due() == 0  # not due again yet: it waits its retry delay
    await OutboxMessage.update({OutboxMessage.next_attempt_at: OutboxMessage.created_at}).where(
        OutboxMessage.sent_at.is_null()
    )
    assert await send_all_due() == len(waiting)
    assert await send_all_due() == 0
    assert len(smtp.inbox.messages) == len(waiting)
    assert await OutboxMessage.count().where(OutboxMessage.sent_at.is_null()) == 0


async def test_two_senders_at_once_deliver_each_message_exactly_once(anonymous, app, db, smtp) -> None:
    await load_catalogue()
    await register(anonymous, email="manager@example.cz")
    async with signed_in_staff(app) as staff:
        for n in range(6):
            order_id = (
                await anonymous.post("/api/v1/orders", json=order_payload(description=f"Zakázka {n}"))
            ).json()["id"]
            await staff.post(
                f"/api/v1/staff/orders/{order_id}/quote",
                json={"net": 1_000_000, "valid_until": (date.today() + timedelta(days=10)).isoformat()},
            )
    queued = await OutboxMessage.count()
    assert queued == 12  # each order: one to the engineer, one quote to the manager
    sent = await asyncio.gather(send_all_due(), send_all_due(), send_all_due())
    assert sum(sent) == queued
    assert len(smtp.inbox.messages) == queued
    subjects = [(m["To"], m["Subject"]) for m in smtp.inbox.messages]
    assert len(set(subjects)) == queued


def test_retries_wait_longer_each_time() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays == sorted(delays) and delays[0] == timedelta(minutes=1) and delays[-1] == timedelta(hours=6)
