"""After an invoice is issued (both engines): credit notes that reverse exactly what they
reference, payments and the status they lead to, overdue reminders, and that nothing issued
ever changes (no edit in the API, no update of the snapshot, lines or totals)."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backend.audit.tables import AuditEvent
from backend.clock import acting_at
from backend.invoices import services
from backend.invoices.tables import Invoice, InvoicePayment
from backend.notifications.tables import OutboxMessage
from backend.settings import get_settings
from tests.helpers import register, signed_in_staff
from tests.integration.invoicing import load_plans

pytestmark = pytest.mark.db
YEAR = date.today().year
LINES = [
    {"description": "Konzultace", "quantity": "2.5", "unit": "hour", "unit_price": 165_000},
    {"description": "Příručka", "quantity": 3, "unit_price": 33_333, "vat_rate_percent": 12},
    {"description": "Cesta", "quantity": 1, "unit_price": 120_001},
]


@pytest.fixture
async def company(anonymous, db) -> int:
    await load_plans()
    return (await register(anonymous, language="en"))["company"]["id"]


@pytest.fixture
async def admin(app, company):
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as client:
        yield client


async def issue(admin, company: int, lines=LINES) -> dict:
    issued = await admin.post("/api/v1/invoices", json={"company_id": company, "lines": lines})
    assert issued.status_code == 201, issued.text
    return issued.json()


def per_rate(*documents: dict) -> dict[int, tuple[int, int]]:
    sums: dict[int, tuple[int, int]] = {}
    for document in documents:
        for recap in document["recap"]:
            net, vat = sums.get(recap["vat_rate_percent"], (0, 0))
            sums[recap["vat_rate_percent"]] = (net + recap["net"], vat + recap["vat"])
    return sums


async def test_a_full_credit_note_reverses_the_invoice_to_zero_per_vat_rate(
    admin, company, anonymous
) -> None:
    invoice = await issue(admin, company)
    credited = await admin.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Storno"})
    assert credited.status_code == 201, credited.text
    note = credited.json()
    assert note["kind"] == "credit_note" and note["number"] == f"DOD-{YEAR}-00001"
    assert note["original"]["number"] == invoice["number"] and note["reason"] == "Storno"
    assert per_rate(invoice, note) == {12: (0, 0), 21: (0, 0)}
    assert note["total"] == -invoice["total"]
    assert [line["unit_price"] for line in note["lines"]] == [line["unit_price"] for line in invoice["lines"]]
    after = (await anonymous.get(f"/api/v1/invoices/{invoice['id']}")).json()
    assert after["status"] == "credited" and after["left_to_pay"] == 0
    assert [c["number"] for c in after["credit_notes"]] == [note["number"]]
    again = await admin.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Znovu"})
    assert again.status_code == 422 and "lines" in again.json()["errors"]
    of_note = await admin.post(f"/api/v1/invoices/{note['id']}/credit-notes", json={"reason": "x"})
    assert of_note.status_code == 409
    # its own sequence: the next invoice is FA-…-00002, not 00003
    assert (await issue(admin, company))["number"] == f"FA-{YEAR}-00002"
    assert await AuditEvent.count().where(AuditEvent.action == "invoice.credit_note_issued") == 1
    assert await OutboxMessage.count().where(OutboxMessage.kind == "credit_note_issued") == 1


async def test_a_credit_note_pays_under_its_originals_variable_symbol(admin, company) -> None:
    """DOD-…-00001 corrects FA-…-00002: it carries 00002's variable symbol (a refund matches the
    corrected invoice), never FA-…-00001's, which its own number's digits would repeat."""
    from backend.invoices.document import decode

    first, second = await issue(admin, company), await issue(admin, company)
    assert first["variable_symbol"] != second["variable_symbol"]
    credited = await admin.post(f"/api/v1/invoices/{second['id']}/credit-notes", json={"reason": "Storno"})
    assert credited.status_code == 201, credited.text
    note = credited.json()
    assert note["number"] == f"DOD-{YEAR}-00001"
    assert note["variable_symbol"] == second["variable_symbol"] != first["variable_symbol"]
    row = (
        await Invoice.select(Invoice.snapshot, Invoice.variable_symbol)
        .where(Invoice.id == note["id"])
        .first()
    )
    document = decode(row["snapshot"])
    assert row["variable_symbol"] == document.variable_symbol == second["variable_symbol"]
    invoices = await Invoice.select(Invoice.variable_symbol).where(Invoice.kind == "invoice")
    symbols = [item["variable_symbol"] for item in invoices]
    assert len(symbols) == len(set(symbols)) == 2


async def test_partial_credit_notes_never_take_back_more_than_is_left(admin, company) -> None:
    invoice = await issue(admin, company)
    first = await admin.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "Kratší konzultace", "lines": [{"line": 1, "quantity": "1"}]},
    )
    assert first.status_code == 201, first.text
    assert [(line["quantity"], line["net"]) for line in first.json()["lines"]] == [("-1", -165_000)]
    too_much = await admin.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "x", "lines": [{"line": 1, "quantity": "1.75"}]},
    )
    assert too_much.status_code == 422 and "lines.0.quantity" in too_much.json()["errors"]
    no_line = await admin.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "x", "lines": [{"line": 9, "quantity": 1}]},
    )
    assert no_line.status_code == 422
    no_reason = await admin.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    rest = await admin.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Zbytek"})
    assert rest.status_code == 201
    assert [line["quantity"] for line in rest.json()["lines"]] == ["-1.5", "-3", "-1"]
    assert per_rate(invoice, first.json(), rest.json()) == {12: (0, 0), 21: (0, 0)}
    shown = (await admin.get(f"/api/v1/invoices/{invoice['id']}")).json()
    assert [line["credited"] for line in shown["lines"]] == ["2.5", "3", "1"]
    assert await Invoice.count().where(Invoice.kind == "credit_note") == 2


async def test_payments_partial_then_full_and_never_more_than_is_left(admin, company, anonymous) -> None:
    invoice = await issue(admin, company)
    total = invoice["total"]
    part = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 100_000})
    assert part.status_code == 201, part.text
    assert part.json()["status"] == "partly_paid" and part.json()["left_to_pay"] == total - 100_000
    over = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": total})
    assert over.status_code == 422 and "amount" in over.json()["errors"]
    future = await admin.post(
        f"/api/v1/invoices/{invoice['id']}/payments",
        json={"amount": 1, "paid_on": (date.today() + timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 422 and "paid_on" in future.json()["errors"]
    zero = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 0})
    assert zero.status_code == 422
    rest = await admin.post(
        f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": total - 100_000, "note": "Výpis 42"}
    )
    assert rest.json()["status"] == "paid" and rest.json()["left_to_pay"] == 0
    assert [p["amount"] for p in rest.json()["payments"]] == [100_000, total - 100_000]
    seen = (await anonymous.get("/api/v1/invoices?status=paid")).json()["items"]
    assert [item["id"] for item in seen] == [invoice["id"]]
    assert (await anonymous.get("/api/v1/invoices?status=unpaid")).json()["items"] == []
    assert await AuditEvent.count().where(AuditEvent.action == "invoice.paid") == 1
    assert await AuditEvent.count().where(AuditEvent.action == "invoice.payment") == 1


async def test_overdue_after_the_due_date_and_reminded_on_schedule_with_a_cap(
    admin, company, anonymous
) -> None:
    settings = get_settings()
    due_days = settings.invoice_due_days
    with acting_at(datetime.now(UTC) - timedelta(days=due_days + 2)):
        invoice = await issue(admin, company)
    shown = (await anonymous.get(f"/api/v1/invoices/{invoice['id']}")).json()
    assert shown["status"] == "overdue"
    assert [i["id"] for i in (await anonymous.get("/api/v1/invoices?status=overdue")).json()["items"]] == [
        invoice["id"]
    ]
    today = date.today()
    assert await services.send_reminders(today) == 1
    assert await services.send_reminders(today) == 0
    every = settings.invoice_reminder_every_days
    day = today
    for _ in range(settings.invoice_reminder_cap + 2):
        day += timedelta(days=every)
        await services.send_reminders(day)
    reminders = await OutboxMessage.select().where(OutboxMessage.kind == "invoice_overdue")
    assert len(reminders) == settings.invoice_reminder_cap
    # a paid invoice is not reminded
    paid = await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": invoice["total"]})
    assert paid.json()["status"] == "paid"


async def test_paid_invoice_is_not_reminded(admin, company) -> None:
    with acting_at(datetime.now(UTC) - timedelta(days=get_settings().invoice_due_days + 2)):
        invoice = await issue(admin, company)
    await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": invoice["total"]})
    assert await services.send_reminders(date.today()) == 0


async def test_nothing_issued_can_be_edited(admin, company, anonymous) -> None:
    invoice = await issue(admin, company)
    before = await Invoice.select().where(Invoice.id == invoice["id"]).first()
    for method in ("PUT", "PATCH", "DELETE"):
        response = await admin.request(method, f"/api/v1/invoices/{invoice['id']}", json={"lines": []})
        assert response.status_code == 405, (method, response.text)
    page_edit = await admin.post(f"/staff/invoices/{invoice['id']}/edit", data={"total": "1"})
    assert page_edit.status_code in (404, 405)
    # later changes of the company never reach an issued document
    renamed = await anonymous.patch("/api/v1/company", json={"name": "Nový název a.s.", "city": "Ostrava"})
    assert renamed.status_code == 200, renamed.text
    await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 1_000})
    await admin.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes",
        json={"reason": "x", "lines": [{"line": 3, "quantity": 1}]},
    )
    after = await Invoice.select().where(Invoice.id == invoice["id"]).first()
    assert after == before
    shown = (await anonymous.get(f"/api/v1/invoices/{invoice['id']}")).json()
    assert shown["customer"]["name"] == invoice["customer"]["name"] != "Nový název a.s."
    assert shown["lines"] == [
        {**line, "credited": "1" if line["number"] == 3 else "0"} for line in invoice["lines"]
    ]
    assert await InvoicePayment.count() == 1


def test_no_code_updates_an_invoice_but_its_reminder_bookkeeping() -> None:
    """Every ``Invoice.update({...})`` in the backend writes only the reminder columns."""
    allowed = {"reminders_sent", "reminded_on"}
    backend = Path(__file__).resolve().parents[2] / "backend"
    found = []
    for path in backend.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            if (
                node.func.attr in ("update", "delete")
                and isinstance(target, ast.Name)
                and target.id == "Invoice"
            ):
                assert node.func.attr == "update", f"{path}: deletes invoices"
                assert node.args and isinstance(node.args[0], ast.Dict), (
                    f"{path}: an update of unknown columns"
                )
                columns = {key.attr for key in node.args[0].keys if isinstance(key, ast.Attribute)}
                assert columns <= allowed, f"{path}:{node.lineno} updates {columns - allowed}"
                found.append(path.name)
    assert found == ["services.py"]


async def test_webhooks_hear_of_issued_and_paid_invoices(admin, company) -> None:
    from backend.webhooks.tables import WebhookDelivery
    from tests.webhook_receiver import Receiver

    with Receiver() as receiver:
        made = await admin.post(
            "/api/v1/staff/webhooks",
            json={"url": receiver.url + "/hook", "events": ["invoice.issued", "invoice.paid"]},
        )
        assert made.status_code == 201, made.text
        invoice = await issue(admin, company)
        await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": 1})
        assert [d["event"] for d in await WebhookDelivery.select(WebhookDelivery.event)] == ["invoice.issued"]
        await admin.post(f"/api/v1/invoices/{invoice['id']}/payments", json={"amount": invoice["total"] - 1})
    events = sorted(d["event"] for d in await WebhookDelivery.select(WebhookDelivery.event))
    assert events == ["invoice.issued", "invoice.paid"]
