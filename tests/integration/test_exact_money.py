"""Money and time exact to the haléř (issue 20), through the API: strict numbers, quantities that
are numbers in the service's step, the ceiling on amounts, acceptance of the quote that was seen,
and the forecast that knows expiry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from backend.catalog.tables import Service
from backend.credit.tables import CreditEntry
from backend.orders.tables import OrderEvent, ServiceOrder, WorkLog
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db

NOT_INTEGERS = ["100", "1e2", "100.0", 100.0, 1e2, True]
BAD_QUANTITIES = ["1e-999999999", "0.001", "NaN", "²", "٣", "1E+2", 1e-300, "Infinity", "0"]


@pytest.fixture
async def catalogue(db) -> None:
    await load_catalogue()


async def _sbp_order_in_progress(anonymous, app, credit: int = 1_000_000) -> tuple[dict, int]:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        booked = await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/credit",
            json={"amount": credit, "idempotency_key": "start"},
        )
        assert booked.status_code == 201, booked.text
    created = await anonymous.post(
        "/api/v1/orders", json=order_payload(service_code="MACROS", quantity=2, billing="sbp")
    )
    assert created.status_code == 201, created.text
    async with signed_in_staff(app) as staff:
        assert (await staff.post(f"/api/v1/staff/orders/{created.json()['id']}/approve")).status_code == 200
    return me, created.json()["id"]


# --- strict numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_INTEGERS)
async def test_a_top_up_amount_must_be_a_json_integer(anonymous, app, catalogue, value) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        for field, payload in (
            ("amount", {"amount": value, "idempotency_key": "k"}),
            ("valid_months", {"amount": 10_000, "idempotency_key": "k", "valid_months": value}),
        ):
            refused = await admin.post(f"/api/v1/staff/companies/{me['company']['id']}/credit", json=payload)
            assert refused.status_code == 400, (field, value, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert field in refused.json()["errors"], refused.json()
            assert field in refused.json()["detail"]
        mislabelled = await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/credit",
            content=b'{"amount": "1e2", "idempotency_key": "m"}',
            headers={"content-type": "text/plain"},
        )
        assert 400 <= mislabelled.status_code < 500, mislabelled.text
    assert await CreditEntry.count() == 0


@pytest.mark.parametrize("value", NOT_INTEGERS)
async def test_work_minutes_quote_net_and_ids_must_be_json_integers(anonymous, app, catalogue, value) -> None:
    _me, order_id = await _sbp_order_in_progress(anonymous, app)
    pay = await anonymous.post("/api/v1/orders", json=order_payload(quantity=1))
    pay_id = pay.json()["id"]
    in_two_weeks = (date.today() + timedelta(days=14)).isoformat()
    async with signed_in_staff(app) as staff:
        for path, payload, field in (
            (f"/api/v1/staff/orders/{order_id}/work-logs", {"minutes": value, "note": "x"}, "minutes"),
            (f"/api/v1/staff/orders/{pay_id}/quote", {"net": value, "valid_until": in_two_weeks}, "net"),
            (f"/api/v1/staff/orders/{pay_id}/approve", {"assigned_to": value}, "assigned_to"),
        ):
            refused = await staff.post(path, json=payload)
            assert refused.status_code == 400, (path, value, refused.text)
            assert field in refused.json()["errors"]
        assert (await staff.get("/api/v1/staff/orders?limit=1e1")).status_code == 400
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        assert (await admin.get("/api/v1/staff/audit?company_id=1e0")).status_code == 400
        assert (await admin.get("/api/v1/staff/audit?company_id=1")).status_code == 200
    assert (await anonymous.get("/api/v1/orders?limit=10.0")).status_code == 400
    assert (await anonymous.get(f"/api/v1/orders/{'٣'}")).status_code in (400, 404)
    assert (
        await anonymous.post(f"/api/v1/orders/{pay_id}/accept", json={"revision": value})
    ).status_code == 400
    assert await WorkLog.count() == 0
    assert await CreditEntry.count() == 1  # the top-up only
    assert (await ServiceOrder.select().where(ServiceOrder.id == pay_id).first())["status"] == "submitted"


async def test_json_integers_still_work_and_a_quantity_may_be_a_number_or_a_plain_string(
    anonymous, catalogue
) -> None:
    await register(anonymous)
    for quantity in (2, 1.5, "1.5", "2"):
        created = await anonymous.post("/api/v1/orders", json=order_payload(quantity=quantity))
        assert created.status_code == 201, (quantity, created.text)
    assert (await anonymous.get("/api/v1/orders?limit=2")).status_code == 200


# --- quantities ----------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
async def test_a_quantity_that_is_not_exactly_a_number_in_the_step_is_refused(
    anonymous, catalogue, quantity
) -> None:
    await register(anonymous, language="en")
    for service in ("INSTALLATION", "TRAINING", "MACROS"):  # flat (auto-quoted), per day, per hour
        refused = await anonymous.post(
            "/api/v1/orders", json=order_payload(service_code=service, quantity=quantity)
        )
        assert 400 <= refused.status_code < 500, (service, quantity, refused.text)
        assert "quantity" in refused.json()["detail"] or "quantity" in refused.json().get("errors", {})
        estimate = await anonymous.get(
            "/api/v1/orders/estimate", params={"service_code": service, "quantity": str(quantity)}
        )
        assert 400 <= estimate.status_code < 500, (service, quantity, estimate.text)
    assert await ServiceOrder.count() == 0


# --- limits --------------------------------------------------------------------------------------


async def test_amounts_above_the_ceiling_are_refused_everywhere(anonymous, app, catalogue) -> None:
    await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        # 2000 h of 500 000,01 Kč would pass the ceiling of 10¹¹ haléřů
        changed = await admin.patch("/api/v1/staff/services/MACROS", json={"pay_price": 50_000_001})
        assert changed.status_code == 422, changed.text
        assert "pay_price" in changed.json()["errors"]
    # a rate set before the rule (straight in the table) still cannot price past the ceiling
    await Service.update({Service.pay_price: 10**11}).where(Service.code == "MACROS")
    await Service.update({Service.pay_price: 10**11}).where(Service.code == "INSTALLATION")
    for code in ("MACROS", "INSTALLATION"):
        refused = await anonymous.post("/api/v1/orders", json=order_payload(service_code=code, quantity=2))
        assert refused.status_code == 422, refused.text
        assert "1,000,000,000.00" in refused.json()["detail"]
    await Service.update({Service.pay_price: 0}).where(Service.code == "INSTALLATION")
    free = await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1))
    assert free.status_code == 422 and "no price" in free.json()["detail"]
    assert await ServiceOrder.count() == 0


async def test_an_adjustment_over_the_balance_says_so_in_its_own_words(anonymous, app, catalogue) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        url = f"/api/v1/staff/companies/{me['company']['id']}/credit"
        await admin.post(url, json={"amount": 10_000, "idempotency_key": "a"})
        refused = await admin.post(
            url, json={"amount": -20_000, "idempotency_key": "b", "kind": "adjustment", "note": "Oprava"}
        )
    assert refused.status_code == 422
    assert "adjustment" in refused.json()["detail"] and "Log less" not in refused.json()["detail"]
    assert await CreditEntry.count() == 1


# --- acceptance of the quote that was seen ----------------------------------------------------


async def test_a_re_quote_makes_the_old_acceptance_a_conflict(anonymous, app, catalogue) -> None:
    await register(anonymous, language="en")
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload(quantity=1))).json()["id"]
    valid_until = (date.today() + timedelta(days=14)).isoformat()
    async with signed_in_staff(app) as staff:
        first = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": 100_000, "valid_until": valid_until}
        )
        seen = first.json()["quote"]["revision"]
        assert seen == 1
        again = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": 99_900_000, "valid_until": valid_until}
        )
        assert again.json()["quote"]["revision"] == 2
    stale = await anonymous.post(f"/api/v1/orders/{order_id}/accept", json={"revision": seen})
    assert stale.status_code == 409, stale.text
    assert "1,208,790.00" in stale.json()["detail"]  # the new figure, gross: 999 000 Kč + 21 %
    order = (await anonymous.get(f"/api/v1/orders/{order_id}")).json()
    assert order["status"] == "quoted"
    assert not await OrderEvent.exists().where(OrderEvent.to_status == "accepted")
    accepted = await anonymous.post(f"/api/v1/orders/{order_id}/accept", json={"revision": 2})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    # the customer heard of each quote
    from backend.notifications.tables import OutboxMessage

    assert await OutboxMessage.count().where(OutboxMessage.kind == "order_quoted") == 2


async def test_an_acceptance_without_a_revision_keeps_working(anonymous, catalogue) -> None:
    await register(anonymous)
    created = await anonymous.post(
        "/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=1)
    )
    assert created.json()["status"] == "quoted" and created.json()["quote"]["revision"] == 1
    accepted = await anonymous.post(f"/api/v1/orders/{created.json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


async def test_the_page_accepts_what_it_showed_and_offers_the_new_quote(anonymous, app, catalogue) -> None:
    await register(anonymous, language="en")
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload(quantity=1))).json()["id"]
    valid_until = (date.today() + timedelta(days=14)).isoformat()
    async with signed_in_staff(app) as staff:
        await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": 100_000, "valid_until": valid_until}
        )
        page = await anonymous.get(f"/orders/{order_id}")
        assert 'name="revision" value="1"' in page.text
        await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": 200_000, "valid_until": valid_until}
        )
    token = anonymous.cookies.get("csrftoken")
    stale = await anonymous.post(
        f"/orders/{order_id}/accept",
        data={"revision": "1", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert stale.status_code == 422  # a refusal the page shows in place, as every form does
    assert "The quote has changed to CZK\xa02,420.00 including VAT; accept this one?" in stale.text
    assert 'name="revision" value="2"' in stale.text
    assert (await ServiceOrder.select().where(ServiceOrder.id == order_id).first())["status"] == "quoted"
    done = await anonymous.post(
        f"/orders/{order_id}/accept",
        data={"revision": "2", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert "You accepted the quote." in done.text


# --- work: cumulative draws ----------------------------------------------------------------------------


async def test_sixty_one_minute_logs_draw_what_one_hour_draws(anonymous, app, catalogue) -> None:
    _me, order_id = await _sbp_order_in_progress(anonymous, app)
    await ServiceOrder.update({ServiceOrder.sbp_unit_price: 115_001}).where(ServiceOrder.id == order_id)
    async with signed_in_staff(app) as staff:
        for n in range(60):
            logged = await staff.post(
                f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 1, "note": f"minute {n}"}
            )
            assert logged.status_code == 201, logged.text
    # 1 150,01 Kč an hour: a minute is 1 916,683 haléře; rounded per log sixty drew 115 020
    assert logged.json()["credit_drawn"] == 115_001
    drawn = await CreditEntry.select(CreditEntry.amount).where(CreditEntry.kind == "draw")
    assert -sum(row["amount"] for row in drawn) == 115_001


# --- the forecast knows expiry -------------------------------------------------------------------


async def test_credit_entitlements_and_the_page_show_the_same_forecast(anonymous, app, catalogue) -> None:
    from backend.credit import services as credit
    from backend.credit.domain import EntryKind

    me = await register(anonymous, language="en")
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        url = f"/api/v1/staff/companies/{company_id}/credit"
        await admin.post(url, json={"amount": 50_000, "idempotency_key": "a", "valid_months": 1})
        await admin.post(url, json={"amount": 100_000, "idempotency_key": "b", "valid_months": 24})
    await credit.draw(company_id, 27_000, credit.Booking(EntryKind.DRAW, note="work"))
    overview = (await anonymous.get("/api/v1/credit")).json()
    # 27 000 in 90 days is 300 a day; the 23 000 left of the one-month lot meets 28 to 31 days of
    # it before it lapses, so 13 700 to 14 600 lapse; the two-year lot is then drawn empty in 333 days
    assert 13_700 <= overview["expected_lapse"] <= 14_600
    assert [lapse["amount"] for lapse in overview["lapses"]] == [overview["expected_lapse"]]
    soonest = min(lot["expires_at"] for lot in overview["expiring"])
    assert overview["lapses"][0]["expires_at"] == soonest
    sbp = (await anonymous.get("/api/v1/entitlements")).json()["sbp"]
    assert sbp["expected_lapse"] == overview["expected_lapse"]
    assert sbp["expected_lapse_at"] == soonest
    # the same simulation, run a moment later (its start is the moment of the request)
    runs_out = [datetime.fromisoformat(answer["runs_out_at"]) for answer in (sbp, overview)]
    assert abs(runs_out[0] - runs_out[1]) < timedelta(seconds=5)
    page = await anonymous.get("/credit")
    assert (
        "will expire before it is drawn" in page.text
        and "CZK\xa0" + f"{overview['expected_lapse'] / 100:,.2f}" in page.text
    )
