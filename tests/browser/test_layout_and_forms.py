"""Every page the menu reaches, for every role, fits a phone and a desktop (PortalPage.check);
the forms tell the truth; Chromium's own Back never sends a form again nor offers a sent order."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PHONE, PortalPage

pytestmark = pytest.mark.browser

ORDER_NUMBER = re.compile(r"OBJ-\d{4}-\d{5}")
ROLES = {
    "visitor": None,
    "customer-member": "konstrukter@vysocina.example",
    "customer-manager": "spravce@vysocina.example",
    "staff": "technik@podpora.example",
    "staff-admin": "vedouci@podpora.example",
}
# a record's own page reached from a list (an order, a ticket, a company), checked once per list
HREFS = "links => links.map(link => link.getAttribute('href'))"
DETAIL_LINK = re.compile(r"^/(staff/)?(orders|tickets|companies|invoices)/\d+$")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_a_phone_and_a_desktop(portal: PortalPage, role: str) -> None:
    page = portal.page
    email = ROLES[role]
    if email:
        portal.sign_in(email)
    else:
        portal.goto("/")
        portal.use_language()
    hrefs = portal.nav().locator(".nav-links a").evaluate_all(HREFS)
    assert len(hrefs) >= 3, hrefs
    if email:
        hrefs.append("/account")
    for href in hrefs:
        portal.goto(href)
        # the menu marks where the person is
        expect(portal.nav().locator(f'a[href="{href}"]')).to_have_attribute("aria-current", "page")
        slug = href.strip("/").replace("/", "-")
        portal.check(f"menu-{role}-{slug}", keep=False)
        details = page.locator("main table a[href]").evaluate_all(HREFS)
        detail = next((link for link in details if DETAIL_LINK.match(link)), None)
        if detail:
            portal.goto(detail)
            portal.check(f"menu-{role}-{slug}-record", keep=False)


def test_the_phone_menu_is_one_compact_button(portal: PortalPage) -> None:
    page = portal.page
    portal.sign_in("spravce@vysocina.example")
    page.set_viewport_size(PHONE)
    menu = portal.nav().locator("summary")
    expect(menu).to_have_text(portal.t("Menu"))
    orders = portal.nav().get_by_role("link", name=portal.t("Orders"), exact=True)
    expect(orders).to_be_hidden()
    # the header is one row: the reseller's logo and name, and the menu button
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 100, header
    menu.click()
    orders.click()
    expect(portal.heading("Orders")).to_be_visible()
    expect(portal.nav().locator('a[href="/orders"]')).to_have_attribute("aria-current", "page")


def test_the_order_form_tells_the_truth_and_back_never_resends_it(portal: PortalPage) -> None:
    page = portal.page
    portal.sign_in("spravce@morava.example")
    portal.goto("/orders/new")
    first_key = page.locator('input[name="idempotency_key"]').input_value()
    portal.label("Quantity").fill("lots")
    portal.label("What do you need?").fill("Train two designers in CATIA V5 sheet metal.")
    # the estimate is read before the order is sent: it comes before the submit button
    estimate = page.locator("#estimate").bounding_box()
    submit = portal.button("Submit the order").bounding_box()
    assert estimate and submit and estimate["y"] + estimate["height"] <= submit["y"]
    portal.button("Submit the order").click()

    # the message names the real problem; the refused value stays where it was typed
    service, quantity = portal.label("Service"), portal.label("Quantity")
    expect(service).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#service_code-error")).to_have_text(portal.t("Choose a service."))
    expect(quantity).to_have_value("lots")
    expect(page.locator(".form-error")).to_be_visible()
    portal.check("order-form-refused")

    # an error goes as soon as its field is corrected, without sending the form
    service.select_option("TRAINING")
    expect(service).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#service_code-error")).to_have_text("")
    quantity.fill("2")
    expect(page.locator("#quantity-error")).to_have_text("")
    expect(page.locator(".form-error")).to_have_count(0)
    expect(page.locator("#estimate")).to_contain_text(portal.t("Handled as paid support (PAY)."))
    portal.button("Submit the order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORDER_NUMBER)
    number = ORDER_NUMBER.search(page.get_by_role("heading", level=1).inner_text()).group(0)

    # Back: the form page again, loaded afresh (no "Confirm Form Resubmission"), empty and with
    # a new one-time key, so it cannot place the same order twice by accident
    response = page.go_back()
    assert response is not None and response.ok, response and response.status
    assert page.url.endswith("/orders/new"), page.url
    expect(portal.heading("New order")).to_be_visible()
    expect(portal.label("What do you need?")).to_have_value("")
    assert page.locator('input[name="idempotency_key"]').input_value() != first_key
    # Forward and Back again: still nothing asks to send a form
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    response = page.go_back()
    assert response is not None and response.ok


def test_an_unusual_quote_asks_first_and_the_queues_search(portal: PortalPage) -> None:
    page = portal.page
    tag = random.randrange(10_000, 99_999)
    portal.sign_in("spravce@morava.example")
    portal.goto("/orders/new?service=INTERVENTION")
    portal.label("Quantity").fill("3")
    portal.label("What do you need?").fill(f"Check the postprocessor output ({tag}).")
    portal.button("Submit the order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORDER_NUMBER)
    number = ORDER_NUMBER.search(page.get_by_role("heading", level=1).inner_text()).group(0)
    portal.sign_out()

    portal.sign_in("technik@podpora.example")
    portal.goto("/staff/orders")
    # the search narrows the queue in place
    page.get_by_role("searchbox", name=portal.t("Search")).fill(number)
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    expect(page.locator("#queue tbody tr")).to_contain_text(number)
    assert f"search={number}" in page.url
    portal.check("staff-orders-searched")

    # the quote opens in a dialog; the list stays as it was
    row = page.locator("#queue tbody tr").first
    height = row.bounding_box()["height"]
    row.get_by_role("button", name=re.compile(re.escape(portal.t("Quote…")))).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label(portal.t("Net amount (CZK)")).fill("1000000")
    portal.check("staff-quote-dialog")
    dialog.get_by_role("button", name=portal.t("Send the quote"), exact=True).click()
    # far above the estimate: both figures, and a box to tick
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    money = "1 000 000,00 Kč" if portal.language == "cs" else "CZK 1,000,000.00"
    estimate = "4 200,00 Kč" if portal.language == "cs" else "CZK 4,200.00"
    expect(dialog).to_contain_text(money.replace(" ", "\xa0"))
    expect(dialog).to_contain_text(estimate.replace(" ", "\xa0"))
    expect(dialog.get_by_label(portal.t("Net amount (CZK)"))).to_have_value("1000000")
    confirm = dialog.get_by_label(portal.t("The amount is right: send this quote"))
    expect(confirm).to_be_focused()
    portal.check("staff-quote-confirm")
    confirm.check()
    dialog.get_by_role("button", name=portal.t("Send the quote"), exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.locator("#queue tbody tr").first
    expect(row.get_by_role("status")).to_have_text(portal.t("Quote sent to the customer."))
    expect(row.locator(".status")).to_have_text(portal.t("Quoted"))
    assert row.bounding_box()["height"] < height + 120

    # the ticket queue: searched by plain words, filtered by priority, urgency in words
    portal.goto("/staff/tickets")
    page.get_by_role("searchbox", name=portal.t("Search")).fill(f"nothing-like-this-{tag}")
    expect(page.locator("#ticket-queue")).to_contain_text(
        portal.t("No open ticket matches the search or the filter.")
    )
    portal.goto("/staff/tickets?priority=critical")
    expect(portal.label("Priority")).to_have_value("critical")
    portal.check("staff-tickets-critical")
