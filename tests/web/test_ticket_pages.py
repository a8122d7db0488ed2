"""The Hotline and contracts through the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, register, signed_in_staff

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


@pytest.fixture
async def sla_plans(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


async def test_hotline_journey_through_the_pages(anonymous, app, sla_plans) -> None:
    me = await register(anonymous, language="en", full_name="Jana Zákaznice")
    refused = await anonymous.get("/tickets/new")
    assert "Hotline is not available" in refused.text and "/services" in refused.text

    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        company_page = await admin.get(f"/staff/companies/{me['company']['id']}")
        assert "No ALC contract" in company_page.text
        recorded = await admin.post(
            f"/staff/companies/{me['company']['id']}/alc",
            data={
                "products": "CATIA V5 MD2 × 3\nENOVIA VPM",
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=365)).isoformat(),
                "annual_fee": "240 000",
            },
        )
        assert recorded.status_code == 303
        wrong = await admin.post(
            f"/staff/companies/{me['company']['id']}/alc",
            data={
                "products": "",
                "valid_from": date.today().isoformat(),
                "valid_until": date.today().isoformat(),
            },
        )
        assert wrong.status_code == 422 and "at least one product" in wrong.text

    rights = await anonymous.get("/entitlements")
    assert "ENOVIA VPM" in rights.text and "SLA Premium" in rights.text
    form = await anonymous.get("/tickets/new")
    assert '<option value="ENOVIA VPM"' in form.text
    bad = await anonymous.post(
        "/tickets", data={"product": "ENOVIA VPM", "subject": "", "description": "x", "priority": "low"}
    )
    assert bad.status_code == 422 and "short subject" in bad.text
    created = await anonymous.post(
        "/tickets",
        data={
            "product": "ENOVIA VPM",
            "subject": "Nejde přihlášení",
            "description": "Chyba 401.",
            "priority": "high",
        },
    )
    assert created.status_code == 303
    ticket_id = int(created.headers["location"].split("/")[2].split("?")[0])
    detail = await anonymous.get(created.headers["location"])
    assert "we answer by" in detail.text
    # the thanks stand at the top, under the heading, not below the report and its thread
    thanks = detail.text.index("is registered; we answer by")
    assert detail.text.index("</h1>") < thanks < detail.text.index('<dl class="facts">')

    async with signed_in_staff(app) as staff:
        queue = await staff.get("/staff/tickets", headers=EN)
        assert "Nejde přihlášení" in queue.text
        answered = await staff.post(
            f"/staff/tickets/{ticket_id}/reply",
            data={"body": "Pošlete prosím log.", "wait_for_customer": "on"},
            headers=HTMX,
        )
        assert answered.text.lstrip().startswith('<article id="ticket-panel"')
        assert "The answer has been sent." in answered.text and "Waiting for the customer" in answered.text

    replied = await anonymous.post(
        f"/tickets/{ticket_id}/reply", data={"body": "Log přikládám."}, headers=HTMX
    )
    assert replied.text.lstrip().startswith('<article id="ticket-thread"')
    assert "Your reply has been sent." in replied.text
    assert (await Ticket.select(Ticket.status).first())["status"] == "open"

    async with signed_in_staff(app) as staff:
        converted = await staff.post(
            f"/staff/tickets/{ticket_id}/convert",
            data={"service_code": "INTERVENTION", "quantity": "2"},
            headers=HTMX,
        )
        assert "has been created" in converted.text
        order_number = re.search(r"OBJ-\d{4}-\d{5}", converted.text).group(0)
    orders = (await anonymous.get("/api/v1/orders")).json()["items"]
    assert orders[0]["number"] == order_number and orders[0]["ticket_number"].startswith("HD-")


async def test_staff_admin_changes_sla_terms_for_one_company(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    requested = await anonymous.post("/entitlements/sla", data={"plan_code": "SLA-BASIC"}, headers=HTMX)
    assert requested.text.lstrip().startswith('<section id="sla"')
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        subscription_id = (await admin.get("/api/v1/staff/subscriptions")).json()[0]["id"]
        await admin.post(f"/api/v1/staff/subscriptions/{subscription_id}/approve")
        contract_id = (
            await admin.get(f"/api/v1/staff/companies/{me['company']['id']}/sla-contracts")
        ).json()[0]["id"]
        fields = {
            "company_id": str(me["company"]["id"]),
            "opens": "07:30",
            "closes": "17:00",
            "discount_percent": "12",
            "monthly_fee": "9 500",
        }
        for priority, (first, resolution) in {
            "critical": (30, 300),
            "high": (60, 600),
            "normal": (120, 1200),
            "low": (240, 2400),
        }.items():
            fields[f"{priority}_first_response"] = str(first)
            fields[f"{priority}_resolution"] = str(resolution)
        saved = await admin.post(f"/staff/sla-contracts/{contract_id}", data=fields)
        assert saved.status_code == 303
        bad = await admin.post(
            f"/staff/sla-contracts/{contract_id}", data={**fields, "critical_resolution": "10"}
        )
        assert bad.status_code == 422
    rights = (await anonymous.get("/api/v1/entitlements")).json()
    assert rights["sla"]["discount"] == 12 and rights["sla"]["targets"]["critical"]["first_response"] == 30
    plans = {p["code"]: p for p in (await anonymous.get("/api/v1/plans")).json()}
    assert plans["SLA-BASIC"]["discount"] == 5


async def test_the_billing_choice_follows_routing_and_survives_a_refresh(anonymous, app, sla_plans) -> None:
    from tests.web.test_pages import attributes_of

    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/credit",
            json={"amount": 10_000_000, "idempotency_key": "k"},
        )
        sbp = await anonymous.get("/orders/estimate?service_code=MACROS&quantity=2", headers=HTMX)
        assert "Handled from your prepaid credit (SBP)." in sbp.text
        assert "checked" in attributes_of(sbp.text.replace('value="sbp"', 'id="sbp" value="sbp"'), "sbp")
        requested = (await anonymous.post("/api/v1/subscriptions", json={"plan_code": "SLA-BASIC"})).json()
        await admin.post(f"/api/v1/staff/subscriptions/{requested['id']}/approve")
    sla = await anonymous.get("/orders/estimate?service_code=MACROS&quantity=2", headers=HTMX)
    assert "Handled under your service contract (SLA)." in sla.text and "SLA discount of 5" in sla.text
    assert "checked" not in attributes_of(sla.text.replace('value="sbp"', 'id="sbp" value="sbp"'), "sbp")
    chosen = await anonymous.get("/orders/estimate?service_code=MACROS&quantity=3&billing=sbp", headers=HTMX)
    assert "checked" in attributes_of(chosen.text.replace('value="sbp"', 'id="sbp" value="sbp"'), "sbp")


async def test_the_staff_queue_says_how_much_lies_past_its_page(
    anonymous, app, sla_plans, monkeypatch
) -> None:
    import backend.tickets.queries as ticket_queries

    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        contract = await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/alc-contracts",
            json={
                "products": ["CATIA V5"],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=30)).isoformat(),
            },
        )
        assert contract.status_code == 201, contract.text
        for n in range(3):
            opened = await anonymous.post(
                "/api/v1/tickets",
                json={
                    "subject": f"Problém {n}",
                    "description": "Popis.",
                    "priority": "normal",
                    "product": "CATIA V5",
                },
            )
            assert opened.status_code == 201, opened.text
        whole = await admin.get("/staff/tickets")
        assert "most urgent of" not in whole.text and whole.text.count("Problém ") == 3
        monkeypatch.setattr(ticket_queries, "QUEUE_LIMIT", 2)
        page = await admin.get("/staff/tickets")
        assert "The queue shows the 2 most urgent of 3 tickets" in page.text
        assert page.text.count("Problém ") == 2
