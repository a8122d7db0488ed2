"""The staff's "mail not filed" page in a browser: e-mail delivered into a real Dovecot, read by
`portal fetch-mail` into the served portal's database; the list and one e-mail to file by hand,
on a desktop and a phone, in Czech and English."""

from __future__ import annotations

import os
import random
import subprocess
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from playwright.sync_api import expect

from tests.browser.support import PortalPage
from tests.browser.test_staff_journey import open_ticket
from tests.imap_server import ImapServer
from tests.processes import PORTAL, ROOT

pytestmark = pytest.mark.browser


def stray(sender: str, to: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain="firma.example")
    message.set_content(body)
    return message.as_bytes()


def test_staff_see_the_mail_not_filed_and_file_one_by_hand(portal: PortalPage, portal_database: str) -> None:
    tag = random.randrange(10_000, 99_999)
    imap = ImapServer()
    imap.start()
    try:
        imap.deliver(
            stray(
                "Petr Dvořák <petr.dvorak@soukromy.example>",
                "podpora@example.cz",
                f"Licence po aktualizaci ({tag})",
                "Dobrý den, po aktualizaci na R2024 nám nejde licence. Píšu ze soukromé adresy.\n\n"
                "S pozdravem,\nPetr Dvořák",
            )
        )
        imap.deliver(
            stray(
                "spravce@vysocina.example",
                "podpora+t-aaaaaaaaaaaaaaaaaaaaaaaa@example.cz",
                f"Re: Answer to your ticket ({tag})",
                "Thanks, that fixed it.",
            )
        )
        env = {**os.environ, "DATABASE_URL": portal_database, "IMAP_URL": imap.url}
        fetched = subprocess.run([*PORTAL, "fetch-mail"], env=env, cwd=ROOT, capture_output=True, text=True)
        assert fetched.returncode == 0 and "2 not filed" in fetched.stdout, fetched.stdout + fetched.stderr
    finally:
        imap.stop()

    open_ticket(portal, f"Licence server down ({tag})")  # by a person of Strojírny Vysočina
    portal.sign_in("technik@podpora.example")
    portal.nav().get_by_role("link", name=portal.t("Mail not filed"), exact=True).click()
    expect(portal.heading("Mail not filed")).to_be_visible()
    row = portal.page.locator("tr", has_text=f"Licence po aktualizaci ({tag})")
    expect(row).to_contain_text("petr.dvorak@soukromy.example")
    expect(row).to_contain_text(
        portal.t("The sender's address does not belong to any account in the portal.")
    )
    expect(portal.page.locator("tr", has_text=f"Re: Answer to your ticket ({tag})")).to_contain_text(
        portal.t("The e-mail does not answer any ticket we know.")
    )
    portal.check("staff-mail")

    row.get_by_role("button", name=portal.t("File into a ticket…")).click()
    expect(portal.page.get_by_role("heading", level=1)).to_contain_text(f"({tag})")
    portal.check("staff-mail-detail")

    # the manager wrote from a token the portal does not know: staff file it into his company's
    # ticket, as him
    portal.goto(f"/staff/tickets?search={tag}")
    number = portal.page.locator("#ticket-queue a").first.inner_text()
    portal.goto("/staff/mail")
    portal.page.locator("tr", has_text=f"Re: Answer to your ticket ({tag})").get_by_role(
        "button", name=portal.t("File into a ticket…")
    ).click()
    portal.label("Ticket number (HD-…)").fill(number)
    portal.button("Find the ticket").click()
    expect(portal.label("Filed as")).to_have_value(
        portal.page.locator("#author option", has_text="spravce@vysocina.example").get_attribute("value")
    )
    portal.check("staff-mail-file")
    portal.button("File into %(number)s", number=number).click()
    expect(portal.page.get_by_role("status")).to_contain_text(
        portal.t("The e-mail has been filed into the ticket.")
    )
    portal.goto("/staff/tickets?search=" + number)
    portal.page.get_by_role("link", name=number, exact=True).click()
    expect(portal.page.locator("main")).to_contain_text("Thanks, that fixed it.")
