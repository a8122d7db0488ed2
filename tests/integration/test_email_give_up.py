"""E-mail that keeps failing is retried with backoff, then given up and the staff admins told."""

from __future__ import annotations

import pytest

from backend.accounts.services import create_staff
from backend.clock import now
from backend.notifications.sender import send_due
from backend.notifications.services import enqueue_for_user
from backend.notifications.tables import OutboxMessage
from tests.helpers import PASSWORD

pytestmark = pytest.mark.db


async def test_a_message_is_given_up_after_the_set_number_of_tries(db, smtp) -> None:
    from backend.settings import get_settings

    boss = await create_staff("sef@example.cz", "Šéf", PASSWORD, admin=True)
    await enqueue_for_user(
        {"id": boss, "email": "bad@example.cz", "language": "cs", "company": None},
        "plan_approved",
        {"plan": "SBP"},
    )
    smtp.refuse("bad@example.cz")
    tries = get_settings().email_max_attempts
    for _ in range(tries + 3):  # every try due at once: the test skips the waiting
        await OutboxMessage.update({OutboxMessage.next_attempt_at: now()}).where(OutboxMessage.id > 0)
        await send_due()
    failing = await OutboxMessage.select().where(OutboxMessage.recipient_email == "bad@example.cz").first()
    assert failing["attempts"] == tries  # not one more once given up
    assert failing["failed_at"] is not None and failing["sent_at"] is None
    told = [m for m in smtp.inbox.messages if m["To"] == "sef@example.cz"]
    assert len(told) == 1 and "bad@example.cz" in told[0]["Subject"]
