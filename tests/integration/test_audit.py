"""The audit log: every change of state, by whom, from where; readable by staff admin only."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from backend.audit.services import neutralised
from backend.audit.tables import AuditEvent
from tests.helpers import load_catalogue, login, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db


async def actions(**where) -> list[str]:
    query = AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return [row["action"] for row in await query]


async def test_a_full_order_journey_is_audited_step_by_step(anonymous, app, db) -> None:
    await load_catalogue()
    me = await register(anonymous, email="jana@firma.cz")
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with signed_in_staff(app) as staff:
        await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote",
            json={"net": 3_400_000, "valid_until": (date.today() + timedelta(days=9)).isoformat()},
        )
        await anonymous.post(f"/api/v1/orders/{order_id}/accept")
        for action in ("approve", "start"):
            await staff.post(f"/api/v1/staff/orders/{order_id}/{action}")
        await staff.post(f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 60, "note": "x"})
        await staff.post(f"/api/v1/staff/orders/{order_id}/complete")
    assert await actions(object_type="order", object_id=order_id) == [
        "order.submitted",
        "order.quoted",
        "order.accepted",
        "order.approved",
        "order.in_progress",
        "order.work_logged",
        "order.completed",
    ]
    accepted = await AuditEvent.select().where(AuditEvent.action == "order.accepted").first()
    assert accepted["actor_name"] == "jana@firma.cz" and accepted["company"] == me["company"]["id"]
    assert accepted["client_address"] == "127.0.0.1"
    assert await actions(action="company.registered") == ["company.registered"]
    assert "auth.login" in await actions(object_type="user")


async def test_a_failed_login_is_audited_without_letting_input_forge_log_lines(anonymous, db, caplog) -> None:
    await register(anonymous, email="known@firma.cz")
    with caplog.at_level(logging.INFO, logger="portal.audit"):
        response = await login(anonymous, "known@firma.cz\r\nINFO forged line", "wrong password!")
    assert response.status_code == 401
    failed = await AuditEvent.select().where(AuditEvent.action == "auth.login_failed").first()
    assert failed is not None and failed["client_address"] == "127.0.0.1"
    lines = [record.getMessage() for record in caplog.records if record.name == "portal.audit"]
    assert lines and all("\n" not in line and "\r" not in line for line in lines)
    assert neutralised("a\r\nb\x1b[31m") == "a\u240d\u240ab?[31m"


async def test_a_staff_credit_adjustment_is_audited_and_browsable(anonymous, app, db) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit", json={"amount": 10_000, "idempotency_key": "t"}
        )
        adjusted = await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": -2_500, "idempotency_key": "a", "kind": "adjustment", "note": "Oprava"},
        )
        assert adjusted.status_code == 201
        page = (
            await admin.get(f"/api/v1/staff/audit?company_id={company_id}&object_type=credit_entry")
        ).json()
        assert [item["action"] for item in page["items"]] == ["credit.adjustment", "credit.topup"]
        assert page["items"][0]["before"] == 10_000 and page["items"][0]["after"] == 7_500
        assert page["items"][0]["actor"] == "vedouci@example.cz"
        first = (await admin.get(f"/api/v1/staff/audit?company_id={company_id}&limit=1")).json()
        second = (
            await admin.get(
                f"/api/v1/staff/audit?company_id={company_id}&limit=1&cursor={first['next_cursor']}"
            )
        ).json()
        assert first["items"][0]["id"] > second["items"][0]["id"]
        assert (await admin.get("/api/v1/staff/audit?cursor=nonsense")).status_code == 422
        html = await admin.get(f"/staff/audit?company={company_id}", headers={"accept-language": "en"})
        assert html.status_code == 200 and "adjusted the credit of" in html.text
        assert "credit.adjustment" not in html.text


async def test_customers_and_staff_cannot_read_the_audit_log(anonymous, app, db) -> None:
    await register(anonymous)
    assert (await anonymous.get("/api/v1/staff/audit")).status_code == 403
    assert (await anonymous.get("/staff/audit")).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/api/v1/staff/audit")).status_code == 403


async def test_ticket_steps_are_audited(anonymous, app, db) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/alc-contracts",
            json={
                "products": ["CATIA"],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=30)).isoformat(),
            },
        )
        ticket_id = (
            await anonymous.post(
                "/api/v1/tickets", json={"subject": "S", "description": "D", "product": "CATIA"}
            )
        ).json()["id"]
        await admin.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages", json={"body": "?", "wait_for_customer": True}
        )
        await anonymous.post(f"/api/v1/tickets/{ticket_id}/messages", json={"body": "!"})
        await admin.post(f"/api/v1/staff/tickets/{ticket_id}/resolve")
    assert await actions(object_type="ticket", object_id=ticket_id) == [
        "ticket.opened",
        "ticket.ask_customer",
        "ticket.customer_reply",
        "ticket.resolve",
    ]
