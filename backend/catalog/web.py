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
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.pages import FormBody, field_errors, form_value, is_htmx, render, see_other

Form = Annotated[dict[str, Any], FormBody]


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
    try:
        service = await services.change_service(actor, code, decode_form(data, ServiceChange))
    except InvalidInput as error:
        return render(
            request,
            "catalog/partials/_edit_row.html",
            status_code=422,
            service=await services.admin_service(actor, code),
            values={name: form_value(data, name) for name in data},
            errors=field_errors(error),
            categories=services.CATEGORY_LABELS,
        )
    return render(request, "catalog/partials/_row.html", service=service, saved=True)


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
