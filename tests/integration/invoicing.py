"""Helpers of the invoice tests: a catalogue with plans, and orders taken all the way to done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.helpers import load_catalogue, order_payload


async def load_plans() -> None:
    """The demo catalogue, SBP packages and SLA plan templates (no companies)."""
    from backend.demo import _load_demo_contracts, _load_demo_plans

    await load_catalogue()
    await _load_demo_plans()
    await _load_demo_contracts()


async def give_plan(customer, admin, plan_code: str) -> dict[str, Any]:
    requested = await customer.post("/api/v1/subscriptions", json={"plan_code": plan_code})
    assert requested.status_code == 201, requested.text
    approved = await admin.post(f"/api/v1/staff/subscriptions/{requested.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    return approved.json()


async def complete_pay_order(
    customer,
    staff,
    *,
    service_code: str,
    quantity: float,
    minutes: list[int] = (),  # type: ignore[assignment]
    quote: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Order, (quote,) accept, approve, start, log ``minutes``, complete: the completed order."""
    placed = await customer.post(
        "/api/v1/orders", json=order_payload(service_code=service_code, quantity=quantity)
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    if quote is not None:
        valid = (date.today() + timedelta(days=10)).isoformat()
        quoted = await staff.post(
            f"/api/v1/staff/orders/{order['id']}/quote", json={"valid_until": valid, **quote}
        )
        assert quoted.status_code == 200, quoted.text
    accepted = await customer.post(f"/api/v1/orders/{order['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    return await finish(staff, order["id"], minutes)


async def finish(staff, order_id: int, minutes=()) -> dict[str, Any]:
    for step in ("approve", "start"):
        response = await staff.post(f"/api/v1/staff/orders/{order_id}/{step}")
        assert response.status_code == 200, response.text
    for spent in minutes:
        logged = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": spent, "note": "Práce"}
        )
        assert logged.status_code == 201, logged.text
    completed = await staff.post(f"/api/v1/staff/orders/{order_id}/complete", json={"note": "Hotovo."})
    assert completed.status_code == 200, completed.text
    return completed.json()


def line_values(invoice: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            line["quantity"],
            line["unit"],
            line["unit_price"],
            line["discount_percent"],
            line["net"],
            line["vat"],
        )
        for line in invoice["lines"]
    ]
