"""Credit pages: the customer's overview and plan requests; staff admin's approvals and top-ups."""

from __future__ import annotations

import re

import pytest

from backend.credit.tables import CreditEntry
from tests.helpers import load_catalogue, register, signed_in_staff

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


@pytest.fixture
async def plans(db) -> None:
    from backend.demo import PLANS
    from backend.plans.tables import Plan

    await load_catalogue()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))


async def test_credit_journey_through_the_pages(anonymous, app, plans) -> None:
    me = await register(anonymous, language="en")
    empty = await anonymous.get("/credit")
    assert empty.status_code == 200 and "No credit yet." in empty.text
    requested = await anonymous.post("/credit/plans", data={"plan_code": "SBP-20"}, headers=HTMX)
    assert requested.text.lstrip().startswith('<section id="credit-plans"')
    assert "We will book the credit once it is paid" in requested.text

    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        staff_page = await admin.get("/staff/credit")
        subscription_id = re.search(r"/staff/subscriptions/(\d+)/approve", staff_page.text).group(1)
        approved = await admin.post(f"/staff/subscriptions/{subscription_id}/approve", headers=HTMX)
        assert approved.status_code == 200 and "the credit is booked" in approved.text
        assert "No plan requests are waiting." in approved.text
        assert approved.text.lstrip().startswith('<div id="credit-admin">') and "Balances" in approved.text

        panel = await admin.get(f"/staff/companies/{me['company']['id']}/credit")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', panel.text).group(1)
        form = {
            "kind": "topup",
            "amount": "1 000",
            "valid_months": "12",
            "note": "Bonus",
            "idempotency_key": key,
        }
        booked = await admin.post(f"/staff/companies/{me['company']['id']}/credit", data=form, headers=HTMX)
        assert "Booked. The balance is now CZK\xa028,000.00." in booked.text
        replay = await admin.post(f"/staff/companies/{me['company']['id']}/credit", data=form, headers=HTMX)
        assert "nothing was booked twice" in replay.text
        bad = await admin.post(
            f"/staff/companies/{me['company']['id']}/credit",
            data={**form, "kind": "adjustment", "amount": "-10", "note": "", "idempotency_key": "other"},
            headers=HTMX,
        )
        assert bad.status_code == 422 and "reason" in bad.text
    assert await CreditEntry.count() == 2

    page = await anonymous.get("/credit")
    text = page.text.replace("\xa0", " ")
    assert "CZK 28,000.00" in text
    assert "<svg" in page.text and 'class="balance-line"' in page.text
    months = re.findall(r'<text [^>]*class="time-tick">([^<]+)</text>', page.text)
    month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    named = [m for m in months if m in month_names]
    # the axis runs from the month before the first credit to when it expires, each month named
    assert 12 <= len(named) <= 14 and len(set(named)) == 12, months
    assert any(m.isdigit() and len(m) == 4 for m in months), months  # and the year under its first
    values = re.findall(r'<text [^>]*class="value-tick">([^<]+)</text>', page.text)
    assert values[0] == "CZK\xa00" and all(v.startswith("CZK") for v in values), values  # a value axis in CZK
    assert re.search(r"CZK [\d,.]+ expires on", text)  # the expiry marked on the chart
    assert re.search(r'<g class="datum" tabindex="0" role="img" aria-label="[^"]+: CZK 28,000.00">', text)
    assert '<table class="visually-hidden">' in page.text  # the figures for a screen reader
    assert "What the balance buys at SBP rates" in page.text
    threshold = await anonymous.post("/credit/threshold", data={"threshold": "5 000"}, headers=HTMX)
    assert threshold.status_code == 200 and "Saved." in threshold.text


async def test_only_staff_admin_reaches_the_credit_administration(anonymous, app, plans) -> None:
    me = await register(anonymous)
    assert (await anonymous.get("/staff/credit")).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/staff/credit")).status_code == 403
        view = await staff.get(f"/staff/companies/{me['company']['id']}/credit")
        assert view.status_code == 200 and 'name="idempotency_key"' not in view.text
        refused = await staff.post(
            f"/staff/companies/{me['company']['id']}/credit", data={"amount": "5", "idempotency_key": "k"}
        )
        assert refused.status_code == 403


async def _top_up(admin, company_id: int, amount: str, key: str, **extra: str):
    return await admin.post(
        f"/staff/companies/{company_id}/credit",
        data={"kind": "topup", "amount": amount, "idempotency_key": key, **extra},
        headers=HTMX,
    )


async def test_a_top_up_is_booked_as_written_and_an_ambiguous_one_books_nothing(
    anonymous, app, plans
) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        ambiguous = await _top_up(admin, company_id, "1.500", "dot")
        assert ambiguous.status_code == 422
        assert "1.500 could mean two amounts: write 1 500 or 1,50." in ambiguous.text
        assert 'value="1.500"' in ambiguous.text  # what was typed stays in the field
        assert await CreditEntry.count() == 0

        assert (await _top_up(admin, company_id, "1 500", "spaces")).status_code == 200
        assert (await _top_up(admin, company_id, "1500,50", "comma")).status_code == 200
    booked = await CreditEntry.select(CreditEntry.idempotency_key, CreditEntry.amount).order_by(
        CreditEntry.id
    )
    assert [(row["idempotency_key"], row["amount"]) for row in booked] == [
        ("spaces", 150_000),
        ("comma", 150_050),
    ]


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_top_up_form_and_the_api_refuse_the_same_months_with_the_same_words(
    anonymous, app, plans, language
) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        api = await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": 100_000, "idempotency_key": "api", "valid_months": 61},
        )
        assert api.status_code == 400
        message = api.json()["errors"]["valid_months"]
        page = await _top_up(admin, company_id, "1 000", "page", valid_months="61")
        assert page.status_code == 422
        assert f'<small id="valid_months-error" class="field-error">{message}</small>' in page.text
        assert 'value="61"' in page.text
    assert await CreditEntry.count() == 0


async def test_the_threshold_form_reads_crowns_and_refuses_what_the_api_refuses(
    anonymous, app, plans
) -> None:
    from backend.credit.tables import CreditAccount

    await register(anonymous, language="en")
    saved = await anonymous.post("/credit/threshold", data={"threshold": "5 000,50"}, headers=HTMX)
    assert saved.status_code == 200
    assert (await anonymous.get("/api/v1/credit")).json()["low_balance_threshold"] == 500_050

    api = await anonymous.put("/api/v1/credit/threshold", json={"threshold": -100})
    assert api.status_code == 400
    refused = await anonymous.post("/credit/threshold", data={"threshold": "-1"}, headers=HTMX)
    assert refused.status_code == 422
    assert api.json()["errors"]["threshold"] in refused.text and 'value="-1"' in refused.text
    assert await CreditAccount.select(CreditAccount.low_balance_threshold).first() == {
        "low_balance_threshold": 500_050
    }

    cleared = await anonymous.post("/credit/threshold", data={"threshold": ""}, headers=HTMX)
    assert cleared.status_code == 200
    assert (await anonymous.get("/api/v1/credit")).json()["low_balance_threshold"] is None
