"""The Hotline's forms read into the API's Structs: a bad value gets the API's message, inline."""

from __future__ import annotations

import html
import re

import pytest

from backend.orders.tables import ServiceOrder
from backend.tickets.tables import Ticket, TicketMessage
from tests.helpers import load_catalogue, register, signed_in_staff
from tests.integration.test_tickets import give_alc, ticket

pytestmark = pytest.mark.db

HTMX = {"hx-request": "true"}
PRODUCT = "CATIA V5 MD2 × 3"


@pytest.fixture
async def sla_plans(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


def inline_error(page: str, field: str) -> str:
    found = re.search(rf'<small id="{field}-error" class="field-error">(.*?)</small>', page, re.S)
    assert found, f"no error slot for {field}"
    return html.unescape(found.group(1)).strip()


async def speak(client, language: str) -> None:
    response = await client.put("/api/v1/me/language", json={"language": language})
    assert response.status_code == 200, response.text


async def alc_customer(anonymous, app) -> None:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_new_ticket_with_an_unknown_priority_reads_as_the_api_says(
    anonymous,
    app,
    sla_plans,
    language,
) -> None:
    await alc_customer(anonymous, app)
    await speak(anonymous, language)
    fields = {"product": PRODUCT, "subject": "Nejde tisk", "description": "Od rána.", "priority": "urgent"}

    page = await anonymous.post("/tickets", data=fields)
    api = await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT, priority="urgent"))

    assert page.status_code == 422 and api.status_code == 400
    assert inline_error(page.text, "priority") == api.json()["errors"]["priority"]
    assert 'value="Nejde tisk"' in page.text  # what was typed stays
    if language == "en":
        assert api.json()["errors"]["priority"] == "Choose a priority."
    assert await Ticket.count() == 0


async def test_a_new_ticket_without_a_priority_is_normal_as_in_the_api(anonymous, app, sla_plans) -> None:
    await alc_customer(anonymous, app)
    created = await anonymous.post(
        "/tickets",
        data={"product": PRODUCT, "subject": "Nejde tisk", "description": "Od rána.", "priority": ""},
    )
    assert created.status_code == 303
    assert (await Ticket.select(Ticket.priority).first())["priority"] == "normal"


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_reply_too_long_is_refused_inline_as_by_the_api(anonymous, app, sla_plans, language) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    await speak(anonymous, language)
    body = "x" * 50_001

    page = await anonymous.post(f"/tickets/{ticket_id}/reply", data={"body": body}, headers=HTMX)
    api = await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": body})

    assert page.status_code == 422 and api.status_code == 400
    assert inline_error(page.text, "body") == api.json()["errors"]["body"]
    assert body in page.text  # the reply stays in its field
    assert await TicketMessage.count() == 0


@pytest.mark.parametrize(
    ("quantity", "api_quantity", "english"),
    [
        ("dvě", "dvě", "Enter a number, for example 1,5."),
        ("1.5.0", "1.5.0", "Enter a number, for example 1,5."),
        ("", None, "Fill this in."),
    ],
)
@pytest.mark.parametrize("language", ["en", "cs"])
async def test_converting_with_a_bad_quantity_is_refused_as_by_the_api(
    anonymous,
    app,
    sla_plans,
    language,
    quantity,
    api_quantity,
    english,
) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    payload = {"service_code": "MACROS", **({"quantity": api_quantity} if api_quantity else {})}
    async with signed_in_staff(app, language=language) as staff:
        page = await staff.post(
            f"/staff/tickets/{ticket_id}/convert",
            data={"service_code": "MACROS", "quantity": quantity, "note": "Makro"},
            headers=HTMX,
        )
        api = await staff.post(f"/api/v1/staff/tickets/{ticket_id}/convert", json=payload)

    assert page.status_code == 422 and api.status_code == 400
    assert inline_error(page.text, "quantity") == api.json()["errors"]["quantity"]
    if language == "en":
        assert inline_error(page.text, "quantity") == english
    assert f'value="{quantity}"' in page.text and 'value="Makro"' in page.text
    assert '<option value="MACROS" selected' in page.text
    assert await ServiceOrder.count() == 0
    assert (await Ticket.select(Ticket.status).first())["status"] == "new"


async def test_a_quantity_is_read_as_the_order_form_reads_it(anonymous, app, sla_plans) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with signed_in_staff(app) as staff:
        converted = await staff.post(
            f"/staff/tickets/{ticket_id}/convert", data={"service_code": "MACROS", "quantity": " 1,5 "}
        )
    assert converted.status_code == 303
    assert (await ServiceOrder.select(ServiceOrder.quantity).first())["quantity"] == 150  # hundredths


async def test_asking_the_customer_is_the_api_s_wait_for_customer(anonymous, app, sla_plans) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with signed_in_staff(app) as staff:
        asked = await staff.post(
            f"/staff/tickets/{ticket_id}/reply", data={"body": "Pošlete log.", "wait_for_customer": "on"}
        )
        assert asked.status_code == 303
        assert (await Ticket.select(Ticket.status).first())["status"] == "waiting_on_customer"
        resolved = await staff.post(f"/staff/tickets/{ticket_id}/resolve", data={})
        assert resolved.status_code == 303
    assert (await Ticket.select(Ticket.status).first())["status"] == "resolved"
