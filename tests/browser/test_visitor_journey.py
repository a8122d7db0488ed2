"""Journey 1: a company that is not a customer registers and orders PAY work."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from backend.demo import SERVICES
from tests.ares_register import KNOWN, KNOWN_ICO
from tests.browser.support import PortalPage
from tests.helpers import valid_ico, wrong_check_digit

pytestmark = pytest.mark.browser


def test_a_company_registers_and_orders_a_pay_service(portal: PortalPage) -> None:
    page = portal.page
    portal.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    portal.check("landing")

    portal.nav().get_by_role("link", name=portal.t("Services and prices"), exact=True).click()
    expect(portal.heading("Services and prices")).to_be_visible()
    portal.check("services")

    portal.nav().get_by_role("link", name=portal.t("Register a company"), exact=True).click()
    expect(portal.heading("Register a company")).to_be_visible()
    portal.check("register")

    # an IČO that ARES knows fills in the company's details, which stay editable
    portal.label("Company ID (IČO)").fill(KNOWN_ICO)
    portal.label("Company ID (IČO)").blur()
    expect(page.locator("#ares-note")).to_contain_text(
        portal.t("We filled in the details from ARES; check them.")
    )
    expect(portal.label("Company name")).to_have_value(KNOWN["obchodniJmeno"])
    expect(portal.label("Street and number")).to_have_value("Antonínská 548/1")
    expect(portal.label("Postal code")).to_have_value("601 90")
    portal.check("register-from-ares")

    # a wrong check digit is refused while typing, before the form is sent
    ico = valid_ico(random.randrange(1_000_000, 9_999_999))
    portal.label("Company ID (IČO)").fill(wrong_check_digit(ico))
    portal.label("Company ID (IČO)").blur()
    expect(page.locator("#ico-error")).not_to_be_empty()
    portal.label("Company ID (IČO)").fill(ico)
    portal.label("Company ID (IČO)").blur()
    expect(page.locator("#ico-error")).to_be_empty()
    # one ARES does not know: said, and the details are typed in by hand
    expect(page.locator("#ares-note")).to_contain_text(
        portal.t("ARES does not know the company ID (IČO) %(ico)s; fill in the details yourself.", ico=ico)
    )

    # sending with a field missing keeps what was typed and says what to correct
    portal.label("Company name").fill(f"Konstrukční kancelář {ico}")
    portal.label("Street and number").fill("Nádražní 7")
    portal.label("City").fill("Olomouc")
    portal.label("Postal code").fill("779 00")
    portal.label("Full name").fill("Alena Horáková")
    portal.label("E-mail").fill(f"alena.{ico}@kancelar.example")
    portal.button("Register").click()
    expect(page.get_by_role("alert")).to_have_text(portal.t("Please correct the highlighted fields."))
    expect(portal.label("Password")).to_have_attribute("aria-invalid", "true")
    expect(portal.label("Password")).to_be_focused()  # where to continue, for keyboard and screen reader
    expect(portal.label("Company name")).to_have_value(f"Konstrukční kancelář {ico}")
    portal.check("register-invalid")

    portal.label("Password").fill("dlouhe-heslo-2026")
    portal.button("Register").click()
    expect(page.get_by_role("status")).to_contain_text(
        portal.t("Your company is registered and you are signed in as its administrator.")
    )
    portal.check("customer-home-new")

    # no orders yet: the empty list says how to start
    portal.nav().get_by_role("link", name=portal.t("Orders"), exact=True).click()
    expect(portal.heading("Orders")).to_be_visible()
    portal.check("orders-empty")

    portal.nav().get_by_role("link", name=portal.t("Services"), exact=True).click()
    installation = next(service for service in SERVICES if service.code == "INSTALLATION")
    name = installation.name_cs if portal.language == "cs" else installation.name_en
    page.get_by_role("button", name=f"{portal.tp('verb', 'Order')} {name}", exact=True).click()
    expect(portal.heading("New order")).to_be_visible()
    expect(portal.label("Service")).to_have_value("INSTALLATION")
    portal.label("Quantity").fill("2")
    expect(page.locator("#estimate")).to_contain_text(portal.t("Handled as paid support (PAY)."))
    expect(page.locator("#estimate")).to_contain_text(
        portal.t("This is a flat-rate service: you get the quote at once and only need to accept it.")
    )
    # the new estimate is read out by screen readers through the page's persistent live region
    expect(page.locator("#announcer")).to_contain_text(portal.t("Handled as paid support (PAY)."))
    portal.label("What do you need?").fill("Reinstall CATIA V5 on two new workstations.")
    portal.label("Remote").check()
    portal.check("order-new")
    portal.button("Submit the order").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"OBJ-\d{4}-\d{5}"))
    number = re.search(r"OBJ-\d{4}-\d{5}", page.get_by_role("heading", level=1).inner_text()).group(0)
    expect(page.get_by_role("status")).to_have_text(
        portal.t("Thank you, your order %(number)s has been submitted.", number=number)
    )
    expect(page.locator(".status")).to_have_text(portal.t("Quoted"))
    portal.check("order-quoted")

    question = portal.confirm_click(portal.button("Accept the quote"))
    assert number in question
    expect(page.get_by_role("status")).to_have_text(portal.t("You accepted the quote."))
    expect(page.locator(".status")).to_have_text(portal.t("Quote accepted"))
    # the result took the keyboard focus, so a screen reader reads it out
    expect(page.get_by_role("status")).to_be_focused()

    portal.nav().get_by_role("link", name=portal.t("Orders"), exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(row).to_contain_text(portal.t("Quote accepted"))
    portal.check("orders")
