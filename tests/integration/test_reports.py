"""Staff reports on real data: orders, revenue, credit liability, SLA compliance, the sender."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.reports.services import last_months
from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db


def test_months_are_prague_calendar_months_oldest_first() -> None:
    months = last_months(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # already January in Prague
    assert months[-1] == "2027-01" and months[0] == "2026-02" and len(months) == 12


async def test_reports_show_orders_revenue_credit_and_sla(anonymous, app, db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()
    me = await register(anonymous)
    company_id = me["company"]["id"]
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=2))
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await admin.post(
            f"/api/v1/staff/orders/{order_id}/quote",
            json={"net": 3_000_000, "valid_until": (date.today() + timedelta(days=9)).isoformat()},
        )
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": 50_000, "idempotency_key": "k", "valid_months": 1},
        )
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/alc-contracts",
            json={
                "products": ["CATIA"],
                "valid_from": date.today().isoformat(),
                "valid_until": (date.today() + timedelta(days=300)).isoformat(),
            },
        )
        ticket_id = (
            await anonymous.post(
                "/api/v1/tickets", json={"subject": "S", "description": "D", "product": "CATIA"}
            )
        ).json()["id"]
        overdue = datetime.now(UTC) - timedelta(hours=2)
        await Ticket.update({Ticket.first_response_due: overdue, Ticket.next_due: overdue}).where(
            Ticket.id == ticket_id
        )

        report = (await admin.get("/api/v1/staff/reports")).json()
        this_month = report["months"][-1]
        statuses = {c["key"]: c["count"] for c in report["orders_by_status"][-1]["counts"]}
        assert report["orders_by_status"][-1]["month"] == this_month and statuses == {"quoted": 2}
        services = {c["key"]: c["count"] for c in report["orders_by_service"][-1]["counts"]}
        assert services == {"TRAINING": 1, "INSTALLATION": 1}
        assert (
            report["revenue"][-1]["quoted"] == 3_000_000 + 580_000
        )  # the manual quote and the automatic one
        assert report["credit"] == {"outstanding": 50_000, "expiring_90_days": 50_000}
        assert report["sla"][-1]["tickets"] == 1 and report["sla"][-1]["share_percent"] == 0
        assert [b["ticket_id"] for b in report["breaches"]] == [ticket_id]
        assert report["sender"]["queued"] >= 1 and report["sender"]["sent"] == 0

        page = await admin.get("/staff/reports", headers={"accept-language": "en"})
        assert page.status_code == 200 and "<svg" in page.text and "Current breaches" in page.text
        exported = await admin.get("/staff/reports/revenue/csv")
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["Month", "Quoted (net, CZK)", "Completed (net, CZK)"]
        assert rows[-1] == [this_month, "35800,00", "0,00"]
        assert (await admin.get("/staff/reports/nope/csv")).status_code == 404


async def test_only_staff_admin_sees_reports(anonymous, app, db) -> None:
    await register(anonymous)
    assert (await anonymous.get("/api/v1/staff/reports")).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/api/v1/staff/reports")).status_code == 403
        assert (await staff.get("/staff/reports/revenue/csv")).status_code == 403


async def test_a_requote_counts_once_and_csv_cells_cannot_run_formulas(anonymous, app, db) -> None:
    from backend.reports.exports import csv_bytes, rows
    from backend.reports.schemas import Breach
    from backend.reports.services import reports

    await load_catalogue()
    await register(anonymous, name="=HYPERLINK(1) s.r.o.")
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    valid_until = (date.today() + timedelta(days=9)).isoformat()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        for net in (3_000_000, 2_500_000):
            await admin.post(
                f"/api/v1/staff/orders/{order_id}/quote", json={"net": net, "valid_until": valid_until}
            )
        report = (await admin.get("/api/v1/staff/reports")).json()
        assert report["revenue"][-1]["quoted"] == 2_500_000
        from backend.accounts.services import authenticate

        full = await reports(await authenticate("vedouci@example.cz", "correct horse battery"))
    full.breaches.append(
        Breach(
            ticket_id=1, number="HD-1", company="=HYPERLINK(1) s.r.o.", priority="low", due=datetime.now(UTC)
        )
    )
    written = csv_bytes(rows(full, "breaches", {})).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(written), delimiter=";"))[1][1] == "'=HYPERLINK(1) s.r.o."
