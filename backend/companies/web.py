"""The staff page of one company: its name, its ALC and SLA contracts with their forms, and its
latest invoices."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.response import Template

from backend.accounts import guards
from backend.accounts import services as accounts
from backend.alc import services as alc
from backend.clock import today
from backend.invoices import queries as invoices
from backend.invoices.domain import KIND_LABELS
from backend.invoices.domain import STATUS_LABELS as INVOICE_STATUS_LABELS
from backend.invoices.schemas import InvoicePage
from backend.pages import render, see_other
from backend.params import RowId
from backend.sla import services as sla
from backend.sla.domain import PRIORITY_LABELS, Priority
from backend.tickets.domain import STATUS_LABELS

PAGE = "companies/page.html"


async def _company_context(company_id: int) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "company_name": await accounts.company_name(company_id),
        "alc_contracts": await alc.contracts_of(company_id),
        "sla_contracts": await sla.contracts_of(company_id),
        "priorities": list(Priority),
        "today": today().isoformat(),
        "status_labels": STATUS_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "invoices": InvoicePage(items=await invoices.of_company(company_id), next_cursor=None),
        "invoice_status_labels": INVOICE_STATUS_LABELS,
        "invoice_kind_labels": KIND_LABELS,
    }


async def back_to_company(
    request: Request[Any, Any, Any], company_id: int, errors: dict[str, str], values: dict[str, Any]
) -> Response[Any]:
    """After a contract form: the company page, or the same page with what to correct."""
    if not errors:
        return see_other(f"/staff/companies/{company_id}")
    return render(
        request,
        PAGE,
        status_code=422,
        message=None,
        errors=errors,
        values=values,
        **await _company_context(company_id),
    )


@get("/", include_in_schema=False)
async def company_page(request: Request[Any, Any, Any], company_id: RowId) -> Template:
    return render(request, PAGE, message=None, errors={}, values={}, **await _company_context(company_id))


router = Router(
    path="/staff/companies/{company_id:int}",
    route_handlers=[company_page],
    guards=[guards.staff],
)
