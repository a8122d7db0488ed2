"""Ordering through the pages, htmx requests included."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from backend.orders.tables import ServiceOrder
from tests.helpers import load_catalogue, make_client, register, signed_in_staff

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


@pytest.fixture
async def catalogue(db) -> None:
    await load_catalogue()


def order_form(**fields: str) -> dict[str, str]:
    return {
        "service_code": "TRAINING",
        "quantity": "2",
        "description": "Školení CATIA V5 pro tři konstruktéry.",
        "delivery": "onsite",
        "preferred_date": "",
        **fields,
    }


async def test_public_catalogue_shows_net_vat_and_gross(anonymous, catalogue) -> None:
    page = await anonymous.get("/services")
    assert page.status_code == 200
    text = page.text.replace("\xa0", " ")
    assert "Školení" in text
    assert "18 000,00 Kč" in text and "3 780,00 Kč" in text and "21 780,00 Kč" in text
    english = (await anonymous.get("/services", headers=EN)).text.replace("\xa0", " ")
    assert "Training" in english and "CZK 21,780.00" in english


async def test_whole_pay_journey_through_the_pages(anonymous, app, catalogue) -> None:
    await register(anonymous, language="en", full_name="Jana Zákaznice")
    form = await anonymous.get("/orders/new?service=TRAINING", headers=EN)
    assert form.status_code == 200
    assert "Handled as paid support (PAY)" in form.text

    estimate = await anonymous.get("/orders/estimate?service_code=TRAINING&quantity=2,5", headers=HTMX)
    assert estimate.text.lstrip().startswith('<aside id="estimate"')
    assert "54 450,00" in estimate.text.replace("\xa0", " ") or "54,450.00" in estimate.text

    submitted = await anonymous.post("/orders", data=order_form())
    assert submitted.status_code == 303
    order_path = submitted.headers["location"].split("?")[0]
    order_id = int(order_path.rsplit("/", 1)[1])
    detail = await anonymous.get(submitted.headers["location"])
    assert "has been submitted" in detail.text

    async with signed_in_staff(app, name="Jana Technická") as staff:
        queue = await staff.get("/staff/orders", headers=EN)
        assert f'id="queue-order-{order_id}"' in queue.text
        valid_until = (date.today() + timedelta(days=10)).isoformat()
        row = await staff.post(
            f"/staff/orders/{order_id}/quote",
            data={"from": "queue", "net": "34 000", "valid_until": valid_until, "note": "Sleva."},
            headers={**HTMX, **EN},
        )
        assert row.status_code == 200
        assert row.text.lstrip().startswith(f'<tr id="queue-order-{order_id}"')
        assert "Quote sent to the customer." in row.text, row.text

        accepted = await anonymous.post(f"/orders/{order_id}/accept", headers=HTMX)
        assert accepted.status_code == 200
        assert accepted.text.lstrip().startswith('<article id="order-detail"')
        assert "You accepted the quote." in accepted.text

        staff_id = (await staff.get("/api/v1/me")).json()["user"]["id"]
        row = await staff.post(
            f"/staff/orders/{order_id}/approve",
            data={"from": "queue", "scheduled_for": valid_until, "assigned_to": str(staff_id)},
            headers={**HTMX, **EN},
        )
        assert "Order approved." in row.text
        panel = await staff.post(f"/staff/orders/{order_id}/start", headers={**HTMX, **EN})
        assert panel.text.lstrip().startswith('<article id="order-panel"') and "Work started." in panel.text
        bad = await staff.post(
            f"/staff/orders/{order_id}/work-logs",
            data={"minutes": "abc", "note": "x"},
            headers={**HTMX, **EN},
        )
        assert bad.status_code == 422 and "Enter a whole number." in bad.text
        logged = await staff.post(
            f"/staff/orders/{order_id}/work-logs",
            data={"minutes": "480", "note": "První den."},
            headers={**HTMX, **EN},
        )
        assert "Work logged." in logged.text
        done = await staff.post(
            f"/staff/orders/{order_id}/complete", data={"note": "Hotovo."}, headers={**HTMX, **EN}
        )
        assert "Order completed." in done.text

    final = await anonymous.get(order_path, headers=EN)
    history = re.findall(r"<li>.*?</li>", final.text.split('<ul class="history plain">')[1], re.S)
    assert len(history) == 6
    assert (
        "Jana Zákaznice" in history[0] and "Jana Technická" in history[1] and "Jana Zákaznice" in history[2]
    )
    assert "Completed" in history[5]


async def test_order_form_shows_errors_inline_and_stores_nothing(anonymous, catalogue) -> None:
    await register(anonymous, language="en")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    page = await anonymous.post(
        "/orders", data=order_form(quantity="0", description="", preferred_date=yesterday), headers=EN
    )
    assert page.status_code == 422
    assert "more than zero" in page.text
    assert "Describe what you need." in page.text
    assert "today or a later date" in page.text
    assert await ServiceOrder.count() == 0


async def test_order_list_filters_and_loads_more_in_place(anonymous, catalogue) -> None:
    await register(anonymous, language="en")
    for n in range(27):
        await anonymous.post("/orders", data=order_form(description=f"Objednávka {n}"))
    await anonymous.post("/orders", data=order_form(service_code="INSTALLATION", quantity="1"))
    page = await anonymous.get("/orders", headers=EN)
    assert page.text.count('<tr>\n  <td class="card-title nowrap"><a href="/orders/') == 25
    more = re.search(r'hx-get="(/orders\?cursor=[^"]+)"', page.text).group(1)
    rest = await anonymous.get(more.replace("&amp;", "&"), headers=HTMX)
    assert rest.text.count("<tr>") == 3 and "more-orders" not in rest.text
    filtered = await anonymous.get("/orders?status=quoted", headers={**HTMX, **EN})
    assert filtered.text.lstrip().startswith('<section id="order-list"')
    assert filtered.text.count('<td class="card-title nowrap"><a href="/orders/') == 1


async def test_member_sees_orders_but_no_quote_buttons(anonymous, app, catalogue) -> None:
    from tests.helpers import invite_and_join

    await register(anonymous)
    await anonymous.post("/orders", data=order_form(service_code="INSTALLATION", quantity="1"))
    order_id = (await ServiceOrder.select(ServiceOrder.id).first())["id"]
    async with make_client(app) as member:
        await invite_and_join(anonymous, member, "clen@example.cz")
        page = await member.get(f"/orders/{order_id}", headers=EN)
        assert page.status_code == 200 and "Accept the quote" not in page.text
        assert (await member.post(f"/orders/{order_id}/accept")).status_code == 403
    manager_page = await anonymous.get(f"/orders/{order_id}", headers=EN)
    assert "Accept the quote" in manager_page.text or "Přijmout nabídku" in manager_page.text


async def test_staff_admin_edits_a_rate_in_place(app, catalogue) -> None:
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        editor = await admin.get("/staff/services/MACROS/edit", headers=HTMX)
        assert editor.text.lstrip().startswith('<tr id="service-MACROS" class="editing">')
        assert 'value="1650.00"' in editor.text
        fields = {
            "name_cs": "Makra",
            "name_en": "Macros",
            "description_cs": "",
            "description_en": "",
            "category": "development",
            "rate_type": "hourly",
            "unit": "hour",
            "pay_price": "1 700,50",
            "sbp_price": "1 400",
            "active": "on",
        }
        saved = await admin.post("/staff/services/MACROS", data=fields, headers={**HTMX, **EN})
        assert saved.status_code == 200
        assert "Saved." in saved.text and "1,700.50" in saved.text
        wrong = await admin.post(
            "/staff/services/MACROS", data={**fields, "sbp_price": "9 999"}, headers={**HTMX, **EN}
        )
        assert wrong.status_code == 422 and "cannot be higher than the PAY rate" in wrong.text
        assert (await admin.get("/api/v1/services")).json()[1]["pay_price"] in (170_050, 1_800_000)
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/staff/services")).status_code == 403
