"""The reports' exports open in a Czech spreadsheet as they are: CSV with semicolons, decimal
comma and a UTF-8 BOM, headers in the reader's language, money in crowns; XLSX with the same rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from backend.reports.exports import REPORT_NAMES
from backend.tickets.tables import Ticket
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db

HEADERS = {
    "cs": {
        "orders-by-status": ["Měsíc", "Nabídnutá"],
        "orders-by-service": ["Měsíc", "Školení", "Opakovaná instalace a administrace systémů"],
        "revenue": ["Měsíc", "Nabídnuto (bez DPH, Kč)", "Dokončeno (bez DPH, Kč)"],
        "credit": ["Nevyčerpáno (dlužíme v práci, Kč)", "Propadne do 90 dnů (Kč)"],
        "sla": ["Měsíc", "Požadavky", "Včas", "Podíl včas (%)"],
        "breaches": ["Požadavek", "Firma", "Priorita", "Termín"],
    },
    "en": {
        "orders-by-status": ["Month", "Quoted"],
        "orders-by-service": ["Month", "Training", "Repeated installation and system administration"],
        "revenue": ["Month", "Quoted (net, CZK)", "Completed (net, CZK)"],
        "credit": ["Outstanding (owed in work, CZK)", "Expiring within 90 days (CZK)"],
        "sla": ["Month", "Tickets", "In time", "Share in time (%)"],
        "breaches": ["Ticket", "Company", "Priority", "Due"],
    },
}


def _read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def _as_csv_text(cell) -> str:
    """An XLSX cell as the CSV writes the same value: crowns with a decimal comma."""
    if cell.value is None:
        return ""
    if "Kč" in cell.number_format:
        return f"{Decimal(str(cell.value)):.2f}".replace(".", ",")
    return str(cell.value)


async def _reported_data(anonymous, admin) -> None:
    """A quoted order, an automatic quote, credit expiring soon and an overdue ticket."""
    from backend.demo import _load_demo_contracts

    await _load_demo_contracts()
    me = await register(anonymous, name="Strojírny Vysočina s.r.o.")
    company_id = me["company"]["id"]
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    await anonymous.post("/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=2))
    valid_until = (date.today() + timedelta(days=9)).isoformat()
    await admin.post(
        f"/api/v1/staff/orders/{order_id}/quote", json={"net": 3_000_050, "valid_until": valid_until}
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
    ticket = await anonymous.post(
        "/api/v1/tickets", json={"subject": "S", "description": "D", "product": "CATIA"}
    )
    overdue = datetime.now(UTC) - timedelta(hours=2)
    await Ticket.update({Ticket.first_response_due: overdue, Ticket.next_due: overdue}).where(
        Ticket.id == ticket.json()["id"]
    )


@pytest.mark.parametrize("language", ["cs", "en"])
async def test_every_export_reads_in_a_czech_spreadsheet(anonymous, app, db, language) -> None:
    await load_catalogue()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        await _reported_data(anonymous, admin)
        exported = {}
        for name in REPORT_NAMES:
            response = await admin.get(f"/staff/reports/{name}/csv")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/csv")
            assert f'filename="{name}.csv"' in response.headers["content-disposition"]
            exported[name] = _read_csv(response.content)
            workbook = await admin.get(f"/staff/reports/{name}/xlsx")
            assert workbook.status_code == 200
            sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
            xlsx_rows = [[_as_csv_text(cell) for cell in row] for row in sheet.iter_rows()]
            assert xlsx_rows == exported[name], name
        this_month = (await admin.get("/api/v1/staff/reports")).json()["months"][-1]
    for name, expected in HEADERS[language].items():
        header = exported[name][0]
        assert header[: len(expected)] == expected or set(expected) <= set(header), (name, header)
    # money in crowns with a decimal comma, not haléře: 30 000,50 Kč quoted, 5 800 Kč automatically
    assert exported["revenue"][-1] == [this_month, "35800,50", "0,00"]
    assert exported["revenue"][1][0] == this_month, "months before the first order are left out"
    assert exported["credit"][1] == ["500,00", "500,00"]
    breach = exported["breaches"][1]
    assert breach[1] == "Strojírny Vysočina s.r.o." and breach[2] == (
        "Běžná" if language == "cs" else "Normal"
    )
    assert str(date.today().year) in breach[3]
    # the XLSX holds numbers a spreadsheet can add up, formatted as crowns
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        sheet = openpyxl.load_workbook(
            io.BytesIO((await admin.get("/staff/reports/revenue/xlsx")).content)
        ).active
    quoted = sheet.cell(row=sheet.max_row, column=2)
    assert Decimal(str(quoted.value)) == Decimal("35800.50") and "Kč" in quoted.number_format


async def test_an_unknown_export_is_not_found(app, db) -> None:
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        assert (await admin.get("/staff/reports/revenue/pdf")).status_code == 404
        assert (await admin.get("/staff/reports/nope/xlsx")).status_code == 404
    async with signed_in_staff(app) as staff:
        assert (await staff.get("/staff/reports/revenue/xlsx")).status_code == 403


async def test_the_reports_page_says_the_mail_servers_error_in_words(anonymous, app, db, smtp) -> None:
    from backend.notifications.sender import send_due

    await load_catalogue()
    await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await anonymous.post("/api/v1/orders", json=order_payload())  # the staff are told by e-mail
        smtp.stop()
        try:
            await send_due()
        finally:
            smtp.start()
        page = (await admin.get("/staff/reports")).text
    assert "The mail server refused the connection" in page
    assert "The mail server&#39;s own words" in page or "The mail server's own words" in page
