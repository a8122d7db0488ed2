"""The orders forms read into the API's Structs: a bad value is marked inline with the sentence the
API gives for it, in the reader's language, and nothing is stored."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from backend.orders.tables import OrderEvent, ServiceOrder
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff
from tests.web.test_order_pages import HTMX, order_form

pytestmark = pytest.mark.db


@pytest.fixture
async def catalogue(db) -> None:
    await load_catalogue()


def shown_error(page: str, field: str) -> str:
    """The inline message beside a field (its ``<small id="…-error">``)."""
    match = re.search(rf'id="{field}-error" class="field-error">(.*?)</small>', page, re.S)
    assert match, page
    return html.unescape(match.group(1)).strip()


def valid_until() -> str:
    return (date.today() + timedelta(days=10)).isoformat()


async def submitted_order(client) -> int:
    """An hourly order waiting for a quote."""
    response = await client.post("/api/v1/orders", json=order_payload())
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_quote_that_could_mean_two_amounts_is_refused_and_nothing_is_quoted(
    anonymous, app, catalogue
) -> None:
    await register(anonymous)
    order_id = await submitted_order(anonymous)
    async with signed_in_staff(app) as staff:
        panel = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"net": "1.500", "valid_until": valid_until()},
            headers=HTMX,
        )
        assert panel.status_code == 422
        assert shown_error(panel.text, "net") == "1.500 could mean two amounts: write 1 500 or 1,50."
        assert 'value="1.500"' in panel.text  # what was typed stays in the field
        row = await ServiceOrder.select(ServiceOrder.status, ServiceOrder.quote_net).first()
        assert row == {"status": "submitted", "quote_net": None}

        quoted = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"net": "1 500,50", "valid_until": valid_until(), "note": "Sleva."},
            headers=HTMX,
        )
        assert quoted.status_code == 200, quoted.text
    assert await ServiceOrder.select(ServiceOrder.quote_net).first() == {"quote_net": 150_050}


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_form_and_the_api_give_the_same_field_error(anonymous, app, catalogue, language) -> None:
    await register(anonymous, language=language)
    order_id = await submitted_order(anonymous)

    page = await anonymous.post("/orders", data=order_form(quantity="abc"))
    api = await anonymous.post("/api/v1/orders", json=order_payload(quantity="abc"))
    assert page.status_code == 422 and api.status_code == 400
    assert shown_error(page.text, "quantity") == api.json()["errors"]["quantity"]
    assert await ServiceOrder.count() == 1

    async with signed_in_staff(app, language=language) as staff:
        panel = await staff.post(
            f"/staff/orders/{order_id}/quote", data={"net": "-5", "valid_until": valid_until()}, headers=HTMX
        )
        api = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": -500, "valid_until": valid_until()}
        )
        assert panel.status_code == 422 and api.status_code == 400
        assert shown_error(panel.text, "net") == api.json()["errors"]["net"]

        panel = await staff.post(f"/staff/orders/{order_id}/quote", data={"net": "1 000"}, headers=HTMX)
        api = await staff.post(f"/api/v1/staff/orders/{order_id}/quote", json={"net": 100_000})
        assert shown_error(panel.text, "valid_until") == api.json()["errors"]["valid_until"]
    assert await ServiceOrder.select(ServiceOrder.status, ServiceOrder.quote_net).first() == {
        "status": "submitted",
        "quote_net": None,
    }


async def test_the_estimate_reads_the_quantity_as_the_form_does(anonymous, catalogue) -> None:
    await register(anonymous, language="en")
    for written in ("1e3", "NaN", "2.5.1"):
        estimate = await anonymous.get(f"/orders/estimate?service_code=TRAINING&quantity={written}")
        page = await anonymous.post("/orders", data=order_form(quantity=written))
        assert "Enter a number, for example 1,5." in estimate.text
        assert shown_error(page.text, "quantity") == "Enter a number, for example 1,5."
    estimate = await anonymous.get("/orders/estimate?service_code=TRAINING&quantity=2,5")
    assert "Enter a number" not in estimate.text
    assert (await anonymous.post("/orders", data=order_form(quantity="2,5"))).status_code == 303
    assert await ServiceOrder.select(ServiceOrder.quantity).first() == {"quantity": 250}


async def test_an_engineer_that_is_not_a_number_is_refused_inline(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order = (await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION"))).json()
    await anonymous.post(f"/api/v1/orders/{order['id']}/accept")
    async with signed_in_staff(app) as staff:
        row = await staff.post(
            f"/staff/orders/{order['id']}/approve",
            data={"from": "queue", "assigned_to": "abc"},
            headers=HTMX,
        )
        assert row.status_code == 422
        assert shown_error(row.text, f"engineer-{order['id']}") == "Enter a whole number."
    assert await ServiceOrder.select(ServiceOrder.status).first() == {"status": "accepted"}


async def test_a_declined_quote_keeps_the_reason_given(anonymous, catalogue) -> None:
    await register(anonymous)
    order = (await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION"))).json()
    declined = await anonymous.post(f"/orders/{order['id']}/decline", data={"note": "Příliš drahé."})
    assert declined.status_code == 303
    last = await OrderEvent.select(OrderEvent.note).order_by(OrderEvent.id, ascending=False).first()
    assert last == {"note": "Příliš drahé."}
