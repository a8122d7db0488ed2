"""Answering by e-mail, against a real Dovecot (tests/imap_server.py) and the real test SMTP
server: replies land in their ticket as the right person with the quoted text cut, strangers get
one polite answer and no loop, a message is filed once however it is delivered or read, and a
poller killed between its commit and its mark files nothing twice."""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

from backend.clock import now
from backend.mailin.poller import DIE_AFTER_COMMIT, fetch_mail
from backend.mailin.tables import InboundMail, MailPollerLease
from backend.notifications.sender import send_due
from backend.settings import get_settings
from backend.tickets.tables import Ticket, TicketMessage
from tests.helpers import load_catalogue, make_client, register, signed_in_staff
from tests.imap_server import ImapServer
from tests.integration.test_tickets import give_sla
from tests.processes import PORTAL, ROOT

pytestmark = pytest.mark.db
SUPPORT = "podpora@example.cz"


@pytest.fixture
async def plans(db) -> None:
    """The catalogue and the SLA plan templates (as tests/integration/test_tickets.py has them)."""
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


@pytest.fixture
def imap(monkeypatch):
    """A Dovecot of its own for the test, with IMAP_URL pointing at it."""
    server = ImapServer()
    server.start()  # no Dovecot: NoDovecot, the test fails with how to install it
    monkeypatch.setenv("IMAP_URL", server.url)
    get_settings.cache_clear()
    yield server
    get_settings.cache_clear()
    server.stop()


def mail(sender: str, to: str, body: str, *, subject: str = "Re: ticket", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid(domain="firma.cz")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


async def customer_with_ticket(anonymous, app) -> tuple[dict, int]:
    """An SLA customer's ticket the team has answered; the answer is in the test SMTP inbox."""
    me = await register(anonymous, language="cs")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_sla(anonymous, admin)
        created = await anonymous.post(
            "/api/v1/tickets", json={"subject": "CATIA padá", "description": "Od rána.", "priority": "high"}
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]
        answered = await admin.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages", json={"body": "Zkuste prosím restart."}
        )
        assert answered.status_code == 201, answered.text
    return me, ticket_id


async def sent_to(smtp, address: str) -> list[EmailMessage]:
    while await send_due():
        pass
    return [m for m in smtp.inbox.messages if m["To"] == address]


async def ticket_answer(smtp, address: str) -> EmailMessage:
    """The one e-mail to ``address`` that answers a ticket (it also had its plan approved)."""
    [answer] = [m for m in await sent_to(smtp, address) if m["Reply-To"]]
    return answer


QUOTED = (
    "Děkuji, po restartu to funguje.\n\n"
    "S pozdravem,\nJana Nováková\nFirma s.r.o.\n\n"
    "Dne 1. 12. 2026 v 10:00 Technická podpora <podpora@example.cz> napsal(a):\n"
    "> Zkuste prosím restart.\n"
)


async def test_a_reply_lands_in_its_ticket_as_the_customer_with_the_quoted_text_cut(
    anonymous, app, plans, smtp, imap
) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    email = me["user"]["email"]
    answer = await ticket_answer(smtp, email)
    assert answer["Reply-To"].startswith("podpora+t-")
    reply = mail(
        email.upper(),  # addresses compare case-insensitively
        answer["Reply-To"],
        QUOTED,
        subject=f"Re: {answer['Subject']}",
        In_Reply_To=answer["Message-ID"],
        References=answer["References"] + " " + answer["Message-ID"],
    )
    imap.deliver(reply.as_bytes())

    done = await fetch_mail()

    assert (done.filed, done.not_filed) == (1, 0)
    last = (
        await TicketMessage.select()
        .where(TicketMessage.ticket == ticket_id)
        .order_by(TicketMessage.id, ascending=False)
        .first()
    )
    assert last["body"] == "Děkuji, po restartu to funguje."  # no signature, no quoted history
    assert last["author"] == me["user"]["id"] and last["from_staff"] is False
    recorded = await InboundMail.select().first()
    assert recorded["status"] == "filed" and recorded["ticket_message"] == last["id"]
    assert recorded["message_id"] == reply["Message-ID"] and recorded["raw"] is None
    assert imap.flags() == [(b"$PortalFiled",)]


async def test_the_reply_address_alone_finds_the_ticket_and_in_reply_to_alone_too(
    anonymous, app, plans, smtp, imap
) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    email = me["user"]["email"]
    answer = await ticket_answer(smtp, email)
    imap.deliver(mail(email, answer["Reply-To"], "Jen adresa.").as_bytes())
    # a client that answered From (the plain address) still names our Message-ID
    imap.deliver(mail(email, SUPPORT, "Jen hlavička.", In_Reply_To=answer["Message-ID"]).as_bytes())
    # a made-up Message-ID of ours (wrong signature) finds nothing: it opens a new ticket instead
    forged = answer["Message-ID"].replace(".", ".0", 1)
    imap.deliver(mail(email, SUPPORT, "Podvržená hlavička.", In_Reply_To=forged, subject="Nový").as_bytes())

    done = await fetch_mail()

    bodies = [row["body"] for row in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert bodies[-2:] == ["Jen adresa.", "Jen hlavička."]
    assert done.statuses == ["filed", "filed", "opened"]


async def test_a_reply_reopens_a_resolved_ticket_and_resumes_its_clock(anonymous, app, plans, smtp, imap):
    me, ticket_id = await customer_with_ticket(anonymous, app)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        resolved = await admin.post(f"/api/v1/staff/tickets/{ticket_id}/resolve", json={"body": "Hotovo."})
        assert resolved.json()["status"] == "resolved"
    token = (await Ticket.select(Ticket.reply_token).where(Ticket.id == ticket_id).first())["reply_token"]
    imap.deliver(mail(me["user"]["email"], f"podpora+t-{token}@example.cz", "Zase to padá.").as_bytes())

    await fetch_mail()

    row = await Ticket.select().where(Ticket.id == ticket_id).first()
    # what customer_reply does on the page: reopened, the pause ended and added up, due again
    assert row["status"] == "open" and row["resolved_at"] is None and row["paused_since"] is None
    assert row["next_due"] is not None and row["paused_seconds"] >= 0


async def test_a_stranger_gets_one_polite_answer_and_an_auto_responder_no_loop(
    anonymous, app, plans, smtp, imap
) -> None:
    await customer_with_ticket(anonymous, app)
    stranger = "neznamy@jinde.cz"
    first = mail(stranger, SUPPORT, "Dobrý den, máte ceník?", subject="Ceník")
    imap.deliver(first.as_bytes())

    assert (await fetch_mail()).not_filed == 1
    [answer] = await sent_to(smtp, stranger)
    assert answer["Auto-Submitted"] == "auto-replied" and answer["In-Reply-To"] == first["Message-ID"]
    assert "Váš e-mail" in answer["Subject"] and "Your e-mail" in answer["Subject"]  # Czech and English
    text = answer.get_body(("plain",)).get_content()
    assert "portálu" in text and "in the portal" in text
    assert "Ceník" not in text and "máte ceník" not in text  # never the stranger's own words back

    # the stranger's auto-responder answers the answer; a person writes again within the hour
    bounce_back = mail(
        stranger,
        SUPPORT,
        "Jsem mimo kancelář.",
        subject=f"Automatická odpověď: {answer['Subject']}",
        Auto_Submitted="auto-replied",
        In_Reply_To=answer["Message-ID"],
    )
    imap.deliver(bounce_back.as_bytes())
    imap.deliver(mail(stranger, SUPPORT, "Ještě jednou: ceník?", subject="Ceník").as_bytes())
    imap.deliver(mail("MAILER-DAEMON@jinde.cz", SUPPORT, "Undeliverable", subject="Failure").as_bytes())

    assert (await fetch_mail()).not_filed == 3
    assert len(await sent_to(smtp, stranger)) == 1  # still the one answer
    assert len(await sent_to(smtp, "mailer-daemon@jinde.cz")) == 0
    reasons = [r["reason"] for r in await InboundMail.select().order_by(InboundMail.id)]
    assert reasons == ["unknown_sender", "automatic", "unknown_sender", "automatic"]
    kept = await InboundMail.select().where(InboundMail.reason == "unknown_sender").first()
    assert kept["status"] == "not_filed" and kept["raw"]  # kept for filing by hand

    # an hour later the same address may be answered again
    from backend.mailin.tables import MailAnswer

    await MailAnswer.update({MailAnswer.answered_at: now() - timedelta(hours=1, minutes=1)}).where(
        MailAnswer.address == stranger
    )
    imap.deliver(mail(stranger, SUPPORT, "A potřetí.", subject="Ceník").as_bytes())
    await fetch_mail()
    assert len(await sent_to(smtp, stranger)) == 2


async def test_the_same_message_delivered_twice_is_filed_once(anonymous, app, plans, smtp, imap) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    raw = mail(me["user"]["email"], answer["Reply-To"], "Posílám jednou.").as_bytes()
    imap.deliver(raw)
    imap.deliver(raw)  # a mail system that delivered it twice

    first = await fetch_mail()
    imap.deliver(raw)  # and a third copy, on a later round
    second = await fetch_mail()

    assert (first.filed, first.already, second.filed, second.already) == (1, 1, 0, 1)
    bodies = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert bodies.count("Posílám jednou.") == 1
    assert await InboundMail.count() == 1
    assert imap.flags() == [(b"$PortalFiled",)] * 3


async def test_new_ticket_by_e_mail_from_a_hotline_customer_others_are_pointed_to_the_portal(
    anonymous, app, plans, smtp, imap
) -> None:
    me, _ = await customer_with_ticket(anonymous, app)
    imap.deliver(mail(me["user"]["email"], SUPPORT, "Nejde tisk výkresu.", subject="Tisk").as_bytes())
    async with make_client(app) as other:
        no_contract = await register(other, language="en")
    imap.deliver(mail(no_contract["user"]["email"], SUPPORT, "Please help.", subject="Help").as_bytes())

    done = await fetch_mail()

    assert done.statuses == ["opened", "not_filed"]
    opened = await Ticket.select().where(Ticket.subject == "Tisk").first()
    assert opened["description"] == "Nejde tisk výkresu." and opened["priority"] == "normal"
    assert opened["created_by"] == me["user"]["id"] and opened["reply_token"]
    refused = await InboundMail.select().where(InboundMail.reason == "no_hotline").first()
    assert refused["status"] == "not_filed"
    [pointer] = [
        m for m in await sent_to(smtp, no_contract["user"]["email"]) if m["Auto-Submitted"] == "auto-replied"
    ]
    assert "PAY" in pointer.get_body(("plain",)).get_content()  # in their language only
    assert "Your e-mail" in pointer["Subject"] and "Váš" not in pointer["Subject"]


def _fetch_process(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PORTAL, "fetch-mail"],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_poller_killed_between_commit_and_mark_files_nothing_twice(
    anonymous, app, plans, smtp, imap
) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    imap.deliver(mail(me["user"]["email"], answer["Reply-To"], "Jednou a dost.").as_bytes())

    killed = await asyncio.to_thread(_fetch_process, **{DIE_AFTER_COMMIT: "1"})

    assert killed.returncode == -9, killed.stderr  # SIGKILL, right after the commit
    assert await InboundMail.count() == 1
    assert imap.flags() == [()]  # committed, never marked
    # its lease runs out (five minutes in real life)
    await MailPollerLease.update({MailPollerLease.expires_at: now() - timedelta(seconds=1)}).where(
        MailPollerLease.id > 0
    )
    again = await asyncio.to_thread(_fetch_process)
    assert again.returncode == 0, again.stderr
    assert "0 filed, 0 not filed, 1 recorded before" in again.stdout
    bodies = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert bodies.count("Jednou a dost.") == 1
    assert imap.flags() == [(b"$PortalFiled",)]


@pytest.mark.only_postgres
async def test_two_pollers_at_once_file_each_message_once(anonymous, app, plans, smtp, imap) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    for n in range(8):
        imap.deliver(mail(me["user"]["email"], answer["Reply-To"], f"Zpráva {n}.").as_bytes())

    first, second = await asyncio.gather(asyncio.to_thread(_fetch_process), asyncio.to_thread(_fetch_process))

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    bodies = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert sorted(b for b in bodies if b.startswith("Zpráva")) == [f"Zpráva {n}." for n in range(8)]
    assert await InboundMail.count() == 8
    assert imap.flags() == [(b"$PortalFiled",)] * 8


async def test_a_mailbox_that_is_down_fails_the_round_and_files_nothing(db, monkeypatch) -> None:
    from tests.processes import free_port

    monkeypatch.setenv("IMAP_URL", f"imap://podpora:x@127.0.0.1:{free_port()}/INBOX")
    get_settings.cache_clear()
    try:
        with pytest.raises(OSError):
            await fetch_mail()
        assert await InboundMail.count() == 0
        # the lease is given back: the next round need not wait for it to expire
        lease = await MailPollerLease.select().first()
        assert lease["expires_at"] <= now()
    finally:
        get_settings.cache_clear()


async def test_a_reply_with_attachments_files_them_in_the_ticket_as_the_customers(
    anonymous, app, plans, smtp, imap
) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    reply = mail(me["user"]["email"], answer["Reply-To"], QUOTED, In_Reply_To=answer["Message-ID"])
    log = b"CATIA V5 R2024 crash at 08:12\n" * 200
    reply.add_attachment(log, maintype="text", subtype="plain", filename="catia.log")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    reply.add_attachment(png, maintype="image", subtype="png", filename="snímek obrazovky.png")
    imap.deliver(reply.as_bytes())

    assert (await fetch_mail()).filed == 1

    files = (await anonymous.get(f"/api/v1/tickets/{ticket_id}/attachments")).json()
    assert [f["name"] for f in files] == ["catia.log", "snímek obrazovky.png"]
    downloaded = await anonymous.get(f"/api/v1/attachments/{files[0]['id']}")
    assert downloaded.status_code == 200 and downloaded.content == log
    message = (await anonymous.get(f"/api/v1/tickets/{ticket_id}")).json()["messages"][-1]
    assert (
        message["body"] == "Děkuji, po restartu to funguje." and message["author"] == me["user"]["full_name"]
    )


async def test_an_attachment_over_the_limit_files_nothing_and_staff_can_file_the_text(
    anonymous, app, plans, smtp, imap, monkeypatch
) -> None:
    me, ticket_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    monkeypatch.setenv("ATTACHMENT_MAX_FILE_BYTES", "1000")
    get_settings.cache_clear()
    reply = mail(me["user"]["email"], answer["Reply-To"], "Posílám velký log.")
    reply.add_attachment(b"x" * 5000, maintype="text", subtype="plain", filename="velky.log")
    imap.deliver(reply.as_bytes())

    done = await fetch_mail()

    assert done.statuses == ["not_filed"]
    kept = await InboundMail.select().first()
    assert kept["reason"] == "too_large" and kept["ticket"] == ticket_id and kept["raw"]
    bodies = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert "Posílám velký log." not in bodies  # nothing half-filed
    [polite] = [m for m in await sent_to(smtp, me["user"]["email"]) if m["Auto-Submitted"] == "auto-replied"]
    assert "příliš velká" in polite.get_body(("plain",)).get_content()  # in the customer's Czech
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as staff:
        number = (await Ticket.select(Ticket.number).where(Ticket.id == ticket_id).first())["number"]
        page = await staff.get(f"/staff/mail/{kept['id']}")
        assert "velky.log" in page.text
        form = {"ticket": number, "author": str(me["user"]["id"])}
        refused = await staff.post(f"/staff/mail/{kept['id']}/file", data=form)
        assert refused.status_code == 422 and "velky.log" in refused.text
        filed = await staff.post(f"/staff/mail/{kept['id']}/file", data={**form, "without_files": "on"})
        assert filed.status_code == 303
    bodies = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == ticket_id)]
    assert bodies[-1] == "Posílám velký log."


def test_the_mailbox_is_read_over_tls_and_starttls_with_the_certificate_checked(monkeypatch) -> None:
    import ssl

    from backend.mailin.imap import Mailbox, parse_imap_url

    server = ImapServer(tls=True)
    server.start()
    try:
        server.deliver(mail("jana@firma.cz", SUPPORT, "Přes TLS.").as_bytes())
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        with pytest.raises(ssl.SSLCertVerificationError):  # a certificate nobody vouches for
            Mailbox(parse_imap_url(server.tls_url))
        monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))  # now trusted, as a CA would be
        for url in (server.tls_url, server.starttls_url):
            mailbox = Mailbox(parse_imap_url(url))
            try:
                [uid] = mailbox.waiting()
                assert b"P\xc5\x99es TLS." in (mailbox.whole(uid) or b"")
                assert isinstance(mailbox.client._imap.sock, ssl.SSLSocket)  # encrypted either way
            finally:
                mailbox.close()
    finally:
        server.stop()


def test_fetch_mail_without_a_mailbox_says_so() -> None:
    env = {key: value for key, value in os.environ.items() if key != "IMAP_URL"}
    done = subprocess.run(
        [*PORTAL, "fetch-mail"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "IMAP_URL is not set" in done.stderr
    wrong = subprocess.run(
        [*PORTAL, "fetch-mail"],
        env={**env, "IMAP_URL": "imap://no-user-here"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2 and "configuration error: IMAP_URL" in wrong.stderr
    from tests.processes import free_port

    down = f"imap://podpora:x@127.0.0.1:{free_port()}/INBOX"
    refused = subprocess.run(
        [*PORTAL, "fetch-mail"], env={**env, "IMAP_URL": down}, cwd=ROOT, capture_output=True, text=True
    )
    assert (
        refused.returncode == 1
        and "cannot read the mailbox" in refused.stderr
        and "Traceback" not in refused.stderr
    )


async def test_the_served_app_reads_the_mailbox_on_its_own(anonymous, app, plans, smtp, imap) -> None:
    from tests.processes import served_portal

    me, ticket_id = await customer_with_ticket(anonymous, app)
    token = (await Ticket.select(Ticket.reply_token).where(Ticket.id == ticket_id).first())["reply_token"]
    imap.deliver(mail(me["user"]["email"], f"podpora+t-{token}@example.cz", "Sama od sebe.").as_bytes())
    environment = {
        "IMAP_URL": imap.url,
        "MAIL_FETCH_INTERVAL_SECONDS": "1",
        "NOTIFICATION_INTERVAL_SECONDS": "0",
    }
    with served_portal(os.environ["DATABASE_URL"], **environment):
        for _ in range(100):
            if await InboundMail.count():
                break
            await asyncio.sleep(0.1)
    assert (await InboundMail.select(InboundMail.status).first())["status"] == "filed"
    assert imap.flags() == [(b"$PortalFiled",)]


async def test_a_reply_to_a_merged_ticket_goes_where_the_team_carries_on(
    anonymous, app, plans, smtp, imap
) -> None:
    """A merged duplicate is closed; its customer answering its old e-mail expects to be heard:
    the reply lands in the ticket it was merged into (and reopens nothing it should not)."""
    me, duplicate_id = await customer_with_ticket(anonymous, app)
    answer = await ticket_answer(smtp, me["user"]["email"])
    second = await anonymous.post(
        "/api/v1/tickets", json={"subject": "CATIA zase padá", "description": "Totéž.", "priority": "high"}
    )
    target = second.json()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        merged = await admin.post(
            f"/api/v1/staff/tickets/{duplicate_id}/merge", json={"target_number": target["number"]}
        )
        assert merged.status_code == 200, merged.text
    imap.deliver(mail(me["user"]["email"], answer["Reply-To"], "Posílám log k pádu.").as_bytes())

    assert (await fetch_mail()).statuses == ["filed"]

    recorded = await InboundMail.select().first()
    assert recorded["ticket"] == target["id"]
    into = [r["body"] for r in await TicketMessage.select().where(TicketMessage.ticket == target["id"])]
    assert into[-1] == "Posílám log k pádu."
    duplicate = await Ticket.select(Ticket.status).where(Ticket.id == duplicate_id).first()
    assert duplicate["status"] == "closed"
