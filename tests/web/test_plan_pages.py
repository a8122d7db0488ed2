"""Plan requests through the pages: one handler answers both offers, on the page of the plan's kind."""

from __future__ import annotations

import pytest

from backend.demo import PLANS
from tests.helpers import load_catalogue, register

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


@pytest.fixture
async def offered_plans(db) -> None:
    from backend.demo import _load_demo_contracts
    from backend.plans.tables import Plan

    await load_catalogue()
    await _load_demo_contracts()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))


async def test_a_plain_request_goes_back_to_the_page_of_the_plans_kind(anonymous, app, offered_plans) -> None:
    await register(anonymous, language="en")
    sbp = await anonymous.post("/credit/plans", data={"plan_code": PLANS[0].code}, headers=EN)
    sla = await anonymous.post("/entitlements/sla", data={"plan_code": "SLA-BASIC"}, headers=EN)
    assert (sbp.status_code, sbp.headers["location"]) == (303, "/credit")
    assert (sla.status_code, sla.headers["location"]) == (303, "/entitlements")


async def test_a_request_for_no_plan_is_refused_where_it_was_made(anonymous, app, offered_plans) -> None:
    await register(anonymous, language="en")
    on_credit = await anonymous.post("/credit/plans", data={"plan_code": "NOPE"}, headers={**EN, **HTMX})
    on_entitlements = await anonymous.post(
        "/entitlements/sla", data={"plan_code": "NOPE"}, headers={**EN, **HTMX}
    )
    assert on_credit.status_code == on_entitlements.status_code == 422
    assert on_credit.text.lstrip().startswith('<section id="credit-plans"')
    assert on_entitlements.text.lstrip().startswith('<section id="sla"')
    whole = await anonymous.post("/entitlements/sla", data={"plan_code": "NOPE"}, headers=EN)
    assert whole.status_code == 422 and "<html" in whole.text and 'id="sla"' in whole.text
