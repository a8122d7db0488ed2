"""Journey: a customer opens the invoice of a completed order, sees its QR payment and downloads
the PDF; the staff admin marks it paid and the customer sees it paid. At a phone's and a desktop's
width, in Czech and English, with the layout and axe checks of every journey."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.support import DEMO_PASSWORD, PortalPage

pytestmark = pytest.mark.browser
INVOICE_NUMBER = re.compile(r"FA-\d{4}-\d{5}")


@contextmanager
def signed_in(base: str, email: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        yield _login(client, email)


def _login(client: httpx.Client, email: str) -> httpx.Client:
    token = client.get("/api/v1/auth/csrf").json()["token"]
    client.headers["x-csrftoken"] = token
    answer = client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


@pytest.fixture
def completed_order(portal_url: str, language: str) -> dict:
    """A flat-rate order of company A, placed, accepted and completed through the API: its own
    invoice, so each language's run pays one of its own."""
    with signed_in(portal_url, "spravce@vysocina.example") as customer:
        placed = customer.post(
            "/api/v1/orders",
            json={
                "service_code": "INSTALLATION",
                "quantity": 2,
                "description": f"Reinstalace dvou stanic ({language}).",
                "billing": "pay",
            },
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()
        assert customer.post(f"/api/v1/orders/{order['id']}/accept").status_code == 200
    with signed_in(portal_url, "technik@podpora.example") as staff:
        day = (date.today() + timedelta(days=1)).isoformat()
        for step, body in (
            ("approve", {"scheduled_for": day}),
            ("start", {}),
            ("complete", {"note": "Hotovo."}),
        ):
            answer = staff.post(f"/api/v1/staff/orders/{order['id']}/{step}", json=body)
            assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_customer_pays_an_invoice_the_staff_admin_marks_paid(portal: PortalPage, completed_order) -> None:
    page = portal.page
    number = completed_order["invoice_number"]
    assert INVOICE_NUMBER.fullmatch(number or ""), completed_order
    portal.sign_in("spravce@vysocina.example")
    portal.goto(f"/orders/{completed_order['id']}")
    portal.page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t("Invoice %(number)s", number=number))
    expect(page.locator(".status")).to_have_text(portal.t("Issued"))
    expect(portal.heading("Payment details")).to_be_visible()
    qr = page.get_by_role("figure").filter(has=page.locator("svg"))
    expect(qr).to_be_visible()
    expect(qr.locator("svg title")).to_have_text("QR platba")
    expect(page.get_by_role("table", name=portal.t("VAT recapitulation"))).to_be_visible()
    portal.check("invoice")

    with page.expect_download() as download:
        portal.button("Download the PDF").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    portal.nav().get_by_role("link", name=portal.t("Invoices"), exact=True).click()
    expect(portal.heading("Invoices")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(portal.t("Issued"))
    portal.label("Status").select_option("unpaid")
    expect(page.get_by_role("row").filter(has_text=number)).to_be_visible()
    portal.check("invoices")
    portal.sign_out()

    portal.sign_in("vedouci@podpora.example")
    portal.nav().get_by_role("link", name=portal.t("Invoices"), exact=True).click()
    page.get_by_role("link", name=number, exact=True).click()
    portal.check("staff-invoice")
    amount = portal.label("Amount received (CZK)")
    expect(amount).not_to_have_value("")
    amount.fill("1,500")  # ambiguous in Czech: the form says so in place
    portal.button("Record the payment").click()
    expect(page.locator("#pay-amount-error")).not_to_be_empty()
    expect(amount).to_have_attribute("aria-invalid", "true")
    amount.fill("7 018" if portal.language == "cs" else "7018")
    portal.button("Record the payment").click()
    expect(page.get_by_role("status").filter(has_text=portal.t("Payment recorded."))).to_be_visible()
    expect(page.locator("header .status")).to_have_text(portal.t("Paid"))
    portal.check("staff-invoice-paid")
    portal.sign_out()

    portal.sign_in("spravce@vysocina.example")
    portal.goto("/invoices?status=paid")
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text(portal.t("Paid"))
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Nothing is left to pay on this invoice."))
    expect(page.locator("figure svg")).to_have_count(0)
