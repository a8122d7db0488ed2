"""Journey 2: a customer checks what the company is entitled to, its credit and its tickets, and
reports a problem to the Hotline with a screenshot and a log file, which the engineer then sees."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.attachment_files import LOG, png
from tests.browser.support import PortalPage

pytestmark = pytest.mark.browser


def test_a_customer_checks_entitlements_credit_and_tickets(portal: PortalPage) -> None:
    page = portal.page
    portal.sign_in("spravce@vysocina.example")
    # signing in lands on the company's overview
    expect(page.get_by_role("heading", level=1)).to_have_text("Strojírny Vysočina s.r.o.")
    expect(portal.heading("Latest orders")).to_be_visible()
    expect(portal.heading("Latest tickets")).to_be_visible()
    expect(page.locator("#credit-heading + .balance")).to_be_visible()
    portal.check("customer-home")

    portal.nav().get_by_role("link", name=portal.t("Entitlements"), exact=True).click()
    expect(portal.heading("What your company is entitled to")).to_be_visible()
    expect(portal.heading("ALC maintenance and the Hotline")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("CATIA V5")
    portal.check("entitlements")

    portal.nav().get_by_role("link", name=portal.t("Credit"), exact=True).click()
    expect(portal.heading("Prepaid credit (SBP)")).to_be_visible()
    # the demo's two SBP-50 packages (a year ago and today) less the year's 42 hours of work
    money = "86 700,00 Kč" if portal.language == "cs" else "CZK 86,700.00"
    expect(page.locator(".balance")).to_have_text(money.replace(" ", "\xa0"))
    expect(portal.heading("What expires when")).to_be_visible()
    expect(portal.heading("Ledger")).to_be_visible()
    ledger = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=portal.t("Balance")))
    expect(ledger.get_by_role("row")).not_to_have_count(0)
    chart = page.get_by_role("figure")
    expect(chart).to_contain_text(portal.t("Balance over time"))
    expect(chart.locator("text.time-tick")).not_to_have_count(0)
    zero = "0\xa0Kč" if portal.language == "cs" else "CZK\xa00"
    expect(chart.locator("text.value-tick").first).to_have_text(zero)
    point = chart.locator("g.datum").last
    point.focus()  # a point's value shows on keyboard focus, not only on hover
    expect(point.locator("text.datum-value")).to_be_visible()
    portal.check("credit")

    portal.nav().get_by_role("link", name=portal.t("Hotline"), exact=True).click()
    expect(portal.heading("Hotline")).to_be_visible()
    portal.check("tickets")

    portal.button("Report a problem").click()
    expect(portal.heading("Report a problem")).to_be_visible()
    portal.label("Product").select_option("CATIA V5 HD2 × 1")
    portal.label("Subject").fill("Výkres se neotevře / drawing does not open")
    portal.label("What happens, and what did you expect?").fill(
        "CATIA V5 stops with an error when opening the drawing of part 4711; yesterday it opened."
    )
    portal.label("Priority").select_option("high")
    portal.label("Attach files (screenshots, logs, models)").set_input_files(
        [
            {"name": "Snímek obrazovky.png", "mimeType": "image/png", "buffer": png(320, 200)},
            {"name": "catia-chyba.log", "mimeType": "text/plain", "buffer": LOG},
        ]
    )
    # the chosen files are named before sending
    chosen = page.get_by_role("list", name=portal.t("Chosen files"))
    expect(chosen.get_by_role("listitem")).to_have_text(["Snímek obrazovky.png", "catia-chyba.log"])
    portal.check("ticket-new")
    portal.button("Send").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"HOT-\d{4}-\d{5}|\w+-\d+"))
    expect(heading).to_contain_text("drawing does not open")
    expect(page.get_by_role("status")).to_be_visible()
    files = page.get_by_role("list", name=portal.t("Attached files"))
    expect(files.get_by_role("link", name="catia-chyba.log")).to_be_visible()
    preview = files.get_by_role("img", name=portal.t("Preview of %(name)s", name="Snímek obrazovky.png"))
    expect(preview).to_be_visible()
    assert preview.evaluate("image => image.complete && image.naturalWidth") == 320
    portal.check("ticket")
    ticket_page = urlsplit(page.url).path

    portal.label("Your reply").fill("It happens with other drawings too.")
    # a person drags the box bigger; the swap must not copy that inline style (CSP)
    portal.label("Your reply").evaluate("box => { box.style.height = '12rem'; }")
    # the reply form is swapped in place by htmx; its file goes in the same multipart request
    portal.label("Attach files (screenshots, logs, models)").set_input_files(
        [{"name": "druhy-vykres.log", "mimeType": "text/plain", "buffer": LOG}]
    )
    expect(page.get_by_role("list", name=portal.t("Chosen files")).get_by_role("listitem")).to_have_text(
        ["druhy-vykres.log"]
    )
    portal.button("Send the reply").click()
    expect(page.get_by_role("main")).to_contain_text("It happens with other drawings too.")
    expect(page.get_by_role("link", name="druhy-vykres.log")).to_be_visible()
    expect(page.get_by_role("status")).to_be_focused()

    portal.nav().get_by_role("link", name=portal.t("Hotline"), exact=True).click()
    expect(page.get_by_role("row").filter(has_text="drawing does not open").first).to_be_visible()

    # the engineer sees the same files on the staff side
    portal.sign_out()
    portal.sign_in("technik@podpora.example")
    portal.goto(f"/staff{ticket_page}")
    files = page.get_by_role("list", name=portal.t("Attached files"))
    expect(files.get_by_role("link", name="catia-chyba.log")).to_be_visible()
    expect(
        files.get_by_role("img", name=portal.t("Preview of %(name)s", name="Snímek obrazovky.png"))
    ).to_be_visible()
    with page.expect_download() as downloaded:
        files.get_by_role("link", name="catia-chyba.log").click()
    assert downloaded.value.suggested_filename == "catia-chyba.log"
    assert open(downloaded.value.path(), "rb").read() == LOG
