"""Staff admin's reports page (tables and bar charts) and CSV exports; the same data as JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.errors import N_, NotFound
from backend.orders.domain import STATUS_LABELS
from backend.pages import render
from backend.reports import services
from backend.reports.chart import HEIGHT, WIDTH, bars
from backend.reports.schemas import Reports
from backend.sla.domain import PRIORITY_LABELS, Priority

PRIORITIES = tuple(p.value for p in Priority)


@get("/", include_in_schema=False)
async def reports_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    report = await services.reports(actor)
    totals = [sum(c.count for c in month.counts) for month in report.orders_by_status]
    return render(
        request,
        "reports/page.html",
        report=report,
        status_labels=STATUS_LABELS,
        statuses=sorted({c.key for m in report.orders_by_status for c in m.counts}),
        chart_size=(WIDTH, HEIGHT),
        order_bars=bars(report.months, totals),
        revenue_bars=bars(
            report.months, [r.quoted for r in report.revenue], [r.completed for r in report.revenue]
        ),
        sla_bars=bars(report.months, [r.share_percent or 0 for r in report.sla]),
        credit_bars=bars(
            ["outstanding", "expiring"], [report.credit.outstanding, report.credit.expiring_90_days]
        ),
        breach_bars=bars(
            list(PRIORITIES), [sum(1 for b in report.breaches if b.priority == p) for p in PRIORITIES]
        ),
        priority_labels=PRIORITY_LABELS,
        names=services.REPORT_NAMES,
    )


@get("/{name:str}/csv", include_in_schema=False)
async def report_csv(actor: CurrentActor, name: FromPath[str]) -> Response[str]:
    """One report as CSV (UTF-8, comma-separated, money in haléře)."""
    if name not in services.REPORT_NAMES:
        raise NotFound(N_("There is nothing at this address."))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(services.csv_rows(await services.reports(actor), name))
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
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
    route_handlers=[reports_page, report_csv],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
