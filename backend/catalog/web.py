"""Catalogue pages: the public list with prices, and staff admin's in-place editing."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Template

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.catalog import services
from backend.catalog.schemas import ServiceChange
from backend.errors import N_, InvalidInput
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, field_errors, form_value, is_htmx, render, see_other

Form = Annotated[dict[str, Any], FormBody]
TEXT_FIELDS = ("category", "name_cs", "name_en", "description_cs", "description_en", "rate_type", "unit")


@get("/services", include_in_schema=False)
async def catalogue_page(request: Request[Any, Any, Any]) -> Template:
    return render(
        request,
        "catalog/services.html",
        services=await services.list_services(),
        categories=services.CATEGORY_LABELS,
    )


@get("/", include_in_schema=False)
async def admin_page(request: Request[Any, Any, Any], actor: CurrentActor) -> Template:
    return render(request, "catalog/admin.html", services=await services.list_services_for_admin(actor))


@get("/{code:str}/row", include_in_schema=False)
async def admin_row(
    request: Request[Any, Any, Any], actor: CurrentActor, code: FromPath[str]
) -> Response[Any]:
    """One service as a read-only row (htmx: cancel an edit)."""
    if not is_htmx(request):
        return see_other(f"/staff/services#service-{code}")
    return render(request, "catalog/partials/_row.html", service=await services.admin_service(actor, code))


@get("/{code:str}/edit", include_in_schema=False)
async def admin_edit(
    request: Request[Any, Any, Any], actor: CurrentActor, code: FromPath[str]
) -> Response[Any]:
    """One service as an editable row (htmx); a plain load opens the catalogue page."""
    if not is_htmx(request):
        return see_other(f"/staff/services#service-{code}")
    service = await services.admin_service(actor, code)
    return render(
        request,
        "catalog/partials/_edit_row.html",
        service=service,
        values=None,
        errors={},
        categories=services.CATEGORY_LABELS,
    )


@post("/{code:str}", include_in_schema=False)
async def admin_save(
    request: Request[Any, Any, Any], actor: CurrentActor, code: FromPath[str], data: Form
) -> Template:
    values = {field: form_value(data, field) for field in (*TEXT_FIELDS, "pay_price", "sbp_price", "active")}
    errors: dict[str, str] = {}
    prices: dict[str, int] = {}
    for field in ("pay_price", "sbp_price"):
        try:
            prices[field] = parse_czk(values[field])
            if prices[field] < 0:
                raise ValueError(values[field])
        except ValueError:
            errors[field] = gettext(N_("Enter an amount in crowns, e.g. 1 650 or 1 650,50."))
    if not errors:
        try:
            service = await services.change_service(
                actor,
                code,
                ServiceChange(
                    **{field: values[field] for field in TEXT_FIELDS},
                    **prices,
                    active=values["active"] == "on",
                ),
            )
            return render(request, "catalog/partials/_row.html", service=service, saved=True)
        except InvalidInput as error:
            errors = field_errors(error)
    service = await services.admin_service(actor, code)
    return render(
        request,
        "catalog/partials/_edit_row.html",
        status_code=422,
        service=service,
        values=values,
        errors=errors,
        categories=services.CATEGORY_LABELS,
    )


router = Router(
    path="/",
    route_handlers=[
        catalogue_page,
        Router(
            path="/staff/services",
            route_handlers=[admin_page, admin_row, admin_edit, admin_save],
            guards=[guards.staff_admin],
            dependencies=ACTOR,
        ),
    ],
)
