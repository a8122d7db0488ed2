"""Invoice pages: the customer's list and document, the staff list and document with the "mark
paid" and "credit note" forms (inline errors, htmx in place), and the manual invoice form."""

from __future__ import annotations

import pytest

from backend.invoices.tables import Invoice, InvoicePayment
from tests.helpers import make_client, register, signed_in_staff
from tests.integration.invoicing import complete_pay_order, load_plans

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
async def plans(db) -> None:
    await load_plans()


@pytest.fixture
async def invoiced(anonymous, app, plans) -> dict:
    """A customer (English) with a completed flat order and its invoice."""
    me = await register(anonymous, language="en", name="Strojírny Vysočina s.r.o.")
    async with signed_in_staff(app) as staff:
        order = await complete_pay_order(anonymous, staff, service_code="INSTALLATION", quantity=3)
    return {"me": me, "order": order, "invoice_id": order["invoice_id"]}


async def test_customer_finds_the_invoice_from_the_order_and_the_list(anonymous, invoiced) -> None:
    order_page = await anonymous.get(f"/orders/{invoiced['order']['id']}")
    assert f'href="/invoices/{invoiced["invoice_id"]}"' in order_page.text
    listing = await anonymous.get("/invoices")
    assert listing.status_code == 200
    assert invoiced["order"]["invoice_number"] in listing.text and "invoice-issued" in listing.text
    assert "CZK 10,527.00" in plain(listing.text)
    detail = plain((await anonymous.get(f"/invoices/{invoiced['invoice_id']}")).text)
    for expected in (
        "Payment details",
        "CZ4720100000002001234567",
        "2001234567/2010",
        "VAT recapitulation",
        "CZK 8,700.00",
        "CZK 1,827.00",
        "CZK 10,527.00",
        "Strojírny Vysočina s.r.o.",
        "Date of taxable supply",
    ):
        assert expected in detail, expected
    assert 'name="amount"' not in detail  # no staff forms for a customer


async def test_status_filter_swaps_the_list_in_place(anonymous, invoiced) -> None:
    paid = await anonymous.get("/invoices?status=paid", headers=HTMX)
    assert paid.text.lstrip().startswith('<section id="invoice-list"')
    assert "No invoices in this status." in paid.text
    unpaid = await anonymous.get("/invoices?status=unpaid", headers=HTMX)
    assert invoiced["order"]["invoice_number"] in unpaid.text
    assert (await anonymous.get("/invoices?status=bogus")).status_code == 422


async def test_dashboard_and_credit_page_link_the_invoices(anonymous, invoiced) -> None:
    dashboard = plain((await anonymous.get("/dashboard")).text)
    assert "1 unpaid" in dashboard and "CZK 10,527.00" in dashboard and 'href="/invoices"' in dashboard
    assert 'href="/invoices"' in (await anonymous.get("/credit")).text


async def test_dashboard_says_in_red_what_is_overdue_and_since_when(app, anonymous, invoiced) -> None:
    from datetime import UTC, datetime, timedelta

    from backend.clock import acting_at

    before = plain((await anonymous.get("/dashboard")).text)
    assert "overdue" not in before and "CZK 10,527.00 due" not in before  # the headline, once
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        with acting_at(datetime.now(UTC) - timedelta(days=30)):
            old = await admin.post(
                "/api/v1/invoices",
                json={
                    "company_id": invoiced["me"]["company"]["id"],
                    "lines": [{"description": "Stará práce", "quantity": 1, "unit_price": 100_000}],
                },
            )
        assert old.status_code == 201, old.text
    due_on = old.json()["due_on"]
    dashboard = plain((await anonymous.get("/dashboard")).text)
    assert "CZK 11,737.00" in dashboard and "2 unpaid invoices" in dashboard
    note = dashboard[dashboard.index('class="overdue-note"') :]
    note = note[: note.index("</p>")]
    assert 'href="/invoices?status=overdue"' in note and "CZK 1,210.00 is overdue" in note
    from datetime import date

    assert f"{date.fromisoformat(due_on):%b} {date.fromisoformat(due_on).day}" in note
    assert dashboard.count("CZK 11,737.00") == 1


async def test_another_company_sees_nothing(app, invoiced) -> None:
    async with make_client(app) as other:
        await register(other)
        assert (await other.get(f"/invoices/{invoiced['invoice_id']}")).status_code == 404
        assert invoiced["order"]["invoice_number"] not in (await other.get("/invoices")).text


async def test_staff_admin_marks_paid_in_place_and_wrong_amounts_are_inline(app, anonymous, invoiced) -> None:
    invoice_id = invoiced["invoice_id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        page = await admin.get(f"/staff/invoices/{invoice_id}")
        assert page.status_code == 200 and 'name="amount"' in page.text and 'name="reason"' in page.text
        wrong = await admin.post(
            f"/staff/invoices/{invoice_id}/payments", data={"amount": "1.500", "paid_on": ""}, headers=HTMX
        )
        assert wrong.status_code == 422
        assert wrong.text.lstrip().startswith('<article id="invoice-detail"')
        assert 'aria-invalid="true"' in wrong.text and "could mean two amounts" in wrong.text
        too_much = await admin.post(f"/staff/invoices/{invoice_id}/payments", data={"amount": "20 000"})
        assert too_much.status_code == 422 and "Only CZK 10,527.00 is left" in plain(too_much.text)
        part = await admin.post(
            f"/staff/invoices/{invoice_id}/payments", data={"amount": "5 000"}, headers=HTMX
        )
        assert (
            part.status_code == 200
            and "Payment recorded." in part.text
            and "invoice-partly_paid" in part.text
        )
        done = await admin.post(f"/staff/invoices/{invoice_id}/payments", data={"amount": "5 527"})
        assert done.status_code == 303
    assert await InvoicePayment.count() == 2
    assert "invoice-paid" in (await anonymous.get(f"/invoices/{invoice_id}")).text
    assert "Nothing is left to pay" in (await anonymous.get(f"/invoices/{invoice_id}")).text


async def test_after_a_payment_or_credit_note_the_forms_come_back_fresh(app, invoiced) -> None:
    """A booked amount does not stay in the field (a second click would book it again): the
    field then offers what is left, written the Czech way; the credit note form is empty again."""
    invoice_id = invoiced["invoice_id"]
    cs = HTMX
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language="cs") as admin:
        part = await admin.post(
            f"/staff/invoices/{invoice_id}/payments",
            data={"amount": "1 234,56", "paid_on": "", "note": "první splátka"},
            headers=cs,
        )
        assert part.status_code == 200, part.text
        assert 'value="9 292,44"' in part.text and "1 234,56" not in part.text
        assert 'name="note" maxlength="500" value=""' in part.text
        credited = await admin.post(
            f"/staff/invoices/{invoice_id}/credit-notes",
            data={"scope": "lines", "line-1-quantity": "1", "reason": "Jedna instalace se nekonala"},
            headers=cs,
        )
        assert credited.status_code == 200, credited.text
        assert 'value="1"' not in credited.text and "Jedna instalace se nekonala" not in credited.text
        assert 'value="lines" checked' not in credited.text
        # what is left after the credit note: 10 527,00 − 1 234,56 − 3 509,00
        assert 'value="5 783,44"' in credited.text
    assert await InvoicePayment.count() == 1


async def test_credit_note_form_whole_or_chosen_lines(app, invoiced) -> None:
    invoice_id = invoiced["invoice_id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        no_reason = await admin.post(
            f"/staff/invoices/{invoice_id}/credit-notes", data={"scope": "all", "reason": ""}
        )
        assert no_reason.status_code == 422 and "Give a reason." in no_reason.text
        too_much = await admin.post(
            f"/staff/invoices/{invoice_id}/credit-notes",
            data={"scope": "lines", "line-1-quantity": "4", "reason": "Jedna instalace navíc"},
        )
        assert too_much.status_code == 422
        assert 'id="line-1-quantity"' in too_much.text and "left to credit" in too_much.text
        issued = await admin.post(
            f"/staff/invoices/{invoice_id}/credit-notes",
            data={"scope": "lines", "line-1-quantity": "1", "reason": "Jedna instalace se nekonala"},
        )
        assert issued.status_code == 303
        note_path = issued.headers["location"]
        note = plain((await admin.get(note_path)).text)
        assert (
            "Credit note DOD-" in note and "Jedna instalace se nekonala" in note and "-CZK 3,509.00" in note
        )
    assert await Invoice.count().where(Invoice.kind == "credit_note") == 1


async def test_only_staff_admin_sees_and_uses_the_forms(app, invoiced) -> None:
    invoice_id = invoiced["invoice_id"]
    async with signed_in_staff(app) as staff:
        page = await staff.get(f"/staff/invoices/{invoice_id}")
        assert page.status_code == 200 and 'name="amount"' not in page.text
        assert (
            await staff.post(f"/staff/invoices/{invoice_id}/payments", data={"amount": "1"})
        ).status_code == 403
        assert (await staff.get("/staff/invoices/new")).status_code == 403
        listing = await staff.get("/staff/invoices?search=Vysočina")
        assert invoiced["order"]["invoice_number"] in listing.text
    assert await InvoicePayment.count() == 0


async def test_manual_invoice_form_marks_the_wrong_row_and_issues(app, invoiced) -> None:
    company_id = invoiced["me"]["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        form = await admin.get(f"/staff/invoices/new?company_id={company_id}")
        assert form.status_code == 200 and 'name="lines-4-description"' in form.text
        data = {
            "company_id": str(company_id),
            "taxable_supply_on": "",
            "lines-0-description": "Konzultace",
            "lines-0-quantity": "2",
            "lines-0-unit": "hour",
            "lines-0-unit_price": "1 500",
            "lines-0-vat_rate_percent": "21",
            "lines-2-description": "Cestovné",
            "lines-2-quantity": "abc",
            "lines-2-unit": "piece",
            "lines-2-unit_price": "800",
            "lines-2-vat_rate_percent": "21",
        }
        wrong = await admin.post("/staff/invoices", data=data)
        assert wrong.status_code == 422
        marked = wrong.text.split('id="lines-2-quantity"')[1].split(">")[0]
        assert 'aria-invalid="true"' in marked
        assert "Enter a number" in wrong.text
        assert await Invoice.count() == 1
        issued = await admin.post("/staff/invoices", data={**data, "lines-2-quantity": "1"})
        assert issued.status_code == 303, issued.text
        page = plain((await admin.get(issued.headers["location"])).text)
        assert "Konzultace" in page and "Cestovné" in page and "CZK 3,800.00" in page
    assert await Invoice.count() == 2


async def test_staff_company_page_lists_its_invoices(app, invoiced) -> None:
    async with signed_in_staff(app) as staff:
        page = await staff.get(f"/staff/companies/{invoiced['me']['company']['id']}")
        assert invoiced["order"]["invoice_number"] in page.text


async def test_receivables_in_the_reports_and_the_invoice_book_export(app, invoiced) -> None:
    import io
    from datetime import UTC, date, datetime, timedelta

    from openpyxl import load_workbook

    from backend.clock import acting_at

    company_id = invoiced["me"]["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        with acting_at(datetime.now(UTC) - timedelta(days=30)):
            old = await admin.post(
                "/api/v1/invoices",
                json={
                    "company_id": company_id,
                    "lines": [{"description": "Stará práce", "quantity": 1, "unit_price": 100_000}],
                },
            )
        assert old.status_code == 201, old.text
        report = plain((await admin.get("/staff/reports")).text)
        assert "Receivables" in report and "Strojírny Vysočina s.r.o." in report
        assert "CZK 1,210.00" in report  # the overdue one
        assert "CZK 10,527.00" in report  # due, not yet overdue
        since = (date.today() - timedelta(days=40)).isoformat()
        until = date.today().isoformat()
        csv = await admin.get(f"/staff/invoices/book/csv?since={since}&until={until}")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        text = csv.content.decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert len(lines) == 3  # in the order of their numbers
        assert lines[1].startswith(invoiced["order"]["invoice_number"]) and lines[2].startswith(
            old.json()["number"]
        )
        assert ";1000,00;210,00;1210,00;0,00;1210,00;" in lines[2]
        xlsx = await admin.get(f"/staff/invoices/book/xlsx?since={since}&until={until}")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet.max_row == 3 and sheet.cell(3, 1).value == old.json()["number"]
        empty = await admin.get(f"/staff/invoices/book/csv?since={until}&until={since}")
        assert empty.status_code == 422
    async with signed_in_staff(app) as staff:
        assert (await staff.get(f"/staff/invoices/book/csv?since={since}&until={until}")).status_code == 403


async def test_a_credit_note_after_full_payment_shows_what_is_to_be_refunded(
    app, anonymous, invoiced
) -> None:
    from datetime import date

    invoice_id = invoiced["invoice_id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        paid = await admin.post(f"/staff/invoices/{invoice_id}/payments", data={"amount": "10 527"})
        assert paid.status_code == 303
        credited = await admin.post(
            f"/staff/invoices/{invoice_id}/credit-notes",
            data={"scope": "lines", "line-1-quantity": "1", "reason": "Jedna instalace se nekonala"},
        )
        assert credited.status_code == 303
        staff_page = plain((await admin.get(f"/staff/invoices/{invoice_id}")).text)
        assert "Overpaid: CZK 3,509.00 to refund" in staff_page and "invoice-overpaid" in staff_page
        report = plain((await admin.get("/staff/reports")).text)
        assert "Overpaid, to refund" in report and "CZK 3,509.00" in report
        today = date.today().isoformat()
        book = (await admin.get(f"/staff/invoices/book/csv?since={today}&until={today}")).content
        rows = book.decode("utf-8-sig").strip().splitlines()
        assert "Overpaid, to refund (CZK)" in rows[0]
        (row,) = [row for row in rows if row.startswith(invoiced["order"]["invoice_number"])]
        assert ";10527,00;0,00;3509,00;Overpaid;" in row
    api = (await anonymous.get(f"/api/v1/invoices/{invoice_id}")).json()
    assert api["status"] == "overpaid" and api["overpaid"] == 350_900 and api["left_to_pay"] == 0
    customer = plain((await anonymous.get(f"/invoices/{invoice_id}")).text)
    assert "Overpaid: CZK 3,509.00 to refund" in customer and "Nothing is left to pay" not in customer
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language="cs") as admin:
        czech = plain((await admin.get(f"/staff/invoices/{invoice_id}")).text)
        assert "Přeplatek k vrácení 3 509,00 Kč" in czech


async def test_lists_are_newest_first_by_issue_date_and_credit_notes_name_their_invoice(
    app, anonymous, invoiced
) -> None:
    """An invoice issued later but dated earlier (a back-dated one) sorts by its date, not by
    when its row was written; a credit note has a status of its own and says what it corrects."""
    from datetime import UTC, datetime, timedelta

    from backend.clock import acting_at

    company_id = invoiced["me"]["company"]["id"]
    order_number = invoiced["order"]["invoice_number"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        with acting_at(datetime.now(UTC) - timedelta(days=30)):
            old = await admin.post(
                "/api/v1/invoices",
                json={
                    "company_id": company_id,
                    "lines": [{"description": "Stará práce", "quantity": 1, "unit_price": 100_000}],
                },
            )
        assert old.status_code == 201, old.text
        note = await admin.post(
            f"/api/v1/invoices/{invoiced['invoice_id']}/credit-notes", json={"reason": "Storno"}
        )
        assert note.status_code == 201, note.text
        # the same day: by number, descending (FA-… before DOD-…); the back-dated one (written
        # last, the highest id) comes last
        expected = [order_number, note.json()["number"], old.json()["number"]]
        staff_list = plain((await admin.get("/staff/invoices")).text)
        walked: list[str] = []
        cursor = ""
        while True:
            page = (await admin.get(f"/api/v1/invoices?limit=1{cursor}")).json()
            walked += [item["number"] for item in page["items"]]
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
    assert walked == expected
    positions = [staff_list.index(number) for number in expected]
    assert positions == sorted(positions)
    customer_list = plain((await anonymous.get("/invoices")).text)
    positions = [customer_list.index(number) for number in expected]
    assert positions == sorted(positions)
    start = customer_list.index(expected[1])
    row = customer_list[start : customer_list.index("</tr>", start)]
    assert f'corrects <span class="nowrap">{order_number}</span>' in row  # the number never breaks
    assert "invoice-issued" in row and "Credit note" in row


async def test_credit_note_hint_writes_quantities_the_pages_way(app, invoiced) -> None:
    company_id = invoiced["me"]["company"]["id"]
    line = {"description": "Konzultace", "quantity": "1.5", "unit": "hour", "unit_price": 165_000}
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language="cs") as admin:
        issued = await admin.post("/api/v1/invoices", json={"company_id": company_id, "lines": [line]})
        assert issued.status_code == 201, issued.text
        czech = plain((await admin.get(f"/staff/invoices/{issued.json()['id']}")).text)
        assert "(nejvýše 1,5 hodiny)" in czech and "1.5" not in czech
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        english = plain((await admin.get(f"/staff/invoices/{issued.json()['id']}")).text)
        assert "(at most 1.5 hours)" in english


async def test_the_quote_form_fixes_the_price_of_time_work(anonymous, app, plans) -> None:
    from datetime import date, timedelta

    from tests.helpers import order_payload

    await register(anonymous, language="en")
    placed = (
        await anonymous.post("/api/v1/orders", json=order_payload(service_code="MACROS", quantity=4))
    ).json()
    async with signed_in_staff(app) as staff:
        page = await staff.get(f"/staff/orders/{placed['id']}")
        assert 'name="fixed"' in page.text
        valid = (date.today() + timedelta(days=10)).isoformat()
        quoted = await staff.post(
            f"/staff/orders/{placed['id']}/quote", data={"net": "5 000", "valid_until": valid, "fixed": "on"}
        )
        assert quoted.status_code == 303, quoted.text
        order = (await staff.get(f"/api/v1/staff/orders/{placed['id']}")).json()
    assert order["quote"]["fixed"] is True and order["quote"]["net"] == 500_000
