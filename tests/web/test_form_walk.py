"""Every form with a money or quantity field, walked as a person would meet it: numbers that are
not exactly numbers (an exponent, a value that rounds to nothing, NaN, a superscript, digits of
another script) get an inline message, never a 500, and book nothing."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from backend.alc.tables import AlcContract
from backend.credit.tables import CreditEntry
from backend.orders.tables import ServiceOrder, WorkLog
from backend.plans.tables import Plan
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db

BAD_NUMBERS = ["1e-999999999", "0.001", "NaN", "²", "٣", "٣٣"]
# fields a person types a number into: amounts in crowns, quantities, minutes, percents, months
NUMBER_FIELDS = {
    "quantity", "net", "minutes", "amount", "threshold", "annual_fee", "monthly_fee", "discount_percent",
    "pay_price", "sbp_price", "price", "credit", "valid_months",
}  # fmt: skip
# forms that change who may sign in, or sign out: walking them would end the walk
SKIPPED = ("/logout", "/language", "/deactivate", "/activate", "/revoke", "/sessions", "/password")


class Forms(HTMLParser):
    """The POST forms of a page with their fields (name → value) and the links on it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.links: set[str] = set()
        self._form: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "a" and values.get("href", "").startswith("/"):
            self.links.add(values["href"].split("#")[0])
        elif tag == "form" and values.get("method", "get").lower() == "post":
            self._form = {}
            self.forms.append((values.get("action", ""), self._form))
        elif tag in ("input", "select", "textarea") and self._form is not None and values.get("name"):
            self._form[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


@pytest.fixture
async def world(db, anonymous, app):
    """A customer with credit, an SBP order in progress and a PAY order waiting for its quote; an
    SLA request to decide; plans and contracts so that every staff form has something to edit."""
    from backend.demo import PLANS, _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))
    me = await register(anonymous, language="en")
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit", json={"amount": 1_000_000, "idempotency_key": "k"}
        )
        sbp = await anonymous.post("/api/v1/orders", json=order_payload(service_code="MACROS", billing="sbp"))
        pay = await anonymous.post("/api/v1/orders", json=order_payload(quantity=1))
        await admin.post(f"/api/v1/staff/orders/{sbp.json()['id']}/approve")
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/alc-contracts",
            json={
                "products": ["CATIA"],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=300)).isoformat(),
            },
        )
    await anonymous.post("/api/v1/subscriptions", json={"plan_code": "SLA-BASIC"})
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        subscription_id = (await admin.get("/api/v1/staff/subscriptions")).json()[0]["id"]
        assert (await admin.post(f"/api/v1/staff/subscriptions/{subscription_id}/approve")).status_code == 200
    return {"company_id": company_id, "sbp": sbp.json()["id"], "pay": pay.json()["id"]}


async def _walk(client, seeds: list[str], prefixes: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """The POST forms of the pages reachable from ``seeds`` through links under ``prefixes``."""
    seen: set[str] = set()
    queue = list(seeds)
    forms: dict[str, dict[str, str]] = {}
    while queue and len(seen) < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        # an edit row is what htmx swaps in when a person clicks "Edit"
        response = await client.get(path, headers={"hx-request": "true"} if path.endswith("/edit") else {})
        assert response.status_code < 500, path
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = Forms()
        parser.feed(response.text)
        for action, fields in parser.forms:
            target = action or path
            if any(part in target for part in SKIPPED) or not NUMBER_FIELDS & set(fields):
                continue
            forms.setdefault(target, fields)
        queue.extend(
            link for link in sorted(parser.links) if link.startswith(prefixes) and "/export" not in link
        )
    return list(forms.items())


async def _post_bad_numbers(client, forms: list[tuple[str, dict[str, str]]]) -> set[str]:
    walked = set()
    for action, fields in forms:
        for bad in BAD_NUMBERS:
            data = {name: (bad if name in NUMBER_FIELDS else value) for name, value in fields.items()}
            plain = await client.post(action, data=data)
            in_place = await client.post(action, data=data, headers={"hx-request": "true"})
            for answer in (plain, in_place):
                assert answer.status_code < 500, (action, bad, answer.text[:500])
                assert answer.status_code in (200, 303, 400, 409, 422), (action, bad, answer.status_code)
        walked.add(action)
    return walked


async def test_no_form_answers_500_to_a_number_that_is_not_exactly_a_number(anonymous, app, world) -> None:
    customer_forms = await _walk(
        anonymous,
        ["/orders/new", f"/orders/{world['pay']}", "/credit", "/entitlements"],
        ("/orders", "/credit"),
    )
    walked = await _post_bad_numbers(anonymous, customer_forms)
    assert {"/orders", "/credit/threshold"} <= walked, walked
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        company = f"/staff/companies/{world['company_id']}"
        staff_forms = await _walk(
            admin,
            [
                f"/staff/orders/{world['sbp']}",
                f"/staff/orders/{world['pay']}",
                company,
                "/staff/services",
                "/staff/plans",
            ],
            ("/staff/orders/", "/staff/companies/", "/staff/services", "/staff/plans", "/staff/sla"),
        )
        walked = await _post_bad_numbers(admin, staff_forms)
    expected = {
        f"/staff/orders/{world['pay']}/quote",
        f"/staff/orders/{world['sbp']}/work-logs",
        f"{company}/credit",
        f"{company}/alc",
    }
    assert expected <= walked, walked
    assert any(action.startswith("/staff/services/") for action in walked), walked
    assert any(action.startswith("/staff/plans/") for action in walked), walked
    assert any(action.startswith("/staff/sla-contracts/") for action in walked), walked
    assert len(walked) >= 8, walked
    # and nothing was booked by any of it
    assert await ServiceOrder.count() == 2
    assert await WorkLog.count() == 0
    assert await CreditEntry.count() == 1
    assert await AlcContract.count() == 1
