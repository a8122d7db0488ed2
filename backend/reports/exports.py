"""The reports as files people open in a spreadsheet, with headers in the reader's language and
money in crowns: CSV the way a Czech Excel opens it directly (semicolons, decimal comma, UTF-8
with a BOM), and XLSX written by openpyxl with real numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from backend.errors import N_
from backend.formatting import format_datetime
from backend.i18n import gettext
from backend.money import to_decimal_czk
from backend.orders.domain import STATUS_LABELS
from backend.reports.schemas import Reports
from backend.sla.domain import PRIORITY_LABELS

REPORT_NAMES = (
    "orders-by-status",
    "orders-by-service",
    "revenue",
    "credit",
    "sla",
    "breaches",
    "ticket-time",
    "satisfaction",
    "satisfaction-by-engineer",
)
CONTRACT_NAMES = {"sla": "SLA", "alc": "ALC"}
CSV_DELIMITER = ";"  # the list separator of a Czech Windows: the file opens in columns
CROWNS_FORMAT = '#,##0.00 "Kč"'


@dataclass(frozen=True, slots=True)
class Crowns:
    """An amount (haléře) that a spreadsheet should read as a number of crowns."""

    halere: int

    @property
    def value(self) -> Decimal:
        return to_decimal_czk(self.halere)


Cell = str | int | Crowns


def _header(*msgids: str) -> list[Cell]:
    return [gettext(msgid) for msgid in msgids]


def _counts(month: str, counts: dict[str, int], keys: list[str]) -> list[Cell]:
    return [month, *(counts.get(key, 0) for key in keys)]


def rows(report: Reports, name: str, service_names: dict[str, str]) -> list[list[Cell]]:
    """One report as rows, its header first."""
    month = N_("Month")
    if name == "orders-by-status":
        statuses = sorted({c.key for m in report.orders_by_status for c in m.counts})
        return [[gettext(month), *(gettext(STATUS_LABELS[s]) for s in statuses)]] + [
            _counts(m.month, {c.key: c.count for c in m.counts}, statuses) for m in report.orders_by_status
        ]
    if name == "orders-by-service":
        return [[gettext(month), *(service_names.get(s, s) for s in report.services)]] + [
            _counts(m.month, {c.key: c.count for c in m.counts}, report.services)
            for m in report.orders_by_service
        ]
    if name == "revenue":
        return [_header(month, N_("Quoted (net, CZK)"), N_("Completed (net, CZK)"))] + [
            [r.month, Crowns(r.quoted), Crowns(r.completed)] for r in report.revenue
        ]
    if name == "credit":
        return [
            _header(N_("Outstanding (owed in work, CZK)"), N_("Expiring within 90 days (CZK)")),
            [Crowns(report.credit.outstanding), Crowns(report.credit.expiring_90_days)],
        ]
    if name == "sla":
        return [_header(month, N_("Tickets"), N_("In time"), N_("Share in time (%)"))] + [
            [r.month, r.tickets, r.answered_in_time, "" if r.share_percent is None else r.share_percent]
            for r in report.sla
        ]
    if name == "breaches":
        return [_header(N_("Ticket"), N_("Company"), N_("Priority"), N_("Due"))] + [
            [b.number, b.company, gettext(PRIORITY_LABELS[b.priority]), format_datetime(b.due)]
            for b in report.breaches
        ]
    if name == "ticket-time":
        return [_header(month, N_("Company"), N_("Contract"), N_("Tickets"), N_("Minutes"))] + [
            [
                r.month,
                r.company,
                CONTRACT_NAMES.get(r.contract, r.contract),
                r.tickets,
                r.minutes,
            ]
            for r in report.ticket_time
        ]
    if name == "satisfaction":
        return [_header(month, N_("Good"), N_("Bad"), N_("Share good (%)"))] + [
            [r.month, r.good, r.bad, "" if r.share_good_percent is None else r.share_good_percent]
            for r in report.satisfaction
        ]
    if name == "satisfaction-by-engineer":
        return [_header(N_("Engineer"), N_("Good"), N_("Bad"), N_("Share good (%)"))] + [
            [
                r.engineer or gettext(N_("(nobody assigned)")),
                r.good,
                r.bad,
                "" if r.share_good_percent is None else r.share_good_percent,
            ]
            for r in report.satisfaction_by_engineer
        ]
    raise KeyError(name)


def _csv_text(value: Cell) -> str:
    if isinstance(value, Crowns):  # "1234,50": a number to a Czech spreadsheet, not text
        return format_decimal(value.value, format="0.00", locale="cs", group_separator=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # text a spreadsheet would otherwise run as a formula
    return str(value)


def csv_bytes(table: list[list[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerows([[_csv_text(value) for value in row] for row in table])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def xlsx_bytes(table: list[list[Cell]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # the longest name a sheet may have
    for row in table:
        sheet.append([value.value if isinstance(value, Crowns) else value for value in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Crowns):
                cell.number_format = CROWNS_FORMAT
            elif isinstance(value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
