"""The ALC, SLA terms and plan template forms read the API's Structs: amounts in crowns, the
same words as the API for the same bad value, and nothing stored when a value is refused."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest

from backend.alc.tables import AlcContract
from backend.plans.tables import Plan
from tests.helpers import load_catalogue, register, signed_in_staff

pytestmark = pytest.mark.db

TARGETS = {"critical": (30, 300), "high": (60, 600), "normal": (120, 1200), "low": (240, 2400)}


@pytest.fixture
async def contracts(db) -> None:
    from backend.demo import PLANS, _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))


def terms_form(**overrides: str) -> dict[str, str]:
    form = {"opens": "07:30", "closes": "17:00", "discount_percent": "12", "monthly_fee": "9 500"}
    for priority, (first, resolution) in TARGETS.items():
        form[f"{priority}_first_response"], form[f"{priority}_resolution"] = str(first), str(resolution)
    return {**form, **overrides}


def alc_form(**overrides: str) -> dict[str, str]:
    today = date.today()
    return {
        "products": "CATIA V5 MD2 × 3\nENOVIA VPM",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "annual_fee": "240 000,50",
        **overrides,
    }


async def test_an_alc_contract_form_books_crowns_and_refuses_what_the_api_refuses(
    anonymous, app, contracts
) -> None:
    company_id = (await register(anonymous))["company"]["id"]
    api_url = f"/api/v1/staff/companies/{company_id}/alc-contracts"
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        ambiguous = await admin.post(f"/staff/companies/{company_id}/alc", data=alc_form(annual_fee="1.500"))
        assert ambiguous.status_code == 422 and "1.500 could mean two amounts" in ambiguous.text
        api = await admin.post(
            api_url, json={"products": ["X"], "valid_from": "24. 12.", "valid_until": "2030-01-01"}
        )
        assert api.status_code == 400
        page = await admin.post(f"/staff/companies/{company_id}/alc", data=alc_form(valid_from="24. 12."))
        assert page.status_code == 422 and html.escape(api.json()["errors"]["valid_from"]) in page.text
        assert 'value="24. 12."' in page.text
        assert await AlcContract.count() == 0

        recorded = await admin.post(f"/staff/companies/{company_id}/alc", data=alc_form())
        assert recorded.status_code == 303
    assert await AlcContract.select(AlcContract.annual_fee).first() == {"annual_fee": 24_000_050}


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_sla_terms_from_the_form_and_the_api_are_refused_in_the_same_words(
    anonymous, app, contracts, language
) -> None:
    me = await register(anonymous)
    await anonymous.post("/api/v1/subscriptions", json={"plan_code": "SLA-BASIC"})
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        subscription_id = (await admin.get("/api/v1/staff/subscriptions")).json()[0]["id"]
        await admin.post(f"/api/v1/staff/subscriptions/{subscription_id}/approve")
        url = f"/api/v1/staff/companies/{me['company']['id']}/sla-contracts"
        contract = (await admin.get(url)).json()[0]
        api = await admin.patch(
            f"/api/v1/staff/sla-contracts/{contract['id']}", json={"discount_percent": 150}
        )
        assert api.status_code == 400
        page = await admin.post(
            f"/staff/sla-contracts/{contract['id']}", data=terms_form(discount_percent="150")
        )
        assert page.status_code == 422 and html.escape(api.json()["errors"]["discount_percent"]) in page.text
        assert 'value="150"' in page.text
        minutes = await admin.post(
            f"/staff/sla-contracts/{contract['id']}", data=terms_form(critical_resolution="lots")
        )
        assert minutes.status_code == 422 and 'role="alert"' in minutes.text
        assert (await admin.get(url)).json()[0] == contract  # nothing changed

        saved = await admin.post(f"/staff/sla-contracts/{contract['id']}", data=terms_form())
        assert saved.status_code == 303
        after = (await admin.get(url)).json()[0]
    assert after["monthly_fee"] == 950_000 and after["discount_percent"] == 12
    assert after["targets"]["critical"] == {"first_response": 30, "resolution": 300}


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_plan_template_form_reads_crowns_and_refuses_what_the_api_refuses(
    app, contracts, language
) -> None:
    before = await Plan.select(Plan.price, Plan.validity_months).where(Plan.code == "SBP-20").first()
    form = {"kind": "sbp", "name_cs": "SBP 20", "name_en": "SBP 20", "price": "28 000,50", "credit": "30 000"}
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        api = await admin.patch("/api/v1/staff/plans/SBP-20", json={"validity_months": 0})
        assert api.status_code == 400
        page = await admin.post("/staff/plans/SBP-20", data={**form, "validity_months": "0"})
        assert page.status_code == 422 and html.escape(api.json()["errors"]["validity_months"]) in page.text
        ambiguous = await admin.post("/staff/plans/SBP-20", data={**form, "price": "28.000"})
        assert ambiguous.status_code == 422 and "28.000" in ambiguous.text
        assert (
            await Plan.select(Plan.price, Plan.validity_months).where(Plan.code == "SBP-20").first() == before
        )

        saved = await admin.post("/staff/plans/SBP-20", data={**form, "validity_months": "6"})
        assert saved.status_code == 303
    after = (
        await Plan.select(Plan.price, Plan.credit, Plan.validity_months).where(Plan.code == "SBP-20").first()
    )
    assert after == {"price": 2_800_050, "credit": 3_000_000, "validity_months": 6}
