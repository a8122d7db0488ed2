"""What each source of an invoice bills, on a real database (both engines): a completed PAY order
(flat and by the time logged, with the SLA discount, at a fixed quote), the part of SBP work the
credit did not cover, an approved SBP plan, an SLA contract's monthly fee, an invoice by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.audit.tables import AuditEvent
from backend.invoices import services
from backend.invoices.tables import Invoice
from backend.notifications.tables import OutboxMessage
from backend.settings import get_settings
from tests.helpers import order_payload, register, signed_in_staff
from tests.integration.invoicing import complete_pay_order, finish, give_plan, line_values, load_plans

pytestmark = pytest.mark.db
YEAR = date.today().year


@pytest.fixture
async def plans(db) -> None:
    await load_plans()


async def only_invoice(client) -> dict:
    page = (await client.get("/api/v1/invoices")).json()
    assert len(page["items"]) == 1, page
    return (await client.get(f"/api/v1/invoices/{page['items'][0]['id']}")).json()


async def test_completed_flat_order_bills_the_accepted_quote(anonymous, app, plans) -> None:
    me = await register(anonymous, name="Strojírny Vysočina s.r.o.")
    async with signed_in_staff(app) as staff:
        order = await complete_pay_order(anonymous, staff, service_code="INSTALLATION", quantity=3)
    assert order["invoice_number"] == f"FA-{YEAR}-00001"
    invoice = await only_invoice(anonymous)
    assert invoice["id"] == order["invoice_id"]
    assert invoice["kind"] == "invoice" and invoice["status"] == "issued"
    assert line_values(invoice) == [("3", "piece", 290_000, 0, 870_000, 182_700)]
    assert invoice["recap"] == [{"vat_rate_percent": 21, "net": 870_000, "vat": 182_700, "gross": 1_052_700}]
    assert (invoice["total_net"], invoice["total_vat"], invoice["total"]) == (870_000, 182_700, 1_052_700)
    assert invoice["left_to_pay"] == 1_052_700
    assert invoice["issued_on"] == invoice["taxable_supply_on"] == date.today().isoformat()
    assert invoice["due_on"] == (date.today() + timedelta(days=get_settings().invoice_due_days)).isoformat()
    assert invoice["variable_symbol"] == f"{YEAR}00001"
    assert invoice["source_kind"] == "order" and invoice["source_id"] == order["id"]
    assert invoice["customer"]["name"] == "Strojírny Vysočina s.r.o."
    assert invoice["customer"]["ico"] == me["company"]["ico"]
    assert invoice["supplier"]["ico"] == get_settings().supplier_ico
    assert invoice["iban"] == get_settings().supplier_iban
    assert order["number"] in invoice["note"]
    # the managers are told, with the PDF to attach; issuing is an audit event
    mail = await OutboxMessage.select().where(OutboxMessage.kind == "invoice_issued")
    assert len(mail) == 1
    assert await AuditEvent.count().where(AuditEvent.action == "invoice.issued") == 1


async def test_hourly_order_bills_the_time_logged_at_the_pay_rate(anonymous, app, plans) -> None:
    await register(anonymous)
    async with signed_in_staff(app) as staff:
        # MACROS: 1 650 Kč an hour; 90 + 60 minutes are exactly 2.5 hours
        order = await complete_pay_order(
            anonymous, staff, service_code="MACROS", quantity=2, quote={"net": 330_000}, minutes=[90, 60]
        )
    invoice = (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()
    assert line_values(invoice) == [("2.5", "hour", 165_000, 0, 412_500, 86_625)]
    assert invoice["total"] == 499_125


async def test_time_not_exact_in_hundredths_is_one_lot_at_the_exact_net(anonymous, app, plans) -> None:
    await register(anonymous, language="en")
    async with signed_in_staff(app) as staff:
        # 46 minutes at 1 650 Kč an hour are 1 265 Kč exactly; 0.77 h would be 1 270.50 Kč
        order = await complete_pay_order(
            anonymous, staff, service_code="MACROS", quantity=1, quote={"net": 165_000}, minutes=[46]
        )
    invoice = (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()
    assert line_values(invoice) == [("1", "piece", 126_500, 0, 126_500, 26_565)]
    assert "46 min" in invoice["lines"][0]["description"]


async def test_sla_discount_applies_to_time_billed(anonymous, app, plans) -> None:
    await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_plan(anonymous, admin, "SLA-BASIC")  # 5 % off PAY rates
        order = await complete_pay_order(
            anonymous, admin, service_code="MACROS", quantity=2, quote={"net": 313_500}, minutes=[120]
        )
    invoice = (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()
    assert line_values(invoice) == [("2", "hour", 165_000, 5, 313_500, 65_835)]


async def test_a_fixed_quote_is_billed_whatever_time_is_logged(anonymous, app, plans) -> None:
    await register(anonymous)
    async with signed_in_staff(app) as staff:
        order = await complete_pay_order(
            anonymous,
            staff,
            service_code="MACROS",
            quantity=4,
            quote={"net": 500_000, "fixed": True},
            minutes=[600],
        )
    assert order["quote"]["fixed"] is True
    invoice = (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()
    assert line_values(invoice) == [("4", "hour", 125_000, 0, 500_000, 105_000)]


async def test_work_beyond_sbp_credit_is_billed_on_the_orders_invoice(anonymous, app, plans) -> None:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        topped = await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/credit",
            json={"amount": 300_000, "idempotency_key": "k1"},
        )
        assert topped.status_code == 201, topped.text
        placed = await anonymous.post(
            "/api/v1/orders", json=order_payload(service_code="MACROS", quantity=2, billing="sbp")
        )
        order = await finish(admin, placed.json()["id"], [180])
    # the credit paid 134 minutes; 46 minutes are PAY at 1 650 Kč an hour: 1 265 Kč, as the log said
    assert order["work_logs"][0]["pay_net"] == 126_500
    invoice = (await anonymous.get(f"/api/v1/invoices/{order['invoice_id']}")).json()
    assert line_values(invoice) == [("1", "piece", 126_500, 0, 126_500, 26_565)]
    assert "46 min" in invoice["lines"][0]["description"]


async def test_sbp_work_paid_wholly_from_credit_is_not_invoiced(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{me['company']['id']}/credit",
            json={"amount": 1_000_000, "idempotency_key": "k1"},
        )
        placed = await anonymous.post(
            "/api/v1/orders", json=order_payload(service_code="MACROS", quantity=2, billing="sbp")
        )
        order = await finish(admin, placed.json()["id"], [120])
    assert order["invoice_id"] is None
    assert await Invoice.count() == 0


async def test_an_approved_sbp_plan_is_invoiced_at_its_price(anonymous, app, plans) -> None:
    await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        subscription = await give_plan(anonymous, admin, "SBP-20")
    invoice = await only_invoice(anonymous)
    assert invoice["source_kind"] == "subscription" and invoice["source_id"] == subscription["id"]
    assert line_values(invoice) == [("1", "piece", 2_600_000, 0, 2_600_000, 546_000)]
    assert "SBP" in invoice["lines"][0]["description"]
    assert invoice["taxable_supply_on"] == date.today().isoformat()
    assert (await anonymous.get("/api/v1/credit")).json()["balance"] == 2_700_000


async def test_sla_fee_is_issued_once_on_the_first_working_day_for_its_month(anonymous, app, plans) -> None:
    await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_plan(anonymous, admin, "SLA-BASIC")
    january = date(YEAR + 1, 1, 1)  # New Year's Day; the 1st working day may be later
    first = january
    while first.weekday() >= 5 or first == january:
        first += timedelta(days=1)
    assert await services.issue_sla_fees(january) == 0
    assert await services.issue_sla_fees(first) == 1
    assert await services.issue_sla_fees(first) == 0
    assert await services.issue_sla_fees(first + timedelta(days=3)) == 0
    invoices = await Invoice.select().where(Invoice.source_kind == "sla_fee")
    assert len(invoices) == 1
    assert invoices[0]["number"] == f"FA-{YEAR + 1}-00001"
    assert invoices[0]["issued_on"] == first
    # a monthly service: supplied over the month, so its DUZP is the month's last day (§ 21(8))
    assert invoices[0]["taxable_supply_on"] == date(YEAR + 1, 1, 31)
    invoice = (await anonymous.get(f"/api/v1/invoices/{invoices[0]['id']}")).json()
    assert line_values(invoice) == [("1", "month", 900_000, 0, 900_000, 189_000)]


async def test_manual_invoice_with_two_vat_rates(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        issued = await admin.post(
            "/api/v1/invoices",
            json={
                "company_id": me["company"]["id"],
                "lines": [
                    {
                        "description": "Konzultace mimo katalog",
                        "quantity": "1.5",
                        "unit": "hour",
                        "unit_price": 99_999,
                    },
                    {"description": "Příručka", "quantity": 3, "unit_price": 33_333, "vat_rate_percent": 12},
                ],
                "note": "Dohodnuto telefonicky.",
            },
        )
    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    # 1.5 × 999.99 = 1 499.985 → 1 499.99 (half up); VAT 21 % of it 314.9979 → 315.00
    assert line_values(invoice) == [
        ("1.5", "hour", 99_999, 0, 149_999, 31_500),
        ("3", "piece", 33_333, 0, 99_999, 12_000),
    ]
    assert invoice["recap"] == [
        {"vat_rate_percent": 12, "net": 99_999, "vat": 12_000, "gross": 111_999},
        {"vat_rate_percent": 21, "net": 149_999, "vat": 31_500, "gross": 181_499},
    ]
    assert invoice["total"] == 293_498 and invoice["source_kind"] == "manual"
    assert (await anonymous.get(f"/api/v1/invoices/{invoice['id']}")).status_code == 200


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"description": " ", "quantity": 1, "unit_price": 100}, "lines.0.description"),
        ({"description": "x", "quantity": 0, "unit_price": 100}, "lines.0.quantity"),
        ({"description": "x", "quantity": "1.234", "unit_price": 100}, "lines.0.quantity"),
        (
            {"description": "x", "quantity": 1, "unit_price": 100, "vat_rate_percent": 19},
            "lines.0.vat_rate_percent",
        ),
    ],
)
async def test_bad_manual_lines_are_refused_and_nothing_is_issued(anonymous, app, plans, line, field) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        refused = await admin.post(
            "/api/v1/invoices", json={"company_id": me["company"]["id"], "lines": [line]}
        )
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["errors"]
    assert await Invoice.count() == 0


async def test_only_staff_admin_issues_and_customers_see_only_their_own(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        issued = await admin.post(
            "/api/v1/invoices",
            json={
                "company_id": me["company"]["id"],
                "lines": [{"description": "x", "quantity": 1, "unit_price": 100}],
            },
        )
        invoice_id = issued.json()["id"]
    async with signed_in_staff(app) as staff:
        refused = await staff.post(
            "/api/v1/invoices",
            json={
                "company_id": me["company"]["id"],
                "lines": [{"description": "x", "quantity": 1, "unit_price": 100}],
            },
        )
        assert refused.status_code == 403
        assert (await staff.get(f"/api/v1/invoices/{invoice_id}")).status_code == 200
    assert (
        await anonymous.post(f"/api/v1/invoices/{invoice_id}/payments", json={"amount": 1})
    ).status_code == 403
    from tests.helpers import make_client

    async with make_client(app) as other:
        await register(other)
        assert (await other.get(f"/api/v1/invoices/{invoice_id}")).status_code == 404
        assert (await other.get("/api/v1/invoices")).json()["items"] == []
    assert await Invoice.count() == 1
