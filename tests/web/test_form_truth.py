"""Forms that tell the truth and are never sent twice: the real problem named, what was typed
kept, an unusual quote confirmed first; a form page's own address in place of a refused post;
one order per order form however often it is sent; the staff queues searched and filtered."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import pytest

from backend.orders.tables import ServiceOrder
from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff
from tests.web.test_order_forms import shown_error, submitted_order, valid_until

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


@pytest.fixture
async def catalogue(db) -> None:
    await load_catalogue()


def form_key(page: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


async def test_an_order_without_a_service_says_choose_a_service_and_keeps_what_was_typed(
    anonymous, catalogue
) -> None:
    await register(anonymous, language="en")
    form = await anonymous.get("/orders/new")
    assert form.headers["cache-control"] == "no-store"  # Back loads it afresh
    refused = await anonymous.post(
        "/orders",
        data={"service_code": "", "quantity": "lots", "description": "Dva dny školení."},
        headers={**EN, "referer": "http://testserver.local/orders/new?service="},
    )
    assert refused.status_code == 422
    assert shown_error(refused.text, "service_code") == "Choose a service."
    assert "does not exist" not in refused.text and "no service" not in refused.text
    assert shown_error(refused.text, "quantity")  # the other field's own problem, said too
    assert 'value="lots"' in refused.text and "Dva dny školení." in refused.text
    # the browser's history gets the form's page instead of this post (portal.js)
    assert 'data-replace-url="/orders/new?service="' in refused.text
    assert await ServiceOrder.count() == 0


async def test_a_refused_post_without_a_referer_names_its_own_address(anonymous, catalogue) -> None:
    await register(anonymous, language="en")
    refused = await anonymous.post(
        "/orders", data={"service_code": "TRAINING", "quantity": "2", "description": ""}, headers=EN
    )
    assert refused.status_code == 422 and 'data-replace-url="/orders"' in refused.text
    # a post from another site never reaches the page: the CSRF check refuses its Referer
    foreign = await anonymous.post(
        "/orders",
        data={"service_code": "TRAINING", "quantity": "2", "description": ""},
        headers={**EN, "referer": "https://elsewhere.example/orders/new"},
    )
    assert foreign.status_code == 403


async def test_the_same_order_form_sent_twice_places_one_order(anonymous, catalogue) -> None:
    await register(anonymous, language="en")
    key = form_key((await anonymous.get("/orders/new?service=TRAINING")).text)
    assert key != form_key((await anonymous.get("/orders/new?service=TRAINING")).text)
    form = {"service_code": "TRAINING", "quantity": "2", "description": "Školení.", "idempotency_key": key}
    first = await anonymous.post("/orders", data=form)
    assert first.status_code == 303 and first.headers["location"].endswith("?created=1")
    again = await anonymous.post("/orders", data=form)  # Back, then Send once more
    order_id = int(first.headers["location"].split("/")[2].split("?")[0])
    assert again.status_code == 303 and again.headers["location"] == f"/orders/{order_id}?already=1"
    assert await ServiceOrder.count() == 1
    shown = await anonymous.get(again.headers["location"], headers=EN)
    assert "This order form was already sent" in shown.text and "Nothing was ordered twice." in shown.text


async def test_the_api_places_one_order_per_key_even_sent_at_once(anonymous, catalogue) -> None:
    await register(anonymous)
    payload = order_payload(idempotency_key="retry-7f3a")
    answers = await asyncio.gather(*(anonymous.post("/api/v1/orders", json=payload) for _ in range(3)))
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert await ServiceOrder.count() == 1
    other = await anonymous.post("/api/v1/orders", json=order_payload(idempotency_key="retry-8b1c"))
    assert other.status_code == 201 and other.json()["id"] != answers[0].json()["id"]
    without = await anonymous.post("/api/v1/orders", json=order_payload())
    assert without.status_code == 201 and await ServiceOrder.count() == 3


async def test_a_quote_far_above_its_estimate_shows_both_figures_and_needs_a_tick(
    anonymous, app, catalogue
) -> None:
    await register(anonymous)
    order_id = await submitted_order(anonymous)  # two days of training: 36 000 Kč net
    async with signed_in_staff(app) as staff:
        asked = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"from": "queue", "net": "1 000 000 000", "valid_until": valid_until()},
            headers={**HTMX, **EN},
        )
        assert asked.status_code == 422
        text = re.sub(r"\s+", " ", asked.text.replace("\xa0", " "))
        assert "The quote of CZK 1,000,000,000.00 is more than 3 times the estimate of CZK 36,000.00." in text
        assert 'name="confirm_unusual"' in asked.text and "data-open" in asked.text
        assert 'value="1 000 000 000"' in asked.text  # what was typed stays
        assert (await ServiceOrder.select(ServiceOrder.status).first())["status"] == "submitted"

        usual = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"net": "100 000", "valid_until": valid_until()},
            headers=HTMX,
        )
        assert usual.status_code == 200, usual.text  # under three times: no question
        confirmed = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"net": "1 000 000", "valid_until": valid_until(), "confirm_unusual": "on"},
            headers=HTMX,
        )
        assert confirmed.status_code == 200, confirmed.text
        row = await ServiceOrder.select(ServiceOrder.status, ServiceOrder.quote_net).first()
        assert row == {"status": "quoted", "quote_net": 1_000_000_00}


async def test_the_order_queue_is_searched_by_page_and_api(anonymous, app, catalogue) -> None:
    await register(anonymous, name="Slévárna Hrádek a.s.")
    training = await submitted_order(anonymous)
    macros = await anonymous.post("/api/v1/orders", json=order_payload(service_code="MACROS", quantity=3))
    assert macros.status_code == 201, macros.text
    async with signed_in_staff(app) as staff:
        found = await staff.get("/api/v1/staff/orders?search=hrádek MACROS")
        assert [item["id"] for item in found.json()["items"]] == [macros.json()["id"]]
        number = (await staff.get(f"/api/v1/staff/orders/{training}")).json()["number"]
        by_number = await staff.get(f"/api/v1/staff/orders?search={number}")
        assert [item["id"] for item in by_number.json()["items"]] == [training]
        assert (await staff.get("/api/v1/staff/orders?search=nothing-like-it")).json()["items"] == []
        page = await staff.get("/staff/orders?search=MACROS", headers=EN)
        assert f'id="queue-order-{macros.json()["id"]}"' in page.text
        assert f'id="queue-order-{training}"' not in page.text
        assert 'value="MACROS"' in page.text  # the box says what was searched
        swapped = await staff.get("/staff/orders?search=zzz-nothing", headers={**HTMX, **EN})
        assert swapped.text.lstrip().startswith('<section id="queue"') and "No order matches" in swapped.text
        too_long = await staff.get("/api/v1/staff/orders?search=" + "x" * 101)
        assert too_long.status_code == 422 and "at most 100" in too_long.json()["detail"]


async def test_the_ticket_queue_is_searched_and_filtered_by_page_and_api(anonymous, app, catalogue) -> None:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        contract = await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/alc-contracts",
            json={
                "products": ["CATIA"],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=30)).isoformat(),
            },
        )
        assert contract.status_code == 201, contract.text
        for subject, priority in (("Licenční server neodpovídá", "critical"), ("Výkres se neotevře", "low")):
            ticket = {"subject": subject, "description": "Popis.", "priority": priority, "product": "CATIA"}
            opened = await anonymous.post("/api/v1/tickets", json=ticket)
            assert opened.status_code == 201, opened.text
        waiting = (await Ticket.select(Ticket.id).where(Ticket.priority == "low").first())["id"]
        question = {"body": "Which drawing?", "wait_for_customer": True}
        asked = await admin.post(f"/api/v1/staff/tickets/{waiting}/messages", json=question)
        assert asked.status_code == 201, asked.text

        def subjects(answer) -> list[str]:
            assert answer.status_code == 200, answer.text
            return [ticket["subject"] for ticket in answer.json()]

        server = ["Licenční server neodpovídá"]
        assert subjects(await admin.get("/api/v1/staff/tickets?search=server")) == server
        assert subjects(await admin.get("/api/v1/staff/tickets?priority=low")) == ["Výkres se neotevře"]
        assert subjects(await admin.get("/api/v1/staff/tickets?show=waiting")) == ["Výkres se neotevře"]
        assert subjects(await admin.get("/api/v1/staff/tickets?show=running&priority=low")) == []
        assert len(subjects(await admin.get("/api/v1/staff/tickets"))) == 2
        unknown = await admin.get("/api/v1/staff/tickets?priority=urgent")
        assert unknown.status_code == 422 and "urgent" in unknown.json()["detail"]

        page = await admin.get("/staff/tickets?search=výkres", headers=EN)
        assert "Výkres se neotevře" in page.text and "Licenční server" not in page.text
        assert "paused" in page.text  # waiting on the customer: the clock stands still, in words
        swapped = await admin.get("/staff/tickets?priority=critical", headers={**HTMX, **EN})
        assert '<section id="ticket-queue"' in swapped.text and "Licenční server neodpovídá" in swapped.text
        assert "<html" not in swapped.text
