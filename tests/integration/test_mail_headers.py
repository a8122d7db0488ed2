"""What the portal's e-mail carries, read at the real test SMTP server: a Date, a Message-ID that
stays the same when the first attempt fails and a retry delivers it, and on ticket e-mails a
Reply-To with the ticket's token, the ticket number in the subject, and threading headers."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from backend.clock import now
from backend.notifications.headers import outbox_message_id, ticket_thread_id
from backend.notifications.sender import send_due
from backend.notifications.tables import OutboxMessage
from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, register, signed_in_staff
from tests.integration.test_tickets import give_sla

pytestmark = pytest.mark.db


@pytest.fixture
async def plans(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


class FailsFirstData:
    """The inbox's DATA answers 451 to each message's first attempt (after reading it, as a
    server whose disk is full would), then accepts: the sender retries the same outbox row."""

    def __init__(self, inbox) -> None:
        self.inbox, self.refused_copies = inbox, []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content, policy=policy.default)
        if message["Subject"] not in {m["Subject"] for m in self.refused_copies}:
            self.refused_copies.append(message)
            return "451 4.3.0 try again later"
        return await self.inbox.handle_DATA(server, session, envelope)

    async def handle_RCPT(self, *args):
        return await self.inbox.handle_RCPT(*args)


async def test_ticket_e_mail_carries_date_a_stable_message_id_reply_to_and_threading(
    anonymous, app, plans, smtp
) -> None:
    me = await register(anonymous, language="cs")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_sla(anonymous, admin)
        while await send_due():  # the plan's e-mails go first, as usual
            pass
        ticket = (
            await anonymous.post(
                "/api/v1/tickets", json={"subject": "Padá", "description": "Od rána.", "priority": "high"}
            )
        ).json()
        await admin.post(f"/api/v1/staff/tickets/{ticket['id']}/messages", json={"body": "Zkuste restart."})
    customer = me["user"]["email"]
    row = (
        await OutboxMessage.select()
        .where((OutboxMessage.kind == "ticket_answered") & (OutboxMessage.recipient_email == customer))
        .first()
    )
    flaky = FailsFirstData(smtp.inbox)
    smtp.stop()
    from aiosmtpd.controller import Controller

    smtp.controller = Controller(flaky, hostname=smtp.host, port=smtp.port)
    smtp.controller.start()

    before = now().replace(microsecond=0)
    await send_due()
    failed = await OutboxMessage.select().where(OutboxMessage.id == row["id"]).first()
    assert failed["sent_at"] is None and failed["attempts"] == 1  # the first attempt failed
    await OutboxMessage.update({OutboxMessage.next_attempt_at: now()}).where(OutboxMessage.id > 0)
    await send_due()

    about = ticket["number"]
    [first_try] = [m for m in flaky.refused_copies if m["To"] == customer]
    [delivered] = [m for m in smtp.inbox.messages if m["To"] == customer and about in m["Subject"]]
    assert delivered["Message-ID"] == first_try["Message-ID"] == outbox_message_id(row["id"])
    assert delivered["Message-ID"].endswith("@example.cz>")  # MAIL_FROM's domain
    assert parsedate_to_datetime(delivered["Date"]) >= before
    token = (await Ticket.select(Ticket.reply_token).where(Ticket.id == ticket["id"]).first())["reply_token"]
    assert len(token) == 24 and delivered["Reply-To"] == f"podpora+t-{token}@example.cz"
    assert ticket["number"] in delivered["Subject"]
    assert delivered["In-Reply-To"] == delivered["References"] == ticket_thread_id(ticket["id"])
    assert delivered["Auto-Submitted"] == "auto-generated"
    # the team's copy of "new ticket" threads with it too
    [to_staff] = [
        m for m in smtp.inbox.messages if m["To"] == "vedouci@example.cz" and ticket["number"] in m["Subject"]
    ]
    assert (
        to_staff["References"] == ticket_thread_id(ticket["id"])
        and to_staff["Reply-To"] == delivered["Reply-To"]
    )


async def test_every_e_mail_has_a_date_and_its_own_message_id(anonymous, smtp, db) -> None:
    await register(anonymous, language="en")
    await register(anonymous, language="cs")
    from backend.accounts.services import create_staff
    from backend.notifications.services import enqueue_for_user

    boss = await create_staff("sef@example.cz", "Šéf", "correct horse battery", admin=True)
    for n in range(3):
        await enqueue_for_user(
            {"id": boss, "email": f"a{n}@example.cz", "language": "cs", "company": None},
            "plan_approved",
            {"plan": "SBP"},
        )
    while await send_due():
        pass
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert all(m["Date"] and "Reply-To" not in m for m in smtp.inbox.messages)
