"""The Hotline with ALC and SLA terms, the business-time clock on real tickets, the staff queue."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.clock import aware
from backend.settings import DEFAULT_ALC_TARGETS
from backend.sla.domain import (
    STANDARD_CALENDAR,
    Calendar,
    add_business_minutes,
    business_seconds_between,
)
from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, register, signed_in_staff

pytestmark = pytest.mark.db

ALC_TARGETS = json.loads(DEFAULT_ALC_TARGETS)


@pytest.fixture
async def sla_plans(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()  # SLA plan templates; no demo companies exist here, so no ALC


async def give_alc(admin, company_id: int, products=("CATIA V5 MD2 × 3",)) -> None:
    today = date.today()
    response = await admin.post(
        f"/api/v1/staff/companies/{company_id}/alc-contracts",
        json={
            "products": list(products),
            "valid_from": (today - timedelta(days=30)).isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
            "annual_fee": 24_000_000,
        },
    )
    assert response.status_code == 201, response.text


async def give_sla(customer, admin, plan_code: str = "SLA-PREMIUM") -> None:
    requested = await customer.post("/api/v1/subscriptions", json={"plan_code": plan_code})
    assert requested.status_code == 201, requested.text
    approved = await admin.post(f"/api/v1/staff/subscriptions/{requested.json()['id']}/approve")
    assert approved.status_code == 200, approved.text


def ticket(**overrides):
    return {
        "subject": "CATIA padá při otevření sestavy",
        "description": "Od rána.",
        "priority": "high",
        **overrides,
    }


async def test_a_company_with_neither_alc_nor_sla_is_refused_and_pointed_to_pay(anonymous, sla_plans) -> None:
    await register(anonymous, language="en")
    response = await anonymous.post("/api/v1/tickets", json=ticket())
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "PAY" in response.json()["detail"]
    assert await Ticket.count() == 0
    entitlements = (await anonymous.get("/api/v1/entitlements")).json()
    assert entitlements["customer"] is False and entitlements["alc"]["active"] is False


async def test_an_alc_customers_ticket_gets_the_alc_targets(anonymous, app, sla_plans) -> None:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    entitlements = (await anonymous.get("/api/v1/entitlements")).json()
    assert entitlements["customer"] is True
    assert entitlements["alc"]["products"] == ["CATIA V5 MD2 × 3"]

    wrong_product = await anonymous.post("/api/v1/tickets", json=ticket(product="SolidWorks"))
    assert wrong_product.status_code == 422
    created = await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"].startswith("HD-") and body["status"] == "new" and body["first_responded_at"] is None
    row = await Ticket.select().first()
    opened = aware(row["created_at"])
    assert datetime.fromisoformat(body["first_response_due"]) == add_business_minutes(
        opened, ALC_TARGETS["high"]["first_response"], STANDARD_CALENDAR
    )
    assert datetime.fromisoformat(body["resolution_due"]) == add_business_minutes(
        opened, ALC_TARGETS["high"]["resolution"], STANDARD_CALENDAR
    )


async def test_an_sla_customers_ticket_gets_the_contracts_targets(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_sla(anonymous, admin)
        contract = (await admin.get(f"/api/v1/staff/companies/{me['company']['id']}/sla-contracts")).json()[0]
        # staff admin tightens this company's critical target without changing the plan
        targets = contract["targets"] | {"critical": {"first_response": 15, "resolution": 120}}
        changed = await admin.patch(
            f"/api/v1/staff/sla-contracts/{contract['id']}", json={"targets": targets}
        )
        assert changed.status_code == 200 and changed.json()["targets"]["critical"]["first_response"] == 15
    plan = next(p for p in (await anonymous.get("/api/v1/plans")).json() if p["code"] == "SLA-PREMIUM")
    assert plan["targets"]["critical"]["first_response"] == 30  # the template is untouched

    created = (
        await anonymous.post("/api/v1/tickets", json=ticket(priority="critical", product="anything"))
    ).json()
    row = await Ticket.select().first()
    premium = Calendar.from_json(plan["calendar"])
    assert row["terms"] == "sla" and row["first_response_minutes"] == 15
    assert datetime.fromisoformat(created["first_response_due"]) == add_business_minutes(
        aware(row["created_at"]), 15, premium
    )
    entitlements = (await anonymous.get("/api/v1/entitlements")).json()
    assert entitlements["sla"]["active"] and entitlements["sla"]["plan_code"] == "SLA-PREMIUM"


async def test_sla_discount_applies_to_pay_estimates(anonymous, app, sla_plans) -> None:
    await register(anonymous)
    before = (await anonymous.get("/api/v1/orders/estimate?service_code=MACROS&quantity=10")).json()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_sla(anonymous, admin)  # 15 % off
    after = (await anonymous.get("/api/v1/orders/estimate?service_code=MACROS&quantity=10")).json()
    assert before["estimate"]["net"] == 1_650_000 and after["estimate"]["net"] == 1_402_500
    assert after["support_level"] == "sla"


async def test_waiting_on_the_customer_moves_the_resolution_due_by_exactly_the_paused_time(
    anonymous, app, sla_plans
) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    async with signed_in_staff(app) as staff:
        asked = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages",
            json={"body": "Pošlete log.", "wait_for_customer": True},
        )
        assert asked.json()["status"] == "waiting_on_customer" and asked.json()["first_responded_at"]
    before = await Ticket.select().where(Ticket.id == ticket_id).first()
    # pretend the ticket has been waiting since three working days ago
    paused_since = datetime.now(UTC) - timedelta(days=5)
    await Ticket.update({Ticket.paused_since: paused_since}).where(Ticket.id == ticket_id)
    replied = await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "Tady je log."})
    assert replied.json()["status"] == "open"
    after = await Ticket.select().where(Ticket.id == ticket_id).first()
    paused = after["paused_seconds"]
    assert paused == business_seconds_between(paused_since, aware(after["updated_at"]), STANDARD_CALENDAR)
    assert paused > 0
    moved = business_seconds_between(
        aware(before["resolution_due"]), aware(after["resolution_due"]), STANDARD_CALENDAR
    )
    assert moved == paused
    assert after["paused_since"] is None


async def test_statuses_reply_resolve_reopen_close(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    async with signed_in_staff(app) as staff:
        answered = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages", json={"body": "Díváme se."}
        )
        assert answered.json()["status"] == "open" and answered.json()["first_responded_at"]
        resolved = await staff.post(f"/api/v1/staff/tickets/{ticket_id}/resolve", json={"body": "Opraveno."})
        assert resolved.json()["status"] == "resolved" and resolved.json()["next_due"] is None
    reopened = await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "Zase to padá."})
    assert reopened.json()["status"] == "open" and reopened.json()["resolved_at"] is None
    assert (await anonymous.post(f"/api/v1/tickets/{ticket_id}/close")).status_code == 409
    async with signed_in_staff(app) as staff:
        await staff.post(f"/api/v1/staff/tickets/{ticket_id}/resolve")
    closed = await anonymous.post(f"/api/v1/tickets/{ticket_id}/close")
    assert closed.json()["status"] == "closed"
    assert (
        await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "x"})
    ).status_code == 409
    thread = (await anonymous.get(f"/api/v1/tickets/{ticket_id}")).json()["messages"]
    assert [m["from_staff"] for m in thread] == [True, True, False]


async def test_the_staff_queue_puts_breached_first_then_by_due_time(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ids = []
    for priority in ("low", "critical", "normal", "high"):
        created = await anonymous.post(
            "/api/v1/tickets", json=ticket(priority=priority, product="CATIA V5 MD2 × 3", subject=priority)
        )
        ids.append(created.json()["id"])
    low, critical, normal, high = ids
    # the low-priority ticket has been overdue since yesterday
    overdue = datetime.now(UTC) - timedelta(days=1)
    await Ticket.update({Ticket.first_response_due: overdue, Ticket.next_due: overdue}).where(
        Ticket.id == low
    )
    async with signed_in_staff(app) as staff:
        await staff.post(
            f"/api/v1/staff/tickets/{normal}/messages", json={"body": "?", "wait_for_customer": True}
        )
        queue = (await staff.get("/api/v1/staff/tickets")).json()
    assert [t["id"] for t in queue] == [low, critical, high, normal]
    assert queue[0]["breached"] is True and queue[1]["breached"] is False
    assert queue[-1]["status"] == "waiting_on_customer"
    assert (await anonymous.get("/api/v1/staff/tickets")).status_code == 403


async def test_converting_a_ticket_creates_a_linked_pay_order(anonymous, app, sla_plans) -> None:
    me = await register(anonymous, full_name="Jana Zákaznice")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    async with signed_in_staff(app) as staff:
        converted = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/convert", json={"service_code": "MACROS", "quantity": 4}
        )
        assert converted.status_code == 201, converted.text
        again = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/convert", json={"service_code": "MACROS", "quantity": 4}
        )
        assert again.status_code == 422
    body = converted.json()
    assert body["status"] == "resolved" and body["order_id"] and body["order_number"].startswith("OBJ-")
    order = (await anonymous.get(f"/api/v1/orders/{body['order_id']}")).json()
    assert order["company"]["id"] == me["company"]["id"] and order["billing"] == "pay"
    assert order["created_by"] == "Jana Zákaznice"
    assert body["number"] in order["history"][0]["note"]
    assert order["ticket_number"] == body["number"]


async def test_another_companys_ticket_is_not_found(anonymous, app, sla_plans) -> None:
    from tests.helpers import make_client

    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    async with make_client(app) as other:
        await register(other)
        assert (await other.get(f"/api/v1/tickets/{ticket_id}")).status_code == 404
        assert (
            await other.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "x"})
        ).status_code == 404
    assert (await anonymous.post(f"/api/v1/staff/tickets/{ticket_id}/resolve")).status_code == 403


async def test_ticket_list_pages_with_a_cursor(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    for n in range(3):
        await anonymous.post(
            "/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3", subject=f"Problém {n}")
        )
    first = (await anonymous.get("/api/v1/tickets?limit=2")).json()
    assert [t["subject"] for t in first["items"]] == ["Problém 2", "Problém 1"] and first["next_cursor"]
    rest = (await anonymous.get(f"/api/v1/tickets?limit=2&cursor={first['next_cursor']}")).json()
    assert [t["subject"] for t in rest["items"]] == ["Problém 0"] and rest["next_cursor"] is None
    assert (await anonymous.get("/api/v1/tickets?cursor=bogus")).status_code == 422
    assert (await anonymous.get("/api/v1/tickets?status=nonsense")).status_code == 422


async def test_time_spent_resolved_does_not_count_after_a_reopen(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    async with signed_in_staff(app) as staff:
        resolved = await staff.post(f"/api/v1/staff/tickets/{ticket_id}/resolve", json={"body": "Hotovo."})
    # a resolve with a message is the team's first written word: it counts as the first response
    assert resolved.json()["first_responded_at"] is not None
    before = await Ticket.select().where(Ticket.id == ticket_id).first()
    resolved_since = datetime.now(UTC) - timedelta(days=4)
    await Ticket.update({Ticket.paused_since: resolved_since}).where(Ticket.id == ticket_id)
    reopened = await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "Zase."})
    assert reopened.json()["status"] == "open" and reopened.json()["breached"] is False
    after = await Ticket.select().where(Ticket.id == ticket_id).first()
    moved = business_seconds_between(
        aware(before["resolution_due"]), aware(after["resolution_due"]), STANDARD_CALENDAR
    )
    assert moved == after["paused_seconds"] > 0


async def test_a_late_first_response_stays_on_record(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product="CATIA V5 MD2 × 3"))).json()[
        "id"
    ]
    overdue = datetime.now(UTC) - timedelta(hours=1)
    await Ticket.update({Ticket.first_response_due: overdue, Ticket.next_due: overdue}).where(
        Ticket.id == ticket_id
    )
    async with signed_in_staff(app) as staff:
        answered = (
            await staff.post(f"/api/v1/staff/tickets/{ticket_id}/messages", json={"body": "Pozdě."})
        ).json()
    assert answered["breached"] is False  # now the resolution clock runs, and it is not overdue
    assert answered["first_response_breached"] is True and answered["resolution_breached"] is False


async def test_sla_terms_the_clock_cannot_serve_are_refused(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_sla(anonymous, admin, "SLA-BASIC")
        contract = (await admin.get(f"/api/v1/staff/companies/{me['company']['id']}/sla-contracts")).json()[0]
        too_long = contract["targets"] | {"low": {"first_response": 60, "resolution": 525_600}}
        for change in (
            {"targets": too_long},
            {"calendar": {"opens": "08:00+01:00", "closes": "16:30"}},
            {"calendar": {"opens": "00:00", "closes": "23:59", "days": [0, 1, 2, 3, 4, 5, 6]}},
        ):
            response = await admin.patch(f"/api/v1/staff/sla-contracts/{contract['id']}", json=change)
            assert response.status_code == 422, (change, response.text)
        assert (await admin.get("/api/v1/staff/companies/999999/entitlements")).status_code == 404


async def test_every_missing_ticket_field_is_reported_at_once(anonymous, app, sla_plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    response = await anonymous.post(
        "/api/v1/tickets", json={"subject": " ", "description": "", "product": "CATIA V5 MD2 × 3"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"subject", "description"}
    assert await Ticket.count() == 0
