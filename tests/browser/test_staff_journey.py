"""Journey 3: staff work the order queue (quote, approve, start, log work, complete) and the ticket
queue (answer, resolve), with the customers' side of each step in between."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PortalPage

pytestmark = pytest.mark.browser

ORDER_NUMBER = re.compile(r"OBJ-\d{4}-\d{5}")


def submit_order(portal: PortalPage, description: str) -> str:
    """As the non-customer's manager: order three hours of a technician; returns the order number."""
    portal.sign_in("spravce@morava.example")
    portal.goto("/orders/new?service=INTERVENTION")
    portal.label("Quantity").fill("3")
    portal.label("What do you need?").fill(description)
    quote_first = (
        "We will confirm the estimate with a quote; the work starts after you accept it and we approve it."
    )
    expect(portal.page.locator("#estimate")).to_contain_text(portal.t(quote_first))
    portal.button("Submit the order").click()
    heading = portal.page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(ORDER_NUMBER)
    number = ORDER_NUMBER.search(heading.inner_text()).group(0)
    expect(portal.page.locator(".status")).to_have_text(portal.t("Submitted"))
    portal.sign_out()
    return number


def open_ticket(portal: PortalPage, subject: str) -> None:
    """As a member of the customer company: report a problem to the Hotline."""
    portal.sign_in("konstrukter@vysocina.example")
    portal.goto("/tickets/new")
    portal.label("Subject").fill(subject)
    portal.label("What happens, and what did you expect?").fill(
        "The licence server does not answer since 8:00."
    )
    portal.label("Priority").select_option("critical")
    portal.button("Send").click()
    expect(portal.page.get_by_role("heading", level=1)).to_contain_text(subject)
    portal.sign_out()


def test_staff_work_the_order_and_ticket_queues(portal: PortalPage) -> None:
    page = portal.page
    tag = random.randrange(10_000, 99_999)
    number = submit_order(portal, f"Slow regeneration of assemblies after the upgrade ({tag}).")
    subject = f"Licence server down ({tag})"
    open_ticket(portal, subject)

    portal.sign_in("technik@podpora.example")
    expect(portal.heading("Staff home")).to_be_visible()
    # the home shows what waits: the new order and the new ticket
    expect(portal.heading("Orders waiting for us").locator("..")).to_contain_text(number)
    expect(portal.heading("Tickets, the most urgent first").locator("..")).to_contain_text(subject)
    portal.check("staff-home")

    portal.nav().get_by_role("link", name=portal.t("Order queue"), exact=True).click()
    expect(portal.heading("Order queue")).to_be_visible()
    portal.check("staff-orders")
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    portal.check("staff-order")

    # the quote: the estimate is filled in; staff confirm it
    expect(portal.label("Net amount (CZK)")).not_to_be_empty()
    # while the quote is being sent its button shows that it is busy
    page.evaluate(
        """() => { window.busySeen = false; new MutationObserver(changes => {
            if (changes.some(c => c.target.getAttribute("aria-busy") === "true")) window.busySeen = true;
        }).observe(document.body, {attributes: true, attributeFilter: ["aria-busy"], subtree: true}); }"""
    )
    portal.button("Send the quote").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Quote sent to the customer."))
    expect(page.get_by_role("status")).to_be_focused()
    assert page.evaluate("window.busySeen"), "no loading indicator while the quote was sent"
    expect(page.locator("[aria-busy='true']")).to_have_count(0)
    expect(page.locator("#order-panel .status")).to_have_text(portal.t("Quoted"))
    portal.sign_out()

    # the customer accepts the quote
    portal.sign_in("spravce@morava.example")
    portal.nav().get_by_role("link", name=portal.t("Orders"), exact=True).click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(portal.button("Print the quote")).to_be_visible()
    page.emulate_media(media="print")
    # the printed quote is the order and who issued it, without menus or buttons
    expect(portal.button("Accept the quote")).to_be_hidden()
    expect(portal.button("Sign out")).to_be_hidden()
    expect(page.get_by_role("contentinfo")).to_contain_text("@")
    portal.check("quote-print")
    page.emulate_media(media="screen")
    portal.confirm_click(portal.button("Accept the quote"))
    expect(page.get_by_role("status")).to_have_text(portal.t("You accepted the quote."))
    portal.sign_out()

    # staff approve, start, log work and complete
    portal.sign_in("technik@podpora.example")
    portal.nav().get_by_role("link", name=portal.t("Order queue"), exact=True).click()
    page.get_by_role("link", name=number, exact=True).click()
    portal.label("Engineer").select_option(label="Jana Technická")
    portal.button("Approve").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Order approved."))
    portal.button("Start the work").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Work started."))

    portal.button("Log work").click()  # nothing filled in: the first field to fix takes the focus
    expect(portal.label("Minutes")).to_have_attribute("aria-invalid", "true")
    expect(portal.label("Minutes")).to_be_focused()
    portal.label("Minutes").fill("90")
    portal.label("What was done").fill("Rebuilt the assembly cache, tuned the regeneration settings.")
    portal.button("Log work").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Work logged."))

    question = portal.confirm_click(portal.button("Complete"))
    assert number in question
    expect(page.get_by_role("status")).to_have_text(portal.t("Order completed."))
    expect(page.locator("#order-panel .status")).to_have_text(portal.t("Completed"))
    portal.check("staff-order-completed")

    # the ticket queue: answer the new ticket, then resolve it
    portal.nav().get_by_role("link", name=portal.t("Tickets"), exact=True).click()
    expect(portal.heading("Ticket queue")).to_be_visible()
    portal.check("staff-tickets")
    row = page.get_by_role("row").filter(has_text=subject)
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)
    portal.check("staff-ticket")
    portal.label("Message").fill("We restarted the licence service; please try again.")
    portal.button("Send reply to the customer").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The answer has been sent."))
    expect(page.get_by_role("main")).to_contain_text("We restarted the licence service")
    portal.confirm_click(portal.button("Resolve"))
    expect(page.get_by_role("status")).to_have_text(portal.t("The ticket is resolved."))
