"""The printed quote is a business document: both companies' details, dates and the line."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from backend.settings import get_settings
from tests.helpers import load_catalogue, make_client, order_payload, signed_in_staff, valid_ico

pytestmark = pytest.mark.db


def plain(html: str) -> str:
    """The page's text with tags dropped and spaces made ordinary."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.replace("\xa0", " ")))


async def _quoted_order(client, app) -> tuple[int, str]:
    """A customer with full company details whose order staff quoted at 34 000 Kč net."""
    ico = valid_ico()
    registered = await client.post(
        "/api/v1/auth/register",
        json={
            "company": {
                "name": "Strojírny Vysočina s.r.o.",
                "ico": ico,
                "dic": f"CZ{ico}",
                "street": "Průmyslová 1450/7",
                "city": "Jihlava",
                "postal_code": "58601",
            },
            "user": {
                "email": f"jana-{ico}@vysocina.example",
                "password": "correct horse battery",
                "full_name": "Jana Nováková",
            },
        },
    )
    assert registered.status_code == 201, registered.text
    order = (await client.post("/api/v1/orders", json=order_payload())).json()
    async with signed_in_staff(app) as staff:
        valid_until = (date.today() + timedelta(days=14)).isoformat()
        quoted = await staff.post(
            f"/api/v1/staff/orders/{order['id']}/quote",
            json={"net": 3_400_000, "valid_until": valid_until, "note": ""},
        )
        assert quoted.status_code == 200, quoted.text
    return order["id"], ico


@pytest.mark.parametrize(
    ("language", "title", "figures"),
    [
        (
            "cs",
            "Cenová nabídka",
            ("34 000,00 Kč", "7 140,00 Kč", "41 140,00 Kč", "IČO", "DIČ", "Platnost do"),
        ),
        (
            "en",
            "Quote",
            ("CZK 34,000.00", "CZK 7,140.00", "CZK 41,140.00", "Company ID", "VAT ID", "Valid until"),
        ),
    ],
)
async def test_printed_quote_carries_both_companies(app, db, language, title, figures) -> None:
    await load_catalogue()
    settings = get_settings()
    async with make_client(app) as customer:
        order_id, ico = await _quoted_order(customer, app)
        await customer.put("/api/v1/me/language", json={"language": language})
        number = (await customer.get(f"/api/v1/orders/{order_id}")).json()["number"]
        detail = await customer.get(f"/orders/{order_id}")
        assert f'href="/quotes/{order_id}"' in detail.text
        page = await customer.get(f"/quotes/{order_id}")
    assert page.status_code == 200
    text = plain(page.text)
    assert re.search(rf"<h1>\s*{title}\b", page.text), page.text[:2000]
    assert "Objednávka" not in text and "Order " not in text
    for supplier_detail in (
        settings.supplier_name,
        settings.supplier_street,
        settings.supplier_city,
        settings.supplier_ico,
        settings.supplier_dic,
        settings.supplier_bank_account,
    ):
        assert supplier_detail in text
    for customer_detail in (
        "Strojírny Vysočina s.r.o.",
        "Průmyslová 1450/7",
        "Jihlava",
        "586 01",
        ico,
        f"CZ{ico}",
    ):
        assert customer_detail in text
    assert number in text
    valid_until = date.today() + timedelta(days=14)
    assert (
        f"{valid_until.day}. {valid_until.month}. {valid_until.year}" in text or str(valid_until.year) in text
    )
    for figure in figures:
        assert figure in text, figure
    assert "21 %" in text


async def test_quote_print_is_refused_without_a_quote_and_for_other_companies(app, db) -> None:
    await load_catalogue()
    async with make_client(app) as customer, make_client(app) as other:
        order_id, _ = await _quoted_order(customer, app)
        unquoted = (await customer.post("/api/v1/orders", json=order_payload())).json()["id"]
        assert (await customer.get(f"/quotes/{unquoted}")).status_code == 404
        await _quoted_order(other, app)
        assert (await other.get(f"/quotes/{order_id}")).status_code == 404
    async with signed_in_staff(app) as staff:
        staff_page = await staff.get(f"/staff/quotes/{order_id}")
        assert staff_page.status_code == 200
        assert "Strojírny Vysočina s.r.o." in staff_page.text
        assert f'href="/staff/orders/{order_id}"' in staff_page.text
