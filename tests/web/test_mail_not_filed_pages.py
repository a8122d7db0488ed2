"""The staff's "mail not filed" page: the list with sender, subject, reason and a preview;
filing one by hand into a ticket as a person of its company (a resolved ticket reopens, as with
any reply), discarding one; both in the audit log; refusals shown inline."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from backend.audit.tables import AuditEvent
from backend.mailin.filing import file_mail
from backend.mailin.parse import read_mail
from backend.mailin.tables import InboundMail
from backend.tickets.tables import Ticket, TicketMessage
from tests.helpers import load_catalogue, register, signed_in_staff
from tests.integration.test_tickets import give_sla

pytestmark = pytest.mark.db


@pytest.fixture
async def plans(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


def raw_mail(sender: str, body: str, subject: str = "Dotaz") -> bytes:
    message = EmailMessage()
    message["From"] = f"Petr Neznámý <{sender}>"
    message["To"] = "podpora@example.cz"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, body)))}@jinde.cz>"
    message.set_content(body)
    return message.as_bytes()


async def _received(sender: str, body: str, subject: str = "Dotaz") -> int:
    raw = raw_mail(sender, body, subject)
    outcome = await file_mail(read_mail(raw), raw)
    assert outcome is not None and outcome.status == "not_filed"
    return (await InboundMail.select(InboundMail.id).order_by(InboundMail.id, ascending=False).first())["id"]


async def test_staff_file_a_stray_e_mail_into_a_ticket_as_a_person_of_its_company(
    anonymous, app, plans
) -> None:
    me = await register(anonymous, language="cs")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language="cs") as staff:
        await give_sla(anonymous, staff)
        created = await anonymous.post(
            "/api/v1/tickets",
            json={"subject": "Licence", "description": "Nejde licence.", "priority": "normal"},
        )
        ticket = created.json()
        await staff.post(f"/api/v1/staff/tickets/{ticket['id']}/resolve", json={"body": "Hotovo."})
        # written from a private address the portal does not know
        mail_id = await _received("jana.soukrome@seznam.cz", "Licence zase nejde, posílám z domova.")

        page = await staff.get("/staff/mail")
        assert page.status_code == 200
        for shown in ("Dotaz", "jana.soukrome@seznam.cz", "Petr Neznámý", "Licence zase nejde"):
            assert shown in page.text
        assert "nepatří k žádnému účtu" in page.text  # the reason, in Czech

        unknown = await staff.get(f"/staff/mail/{mail_id}?ticket=HD-1999-99999")
        assert "s tímto číslem neexistuje." in unknown.text
        found = await staff.get(f"/staff/mail/{mail_id}?ticket={ticket['number'].lower()}")
        assert found.status_code == 200 and me["user"]["email"] in found.text

        wrong_author = await staff.post(
            f"/staff/mail/{mail_id}/file", data={"ticket": ticket["number"], "author": "999999"}
        )
        assert wrong_author.status_code == 422 and "Vyberte osobu" in wrong_author.text

        filed = await staff.post(
            f"/staff/mail/{mail_id}/file", data={"ticket": ticket["number"], "author": str(me["user"]["id"])}
        )
        assert filed.status_code == 303 and filed.headers["location"] == "/staff/mail?done=filed"

        again = await staff.post(f"/staff/mail/{mail_id}/discard")
        assert again.status_code == 409  # already filed: a second decision is refused
    last = (
        await TicketMessage.select()
        .where(TicketMessage.ticket == ticket["id"])
        .order_by(TicketMessage.id, ascending=False)
        .first()
    )
    assert last["body"] == "Licence zase nejde, posílám z domova." and last["author"] == me["user"]["id"]
    reopened = await Ticket.select(Ticket.status).where(Ticket.id == ticket["id"]).first()
    assert reopened["status"] == "open"
    row = await InboundMail.select().where(InboundMail.id == mail_id).first()
    assert row["status"] == "filed_by_hand" and row["raw"] is None and row["ticket_message"] == last["id"]
    assert await AuditEvent.exists().where(AuditEvent.action == "mail.filed_by_hand")


async def test_staff_discard_an_e_mail_and_the_list_empties(anonymous, app, plans) -> None:
    mail_id = await _received("spam@jinde.cz", "Kupte si naše služby.", subject="Nabídka")
    async with signed_in_staff(app, language="en") as staff:
        listed = await staff.get("/staff/mail")
        assert "Nabídka" in listed.text and "does not belong to any account" in listed.text
        gone = await staff.post(f"/staff/mail/{mail_id}/discard")
        assert gone.status_code == 303
        empty = await staff.get("/staff/mail?done=discarded")
        assert "Nabídka" not in empty.text and "The e-mail has been discarded." in empty.text
    assert (await InboundMail.select().first())["status"] == "discarded"
    event = await AuditEvent.select().where(AuditEvent.action == "mail.discarded").first()
    assert event is not None and event["object_id"] == mail_id


async def test_customers_cannot_see_the_mail_list(anonymous, plans) -> None:
    await register(anonymous)
    assert (await anonymous.get("/staff/mail")).status_code == 403


async def test_a_message_the_parser_gives_up_on_is_kept_unanswered_and_can_be_discarded(app, plans) -> None:
    from backend.mailin.parse import unreadable_mail
    from backend.notifications.tables import OutboxMessage

    raw = b"From: jana@firma.cz\r\nSubject: Rozbit\xc3\xa9\r\nMessage-ID: <broken@firma.cz>\r\n\r\n\xff\xfe"
    outcome = await file_mail(unreadable_mail(raw), raw)
    assert outcome is not None and outcome.reason == "unreadable"
    row = await InboundMail.select().first()
    assert (
        row["message_id"] == "<broken@firma.cz>" and row["sender"] == "jana@firma.cz" and row["raw"] is None
    )
    assert await OutboxMessage.count() == 0  # nobody is told anything about a message nobody could read
    assert unreadable_mail(b"\x00garbage").message_id.startswith("<sha256-")
    async with signed_in_staff(app, language="en") as staff:
        page = await staff.get(f"/staff/mail/{row['id']}")
        assert "could not read this e-mail" in page.text and 'name="author"' not in page.text
        assert (await staff.post(f"/staff/mail/{row['id']}/discard")).status_code == 303
