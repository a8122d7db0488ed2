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
        key = re.search(r'name="key" value="([^"]+)"', panel.text).group(1)
        form = {"kind": "topup", "amount": "1 000", "valid_months": "12", "note": "Bonus", "key": key}
        booked = await admin.post(f"/staff/companies/{me['company']['id']}/credit", data=form, headers=HTMX)
        assert "Booked. The balance is now CZK\xa028,000.00." in booked.text
        replay = await admin.post(f"/staff/companies/{me['company']['id']}/credit", data=form, headers=HTMX)
        assert "nothing was booked twice" in replay.text
        bad = await admin.post(
            f"/staff/companies/{me['company']['id']}/credit",
            data={**form, "kind": "adjustment", "amount": "-10", "note": "", "key": "other"},
            headers=HTMX,
        )
        assert bad.status_code == 422 and "reason" in bad.text
    assert await CreditEntry.count() == 2

    page = await anonymous.get("/credit")
    text = page.text.replace("\xa0", " ")
    assert "CZK 28,000.00" in text
    assert "<svg" in page.text and 'class="balance-line"' in page.text
    months = re.findall(r'<text [^>]*class="month-label">([^<]+)</text>', page.text)
    month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    assert len([m for m in months if m in month_names]) == 12, months  # every month on the axis is named
    assert any(m.isdigit() and len(m) == 4 for m in months), months  # and the year under its first
    assert "What the balance buys at SBP rates" in page.text
    threshold = await anonymous.post("/credit/threshold", data={"threshold": "5 000"}, headers=HTMX)
    assert threshold.status_code == 200 and "Saved." in threshold.text


async def test_only_staff_admin_reaches_the_credit_administration(anonymous, app, plans) -> None:
    me = await register(anonymous)
    assert (await anonymous.get("/staff/credit")).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/staff/credit")).status_code == 403
        view = await staff.get(f"/staff/companies/{me['company']['id']}/credit")
        assert view.status_code == 200 and 'name="key"' not in view.text
        refused = await staff.post(
            f"/staff/companies/{me['company']['id']}/credit", data={"amount": "5", "key": "k"}
        )
        assert refused.status_code == 403
