"""Staff admin edits plan templates; what was granted before keeps its terms."""

from __future__ import annotations

import pytest

from backend.credit.tables import CreditAccount
from tests.helpers import load_catalogue, register, signed_in_staff

pytestmark = pytest.mark.db


@pytest.fixture
async def plans(db) -> None:
    from backend.demo import PLANS, _load_demo_contracts
    from backend.plans.tables import Plan

    await load_catalogue()
    await _load_demo_contracts()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))


async def test_staff_admin_changes_a_plan_and_only_new_requests_get_it(anonymous, app, plans) -> None:
    me = await register(anonymous)
    first = (await anonymous.post("/api/v1/subscriptions", json={"plan_code": "SBP-20"})).json()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(f"/api/v1/staff/subscriptions/{first['id']}/approve")
        changed = await admin.patch(
            "/api/v1/staff/plans/SBP-20", json={"credit": 3_000_000, "price": 2_800_000}
        )
        assert changed.status_code == 200 and changed.json()["credit"] == 3_000_000
        assert (
            await admin.patch("/api/v1/staff/plans/SBP-20", json={"validity_months": 0})
        ).status_code == 400
        bad_sla = await admin.patch(
            "/api/v1/staff/plans/SLA-BASIC", json={"calendar": {"opens": "17:00", "closes": "08:00"}}
        )
        assert bad_sla.status_code == 422
        assert (await admin.patch("/api/v1/staff/plans/NOPE", json={"price": 1})).status_code == 404
    assert (await CreditAccount.select(CreditAccount.balance).first())["balance"] == 2_700_000
    plan = next(p for p in (await anonymous.get("/api/v1/plans")).json() if p["code"] == "SBP-20")
    assert plan["credit"] == 3_000_000 and plan["price"] == 2_800_000
    assert me["company"]["id"]


async def test_plans_page_edits_in_both_kinds(app, plans) -> None:
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        page = await admin.get("/staff/plans")
        assert page.status_code == 200 and 'id="plan-SLA-PREMIUM"' in page.text
        fields = {
            "kind": "sla",
            "name_cs": "SLA Premium",
            "name_en": "SLA Premium",
            "description_cs": "",
            "description_en": "",
            "price": "35 000",
            "monthly_fee": "36 000",
            "discount_percent": "20",
            "opens": "07:00",
            "closes": "19:00",
            "active": "on",
        }
        for p, (first, resolution) in {
            "critical": (20, 200),
            "high": (60, 480),
            "normal": (120, 960),
            "low": (240, 1920),
        }.items():
            fields[f"{p}_first_response"], fields[f"{p}_resolution"] = str(first), str(resolution)
        saved = await admin.post("/staff/plans/SLA-PREMIUM", data=fields)
        assert saved.status_code == 303
        premium = next(
            p for p in (await admin.get("/api/v1/staff/plans")).json() if p["code"] == "SLA-PREMIUM"
        )
        assert premium["discount_percent"] == 20 and premium["targets"]["critical"]["first_response"] == 20
        wrong = await admin.post("/staff/plans/SLA-PREMIUM", data={**fields, "discount_percent": "150"})
        assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/staff/plans")).status_code == 403
