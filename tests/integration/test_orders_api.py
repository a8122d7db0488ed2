"""Ordering PAY work through the JSON API, on a real database."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from backend.orders.tables import OrderEvent, ServiceOrder
from tests.helpers import (
    invite_and_join,
    load_catalogue,
    make_client,
    order_payload,
    register,
    signed_in_staff,
)

pytestmark = pytest.mark.db


@pytest.fixture
async def catalogue(db) -> None:
    await load_catalogue()


async def test_catalogue_lists_services_with_vat(anonymous, catalogue) -> None:
    services = (await anonymous.get("/api/v1/services", headers={"accept-language": "en"})).json()
    assert len(services) == 7
    training = next(s for s in services if s["code"] == "TRAINING")
    assert training["name"] == "Training"
    assert training["rate_type"] == "hourly" and training["unit"] == "day"
    assert training["pay_price"] == 1_800_000
    assert training["pay_price_vat"] == 378_000
    assert training["pay_price_gross"] == 2_178_000
    assert training["vat_rate"] == 21 and training["currency"] == "CZK"
    czech = (await anonymous.get("/api/v1/services")).json()
    assert next(s for s in czech if s["code"] == "TRAINING")["name"] == "Školení"


async def test_whole_pay_journey_through_the_api(anonymous, app, catalogue) -> None:
    await register(anonymous, full_name="Jana Zákaznice")
    submitted = await anonymous.post("/api/v1/orders", json=order_payload(quantity=2))
    assert submitted.status_code == 201, submitted.text
    order = submitted.json()
    assert order["number"].startswith(f"OBJ-{date.today().year}-")
    assert order["status"] == "submitted" and order["billing"] == "pay"
    assert order["estimate"] == {"net": 3_600_000, "vat": 756_000, "gross": 4_356_000}
    order_id = order["id"]

    async with signed_in_staff(app, name="Jana Technická") as staff:
        queue = (await staff.get("/api/v1/staff/orders")).json()
        assert [item["id"] for item in queue["items"]] == [order_id]
        valid_until = (date.today() + timedelta(days=14)).isoformat()
        quoted = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote",
            json={"net": 3_400_000, "valid_until": valid_until, "note": "Sleva za tři účastníky."},
        )
        assert quoted.status_code == 200, quoted.text
        assert quoted.json()["quote"]["gross"] == 4_114_000

        accepted = await anonymous.post(f"/api/v1/orders/{order_id}/accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "accepted"

        staff_id = (await staff.get("/api/v1/me")).json()["user"]["id"]
        approved = await staff.post(
            f"/api/v1/staff/orders/{order_id}/approve",
            json={"scheduled_for": valid_until, "assigned_to": staff_id, "note": "Termín potvrzen."},
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["assigned_to"] == "Jana Technická"
        assert (await staff.post(f"/api/v1/staff/orders/{order_id}/start")).json()["status"] == "in_progress"
        logged = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 480, "note": "První den školení."}
        )
        assert logged.status_code == 201
        assert logged.json()["logged_minutes"] == 480
        completed = await staff.post(f"/api/v1/staff/orders/{order_id}/complete", json={"note": "Hotovo."})
        assert completed.json()["status"] == "completed"

    final = (await anonymous.get(f"/api/v1/orders/{order_id}")).json()
    steps = [(h["from"], h["to"], h["actor"]) for h in final["history"]]
    assert steps == [
        (None, "submitted", "Jana Zákaznice"),
        ("submitted", "quoted", "Jana Technická"),
        ("quoted", "accepted", "Jana Zákaznice"),
        ("accepted", "approved", "Jana Technická"),
        ("approved", "in_progress", "Jana Technická"),
        ("in_progress", "completed", "Jana Technická"),
    ]
    assert final["work_logs"][0]["minutes"] == 480
    assert final["actions"] == []


async def test_flat_rate_service_is_quoted_automatically(anonymous, catalogue) -> None:
    await register(anonymous)
    order = (
        await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=3))
    ).json()
    assert order["status"] == "quoted"
    assert order["quote"]["net"] == 870_000
    assert order["quote"]["gross"] == 1_052_700
    assert [h["to"] for h in order["history"]] == ["submitted", "quoted"]
    assert order["history"][1]["actor"] == "Portál (automaticky)" or order["history"][1]["actor"].startswith(
        "Portal"
    )
    assert order["actions"] == ["accept", "decline", "cancel"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"service_code": "INSTALLATION", "quantity": 1.5}, "quantity"),
        ({"quantity": 0.3}, "quantity"),
        ({"service_code": "NO_SUCH_SERVICE"}, "service_code"),
        ({"preferred_date": (date.today() - timedelta(days=2)).isoformat()}, "preferred_date"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "   "}, "description"),
        ({"billing": "sbp"}, "billing"),
    ],
)
async def test_bad_order_input_is_a_clear_problem_and_stores_nothing(
    anonymous, catalogue, change, field
) -> None:
    await register(anonymous, language="en")
    response = await anonymous.post(
        "/api/v1/orders", json=order_payload(**change), headers={"accept-language": "en"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert field in problem["errors"]
    assert len(problem["detail"]) > 10
    assert await ServiceOrder.count() == 0
    assert await OrderEvent.count() == 0


async def test_wrongly_typed_order_input_is_a_400_problem(anonymous, catalogue) -> None:
    await register(anonymous)
    for payload in (
        order_payload(quantity="lots"),
        order_payload(delivery="teleport"),
        {"service_code": "TRAINING"},
    ):
        response = await anonymous.post("/api/v1/orders", json=payload)
        assert response.status_code == 400, response.text
        assert response.json()["detail"]
    assert await ServiceOrder.count() == 0


async def test_customer_roles_cannot_call_staff_actions(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with make_client(app) as member:
        await invite_and_join(anonymous, member, "clen@example.cz")
        for client in (anonymous, member):
            for action, body in (
                ("quote", {"net": 100, "valid_until": date.today().isoformat()}),
                ("approve", {}),
                ("reject", {"reason": "no"}),
                ("start", {}),
                ("complete", {}),
                ("work-logs", {"minutes": 10, "note": "x"}),
            ):
                response = await client.post(f"/api/v1/staff/orders/{order_id}/{action}", json=body)
                assert response.status_code == 403, (action, response.text)
            assert (await client.get("/api/v1/staff/orders")).status_code == 403
        # a member may order and read, but answering quotes is the manager's
        assert (await member.get(f"/api/v1/orders/{order_id}")).status_code == 200
        assert (await member.post(f"/api/v1/orders/{order_id}/cancel")).status_code == 403
    assert (await ServiceOrder.select(ServiceOrder.status).first())["status"] == "submitted"


async def test_another_companys_order_is_not_found(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with make_client(app) as other:
        await register(other)
        assert (await other.get(f"/api/v1/orders/{order_id}")).status_code == 404
        assert (await other.post(f"/api/v1/orders/{order_id}/cancel")).status_code == 404
        assert (await other.get("/api/v1/orders")).json()["items"] == []


async def test_illegal_transition_names_the_current_status(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    assert (await anonymous.post(f"/api/v1/orders/{order_id}/cancel")).status_code == 200
    async with signed_in_staff(app) as staff:
        response = await staff.post(
            f"/api/v1/staff/orders/{order_id}/approve", headers={"accept-language": "en"}
        )
    assert response.status_code == 409
    assert "Cancelled" in response.json()["detail"]
    czech = await anonymous.post(f"/api/v1/orders/{order_id}/accept")
    assert czech.status_code == 409
    assert "Zrušen" in czech.json()["detail"]


async def test_expired_quote_cannot_be_accepted(anonymous, app, catalogue) -> None:
    await register(anonymous, language="en")
    order_id = (
        await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1))
    ).json()["id"]
    await ServiceOrder.update({ServiceOrder.quote_valid_until: date.today() - timedelta(days=1)}).where(
        ServiceOrder.id == order_id
    )
    response = await anonymous.post(f"/api/v1/orders/{order_id}/accept", headers={"accept-language": "en"})
    assert response.status_code == 422
    assert "expired" in response.json()["detail"]
    assert (await ServiceOrder.select(ServiceOrder.status).first())["status"] == "quoted"


async def test_reject_needs_a_reason(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with signed_in_staff(app) as staff:
        assert (
            await staff.post(f"/api/v1/staff/orders/{order_id}/reject", json={"reason": "  "})
        ).status_code == 422
        rejected = await staff.post(
            f"/api/v1/staff/orders/{order_id}/reject", json={"reason": "Mimo náš obor."}
        )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "Mimo náš obor."


async def test_rate_change_does_not_change_a_submitted_or_quoted_order(anonymous, app, catalogue) -> None:
    await register(anonymous)
    quoted = (
        await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1))
    ).json()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        changed = await admin.patch("/api/v1/staff/services/INSTALLATION", json={"pay_price": 999_900})
        assert changed.status_code == 200, changed.text
        assert changed.json()["pay_price"] == 999_900
        refused = await admin.patch("/api/v1/staff/services/INSTALLATION", json={"sbp_price": 9_999_900})
        assert refused.status_code == 422
    again = (await anonymous.get(f"/api/v1/orders/{quoted['id']}")).json()
    assert again["quote"] == quoted["quote"]
    assert again["estimate"] == quoted["estimate"]


async def test_only_staff_admin_edits_the_catalogue(anonymous, app, catalogue) -> None:
    await register(anonymous)
    assert (
        await anonymous.patch("/api/v1/staff/services/TRAINING", json={"pay_price": 1})
    ).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (
            await staff.patch("/api/v1/staff/services/TRAINING", json={"pay_price": 1})
        ).status_code == 403


async def test_two_staff_approving_at_once_give_one_approval(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (
        await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1))
    ).json()["id"]
    assert (await anonymous.post(f"/api/v1/orders/{order_id}/accept")).status_code == 200
    async with signed_in_staff(app, "a@example.cz") as first, signed_in_staff(app, "b@example.cz") as second:
        results = await asyncio.gather(
            first.post(f"/api/v1/staff/orders/{order_id}/approve"),
            second.post(f"/api/v1/staff/orders/{order_id}/approve"),
        )
    assert sorted(r.status_code for r in results) == [200, 409]
    approvals = await OrderEvent.count().where(
        (OrderEvent.order == order_id) & (OrderEvent.to_status == "approved")
    )
    assert approvals == 1


async def test_concurrent_orders_get_distinct_consecutive_numbers(app, catalogue) -> None:
    async with make_client(app) as manager:
        await register(manager)

        async def submit(n: int) -> str:
            response = await manager.post("/api/v1/orders", json=order_payload(description=f"Objednávka {n}"))
            assert response.status_code == 201, response.text
            return response.json()["number"]

        numbers = await asyncio.gather(*(submit(n) for n in range(50)))
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequence == list(range(1, 51))


async def test_order_list_filters_and_paginates(anonymous, catalogue) -> None:
    await register(anonymous)
    for n in range(5):
        await anonymous.post("/api/v1/orders", json=order_payload(description=f"Hodinová {n}"))
    await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1))
    first = (await anonymous.get("/api/v1/orders?limit=4")).json()
    assert len(first["items"]) == 4
    assert first["items"][0]["service_code"] == "INSTALLATION"  # newest first
    second = (await anonymous.get(f"/api/v1/orders?limit=4&cursor={first['next_cursor']}")).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    ids = [o["id"] for o in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 6
    quoted = (await anonymous.get("/api/v1/orders?status=quoted")).json()
    assert [o["service_code"] for o in quoted["items"]] == ["INSTALLATION"]
    assert (await anonymous.get("/api/v1/orders?status=bogus")).status_code == 422
    assert (await anonymous.get("/api/v1/orders?cursor=not-a-cursor!")).status_code == 422
    assert (await anonymous.get("/api/v1/orders?limit=1000")).status_code == 422


async def test_estimate_endpoint(anonymous, catalogue) -> None:
    await register(anonymous)
    estimate = (await anonymous.get("/api/v1/orders/estimate?service_code=MACROS&quantity=1.25")).json()
    assert estimate["estimate"] == {"net": 206_250, "vat": 43_313, "gross": 249_563}
    assert estimate["support_level"] == "pay"
    assert (await anonymous.get("/api/v1/orders/estimate?service_code=MACROS&quantity=0")).status_code == 422


async def test_work_cannot_be_logged_before_approval(anonymous, app, catalogue) -> None:
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with signed_in_staff(app) as staff:
        response = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 30, "note": "x"}
        )
    assert response.status_code == 422
