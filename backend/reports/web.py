"""Staff admin's reports page (tables and bar charts with axes) and its CSV and XLSX exports;
the same data as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.clock import PRAGUE, today
from backend.errors import N_, NotFound
from backend.formatting import format_month, whole_crowns
from backend.i18n import gettext
from backend.invoices import queries as invoices
from backend.orders.domain import STATUS_LABELS
from backend.pages import render
from backend.reports import exports, services
from backend.reports.chart import bar_chart
from backend.reports.schemas import Reports
from backend.reports.smtp_words import explain_smtp_error
from backend.sla.domain import PRIORITY_LABELS, Priority

PRIORITIES = tuple(p.value for p in Priority)
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _month_labels(months: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Each month's full name for a bar's value ("led 2026") and its two lines under the axis
    (the year only under the first month and January)."""
    starts = [datetime(int(m[:4]), int(m[5:]), 15, tzinfo=PRAGUE) for m in months]
    names = [f"{format_month(at)} {at.year}" for at in starts]
    lines = [
        (format_month(at), str(at.year) if index == 0 or at.month == 1 else "")
        for index, at in enumerate(starts)
    ]
    return names, lines


def charts(report: Reports) -> dict[str, Any]:
    names, lines = _month_labels(report.months)
    orders = [sum(c.count for c in month.counts) for month in report.orders_by_status]
    return {
        "order_chart": bar_chart(names, [(gettext(N_("orders")), orders)], str, lines),
        "revenue_chart": bar_chart(
            names,
            [
                (gettext(N_("quoted")), [r.quoted for r in report.revenue]),
                (gettext(N_("completed")), [r.completed for r in report.revenue]),
            ],
            whole_crowns,
            lines,
        ),
        "sla_chart": bar_chart(
            names,
            [(gettext(N_("answered in time")), [r.share_percent or 0 for r in report.sla])],
            "{} %".format,
            lines,
        ),
        "breach_chart": bar_chart(
            [gettext(PRIORITY_LABELS[p]) for p in PRIORITIES],
            [
                (
                    gettext(N_("overdue tickets")),
                    [sum(1 for b in report.breaches if b.priority == p) for p in PRIORITIES],
                )
            ],
            str,
        ),
    }


@get("/", include_in_schema=False)
async def reports_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    report = services.shown(await services.reports(actor))
    return render(
        request,
        "reports/page.html",
        report=report,
        month_names=_month_labels(report.months)[0],
        month_name=dict(zip(report.months, _month_labels(report.months)[0], strict=True)),
        month_lines=_month_labels(report.months)[1],
        service_totals={
            s: sum(c.count for m in report.orders_by_service for c in m.counts if c.key == s)
            for s in report.services
        },
        status_labels=STATUS_LABELS,
        statuses=sorted({c.key for m in report.orders_by_status for c in m.counts}),
        service_names=await services.service_names(),
        priority_labels=PRIORITY_LABELS,
        sender_problem=explain_smtp_error(report.sender.last_error) if report.sender.failing else None,
        names=exports.REPORT_NAMES,
        receivables=await invoices.receivables(actor),
        book_since=today().replace(day=1).isoformat(),
        book_until=today().isoformat(),
        **charts(report),
    )


@get("/{name:str}/{kind:str}", include_in_schema=False)
async def report_export(actor: CurrentActor, name: FromPath[str], kind: FromPath[str]) -> Response[bytes]:
    """One report as CSV (semicolons, decimal comma, UTF-8 with BOM) or XLSX; headers in the
    reader's language, money in crowns."""
    if name not in exports.REPORT_NAMES or kind not in EXPORTS:
        raise NotFound(N_("There is nothing at this address."))
    report = services.shown(await services.reports(actor))
    table = exports.rows(report, name, await services.service_names())
    body = exports.csv_bytes(table) if kind == "csv" else exports.xlsx_bytes(table, name)
    return Response(
        body,
        media_type=EXPORTS[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


class ReportsController(Controller):
    path = "/api/v1/staff/reports"
    tags = ["staff"]
    guards = [guards.staff_admin]
    dependencies = ACTOR

    @get()
    async def reports(self, actor: CurrentActor) -> Reports:
        """Orders by status and service per month, revenue quoted and completed (net), SBP credit
        outstanding and expiring within 90 days, SLA compliance per month, current breaches, and the
        e-mail sender's health."""
        return await services.reports(actor)


router = Router(
    path="/staff/reports",
    route_handlers=[reports_page, report_export],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
