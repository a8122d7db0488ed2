"""A customer accepts the quote the page showed: when staff have quoted again meanwhile, the page
says the quote has changed to the new figure and offers to accept that one."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from backend.demo import DEMO_PASSWORD
from backend.money import format_czk
from tests.browser.support import PortalPage

pytestmark = pytest.mark.browser


def _api(portal_url: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=portal_url, timeout=30)
    client.headers["x-csrftoken"] = client.get("/api/v1/auth/csrf").json()["token"]
    assert (
        client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}).status_code == 200
    )
    client.headers["x-csrftoken"] = client.get("/api/v1/auth/csrf").json()["token"]
    return client


def test_an_acceptance_of_a_changed_quote_offers_the_new_one(portal: PortalPage, portal_url: str) -> None:
    valid_until = (date.today() + timedelta(days=14)).isoformat()
    customer, staff = (
        _api(portal_url, "spravce@vysocina.example"),
        _api(portal_url, "technik@podpora.example"),
    )
    try:
        order = customer.post(
            "/api/v1/orders",
            json={"service_code": "TRAINING", "quantity": 1, "description": "Školení pro nové kolegy."},
        ).json()
        url = f"/api/v1/staff/orders/{order['id']}/quote"
        assert staff.post(url, json={"net": 100_000, "valid_until": valid_until}).status_code == 200
        page = portal.page
        portal.sign_in("spravce@vysocina.example")
        portal.goto(f"/orders/{order['id']}")
        # while the page shows 1 210 Kč, the team quotes again
        again = staff.post(url, json={"net": 99_900_000, "valid_until": valid_until})
        assert again.json()["quote"]["revision"] == 2
    finally:
        customer.close()
        staff.close()

    new_gross = format_czk(99_900_000 + 20_979_000, portal.language)
    portal.confirm_click(portal.button("Accept the quote"))
    changed = portal.t("The quote has changed to %(gross)s including VAT; accept this one?", gross=new_gross)
    expect(page.get_by_role("alert")).to_have_text(changed)
    expect(page.locator("header .status")).to_have_text(portal.t("Quoted"))
    portal.confirm_click(portal.button("Accept the quote"))
    expect(page.get_by_role("status").first).to_have_text(portal.t("You accepted the quote."))
    expect(page.locator("header .status")).to_have_text(portal.t("Quote accepted"))
