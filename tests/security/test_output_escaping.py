"""Script and HTML typed into every free-text field comes back as text on every page that shows
it, never as markup; the e-mails that quote it escape it too."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date, timedelta

import pytest

from backend.accounts.tables import Company
from backend.notifications.messages import compose
from tests.helpers import load_catalogue, order_payload, registration, signed_in_staff

pytestmark = pytest.mark.db

# every shape of injection a template might let through: an element, an attribute breakout,
# an event handler, a javascript: URL and a closing tag for the surrounding element
PAYLOAD = (
    """<script>alert('x')</script><img src=x onerror=alert(1)>"'><a href="javascript:alert(2)">j</a></td>"""
)
RAW_MARKERS = ("<script>alert", "<img src=x", '<a href="javascript:', "onerror=alert(1)>")
ESCAPED = "&lt;script&gt;alert("


def assert_shown_as_text(html: str, page: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{page} shows {marker!r} unescaped"
    assert ESCAPED in html, f"{page} does not show the text at all (the test would prove nothing)"


async def test_payloads_in_every_text_field_are_escaped_on_every_page(anonymous, app) -> None:
    await load_catalogue()
    details = registration(name=f"Firma {PAYLOAD}"[:200], full_name=f"Jana {PAYLOAD}"[:200])
    details["company"]["street"] = PAYLOAD[:200]
    details["company"]["city"] = PAYLOAD[:100]
    response = await anonymous.post("/api/v1/auth/register", json=details)
    assert response.status_code == 201, response.text
    company_id = response.json()["company"]["id"]

    order = await anonymous.post("/api/v1/orders", json=order_payload(description=f"Popis {PAYLOAD}"))
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    rejected = await anonymous.post("/api/v1/orders", json=order_payload(description="Druhá objednávka."))
    rejected_id = rejected.json()["id"]

    async with AsyncExitStack() as stack:
        admin = await stack.enter_async_context(signed_in_staff(app, "admin@example.cz", admin=True))
        contract = await admin.post(
            f"/api/v1/staff/companies/{company_id}/alc-contracts",
            json={
                "products": [f"CATIA {PAYLOAD}"[:100]],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=365)).isoformat(),
            },
        )
        assert contract.status_code == 201, contract.text
        ticket = await anonymous.post(
            "/api/v1/tickets",
            json={
                "subject": f"Předmět {PAYLOAD}"[:200],
                "description": f"Popis {PAYLOAD}",
                "priority": "normal",
                "product": f"CATIA {PAYLOAD}"[:100],
            },
        )
        assert ticket.status_code == 201, ticket.text
        ticket_id = ticket.json()["id"]
        for written in (
            await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": f"Zpráva {PAYLOAD}"}),
            await admin.post(
                f"/api/v1/staff/tickets/{ticket_id}/messages", json={"body": f"Odpověď {PAYLOAD}"}
            ),
            await admin.post(
                f"/api/v1/staff/orders/{rejected_id}/reject", json={"reason": f"Důvod {PAYLOAD}"}
            ),
        ):
            assert written.status_code in (200, 201), written.text
        top_up = await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": 1_000_000, "note": f"Dobití {PAYLOAD}", "idempotency_key": "escape-1"},
        )
        assert top_up.status_code == 201, top_up.text

        customer_pages = [
            "/company",
            "/dashboard",
            "/orders",
            f"/orders/{order_id}",
            f"/orders/{rejected_id}",
            "/tickets",
            f"/tickets/{ticket_id}",
            "/credit",
            "/entitlements",
            "/account",
        ]
        for page in customer_pages:
            response = await anonymous.get(page, follow_redirects=True)
            assert response.status_code == 200, (page, response.status_code)
            assert_shown_as_text(response.text, page)

        staff_pages = [
            "/staff/orders",
            f"/staff/orders/{order_id}",
            f"/staff/orders/{rejected_id}",
            "/staff/tickets",
            f"/staff/tickets/{ticket_id}",
            f"/staff/companies/{company_id}",
            f"/staff/companies/{company_id}/credit",
            "/staff/credit",
            "/staff/audit",
        ]
        for page in staff_pages:
            response = await admin.get(page)
            assert response.status_code == 200, (page, response.status_code)
            assert_shown_as_text(response.text, page)

        # an htmx fragment is escaped the same way as the whole page
        fragment = await admin.get(f"/staff/orders/{order_id}", headers={"hx-request": "true"})
        assert_shown_as_text(fragment.text, "the order fragment")

    assert await Company.count() == 1


def test_notification_emails_escape_what_customers_typed() -> None:
    message = compose(
        "ticket_opened",
        {
            "number": "HL-1",
            "company": PAYLOAD,
            "subject": PAYLOAD,
            "priority": "high",
            "ticket_id": 1,
            "due": "2026-11-25T10:00:00+00:00",
        },
        "en",
    )
    for marker in RAW_MARKERS:
        assert marker not in message.html
    assert ESCAPED in message.html


async def test_a_payload_in_a_form_comes_back_escaped_in_the_inline_errors(anonymous) -> None:
    page = await anonymous.post(
        "/register",
        data={"name": PAYLOAD, "ico": PAYLOAD, "email": PAYLOAD, "full_name": PAYLOAD, "password": "x"},
    )
    assert page.status_code == 422
    assert_shown_as_text(page.text, "the registration form")
