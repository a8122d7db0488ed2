"""Staff pages of invoices: every company's list, a document with the "mark paid" and "credit
note" forms, and the form that issues an invoice by hand. Each form is read into the Struct its
API endpoint takes and calls the same use case."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote_plus

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.domain import Actor
from backend.clock import today
from backend.errors import N_, FieldErrors, InvalidInput, NotFound
from backend.forms import decode_form
from backend.i18n import gettext
from backend.invoices import domain, queries, services
from backend.invoices.book import book_rows
from backend.invoices.schemas import (
    CreditLineIn,
    CreditNoteIn,
    ManualInvoiceHead,
    ManualInvoiceIn,
    ManualLineIn,
    PaymentIn,
)
from backend.invoices.web import qr_of
from backend.pages import FormBody, attempt, field_errors, form_value, is_htmx, render, respond, see_other
from backend.params import RowId, RowIdFilter
from backend.reports.exports import csv_bytes, xlsx_bytes
from backend.settings import get_settings

Form = Annotated[dict[str, Any], FormBody]
FORM_LINES = 5  # rows of the manual invoice form
CONTEXT = {
    "status_labels": domain.STATUS_LABELS,
    "kind_labels": domain.KIND_LABELS,
    "source_labels": domain.SOURCE_LABELS,
    "filter_labels": queries.FILTER_LABELS,
    "filters": queries.FILTERS,
}


@get("/")
async def staff_list(
    request: Request[Any, Any, Any],
    actor: CurrentActor,
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
    search: FromQuery[str | None] = None,
    company_id: RowIdFilter = None,
) -> Template:
    """Every company's invoices, newest first; filtered by status, a company, or words of the
    number or company name."""
    page = await queries.list_invoices(
        actor, status=status or None, cursor=cursor, search=search, company_id=company_id
    )
    chosen = {"status": status or "", "search": (search or "").strip(), "company_id": str(company_id or "")}
    context = {
        "page": page,
        **chosen,
        "base": "/staff/invoices",
        "filter_query": "".join(
            f"&{name}={quote_plus(value)}" for name, value in chosen.items() if value and name != "status"
        ),
        **CONTEXT,
    }
    if is_htmx(request) and cursor:
        return render(request, "invoices/partials/_rows.html", **context)
    if is_htmx(request):
        return render(request, "invoices/staff/partials/_list.html", **context)
    return render(request, "invoices/staff/list.html", **context)


async def _document_context(actor: Actor, invoice_id: int) -> dict[str, Any]:
    invoice = await queries.get_invoice(actor, invoice_id)
    return {"invoice": invoice, "qr": qr_of(invoice), "today": today().isoformat(), **CONTEXT}


@get("/{invoice_id:int}")
async def staff_detail(request: Request[Any, Any, Any], actor: CurrentActor, invoice_id: RowId) -> Template:
    return render(
        request,
        "invoices/staff/detail.html",
        message=None,
        failed=False,
        errors={},
        form={},
        **await _document_context(actor, invoice_id),
    )


# --- staff admin's forms -----------------------------------------------------------------------------


def _credit_note_in(form: dict[str, Any]) -> CreditNoteIn:
    """The credit note form: the whole invoice, or a quantity per line (blank: not credited),
    read as the API's CreditNoteIn."""
    reason = form_value(form, "reason")
    if form_value(form, "scope") != "lines":
        return decode_form({"reason": reason}, CreditNoteIn)
    lines: list[CreditLineIn] = []
    errors: dict[str, InvalidInput] = {}
    for name in sorted(key for key in form if key.startswith("line-") and key.endswith("-quantity")):
        if not form_value(form, name).strip():
            continue
        number = name.removeprefix("line-").removesuffix("-quantity")
        try:
            lines.append(decode_form({"line": number, "quantity": form_value(form, name)}, CreditLineIn))
        except FieldErrors as error:
            errors[name] = next(iter(error.errors.values()))
    if errors:
        raise FieldErrors(errors)
    if not lines:
        raise InvalidInput(N_("Enter how much of at least one line to credit."), field="lines")
    return CreditNoteIn(reason=reason, lines=lines)


def _form_field(field: str | None, lines: list[CreditLineIn] | None) -> str | None:
    """A use case's ``lines.N.quantity`` as the form's ``line-K-quantity``."""
    if field and field.startswith("lines.") and lines is not None:
        index = int(field.split(".")[1])
        if index < len(lines):
            return f"line-{lines[index].line}-quantity"
    return field


async def _credit(actor: Actor, invoice_id: int, form: dict[str, Any]) -> int:
    data = _credit_note_in(form)
    try:
        return await services.issue_credit_note(actor, invoice_id, data)
    except InvalidInput as error:
        if isinstance(error, FieldErrors):
            raise
        raise InvalidInput(
            error.message, field=_form_field(error.field, data.lines), **error.params
        ) from None


async def _pay(actor: Actor, invoice_id: int, form: dict[str, Any]) -> int:
    await services.record_payment(actor, invoice_id, decode_form(form, PaymentIn))
    return invoice_id


ACTIONS = {
    "payments": (_pay, N_("Payment recorded.")),
    "credit-notes": (_credit, N_("Credit note issued.")),
}


@post("/{invoice_id:int}/payments", guards=[guards.staff_admin])
async def pay_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, invoice_id: RowId, data: Form
) -> Response[Any]:
    return await _act(request, actor, invoice_id, "payments", data)


@post("/{invoice_id:int}/credit-notes", guards=[guards.staff_admin])
async def credit_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, invoice_id: RowId, data: Form
) -> Response[Any]:
    return await _act(request, actor, invoice_id, "credit-notes", data)


async def _act(
    request: Request[Any, Any, Any], actor: Actor, invoice_id: int, action: str, data: dict[str, Any]
) -> Response[Any]:
    use_case, done = ACTIONS[action]
    result, outcome = await attempt(use_case(actor, invoice_id, data), done)
    # a new credit note is a document of its own: show it
    target = result if action == "credit-notes" and result else invoice_id
    return respond(
        request,
        outcome,
        redirect_to=f"/staff/invoices/{target}",
        partial="invoices/staff/partials/_document.html",
        page="invoices/staff/detail.html",
        # a refused form keeps what was typed; a done one comes back fresh (so a second click
        # cannot book the same amount again): the amount is then what is left to pay
        form={**data, "action": action} if outcome.failed else {},
        **await _document_context(actor, invoice_id),
    )


# --- an invoice by hand -------------------------------------------------------------------------------


def _manual_in(form: dict[str, Any]) -> ManualInvoiceIn:
    """The manual invoice form: rows ``lines-N-…``, a row left blank is no line; each row is read
    as the API's ManualLineIn, so a bad value gets the API's message on its own field."""
    lines: list[ManualLineIn] = []
    errors: dict[str, InvalidInput] = {}
    for index in range(FORM_LINES):
        row = {
            field: form_value(form, f"lines-{index}-{field}")
            for field in ("description", "quantity", "unit", "unit_price", "vat_rate_percent")
        }
        if not any(row[field].strip() for field in ("description", "quantity", "unit_price")):
            continue
        try:
            lines.append(decode_form(row, ManualLineIn))
        except FieldErrors as error:
            for field, item in error.errors.items():
                errors[f"lines.{len(lines)}.{field}"] = item
            lines.append(ManualLineIn(description="", quantity=0, unit_price=0))  # keeps the numbering
    try:
        head = decode_form(form, ManualInvoiceHead)
    except FieldErrors as error:
        errors.update(error.errors)
        head = None
    if errors or head is None:
        raise FieldErrors(errors)
    return ManualInvoiceIn(lines=lines, **msgspec.structs.asdict(head))


def _rows_of(form: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            field: form_value(form, f"lines-{index}-{field}")
            for field in ("description", "quantity", "unit", "unit_price", "vat_rate_percent")
        }
        for index in range(FORM_LINES)
    ]


async def _form_context(form: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    # errors name the use case's lines (only the rows filled in); the page marks the form's rows
    filled = [
        index
        for index, row in enumerate(_rows_of(form))
        if any(row[field].strip() for field in ("description", "quantity", "unit_price"))
    ]
    marked = {}
    for field, message in errors.items():
        parts = field.split(".")
        if parts[0] == "lines" and len(parts) == 3 and int(parts[1]) < len(filled):
            marked[f"lines-{filled[int(parts[1])]}-{parts[2]}"] = message
        else:
            marked[field] = message
    return {
        "companies": await queries.company_choices(),
        "values": form,
        "rows": _rows_of(form),
        "errors": marked,
        "vat_rates": domain.VAT_RATES,
        "default_vat": get_settings().vat_rate_percent,
        "today": today().isoformat(),
    }


@get("/new", guards=[guards.staff_admin])
async def manual_form(
    request: Request[Any, Any, Any], actor: CurrentActor, company_id: RowIdFilter = None
) -> Template:
    form = {"company_id": str(company_id or "")}
    return render(request, "invoices/staff/new.html", message=None, **await _form_context(form, {}))


@post("/", guards=[guards.staff_admin])
async def manual_submit(request: Request[Any, Any, Any], actor: CurrentActor, data: Form) -> Response[Any]:
    try:
        invoice_id = await services.issue_manual(actor, _manual_in(data))
    except InvalidInput as error:
        return render(
            request,
            "invoices/staff/new.html",
            status_code=422,
            message=gettext(N_("Correct the marked fields; nothing was issued.")),
            **await _form_context(data, field_errors(error)),
        )
    return see_other(f"/staff/invoices/{invoice_id}?issued=1")


BOOK_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@get("/book/{kind:str}", guards=[guards.staff_admin])
async def invoice_book(
    actor: CurrentActor, kind: FromPath[str], since: FromQuery[date], until: FromQuery[date]
) -> Response[bytes]:
    """The invoice book of a period (both days included) as CSV or XLSX."""
    if kind not in BOOK_TYPES:
        raise NotFound(N_("There is nothing at this address."))
    table = book_rows(await queries.invoice_book(actor, since, until))
    name = f"invoice-book-{since.isoformat()}-{until.isoformat()}"
    body = csv_bytes(table) if kind == "csv" else xlsx_bytes(table, gettext(N_("Invoice book")))
    return Response(
        body,
        media_type=BOOK_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


router = Router(
    "/staff/invoices",
    route_handlers=[
        staff_list,
        staff_detail,
        pay_submit,
        credit_submit,
        manual_form,
        manual_submit,
        invoice_book,
    ],
    guards=[guards.staff],
    dependencies=ACTOR,
    include_in_schema=False,
)
