"""Staff forms of ALC contracts, on the company page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.alc import services
from backend.alc.schemas import AlcContractForm
from backend.companies.web import back_to_company
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.pages import FormBody, field_errors, see_other
from backend.params import RowId

Form = Annotated[dict[str, Any], FormBody]
PATH = "/staff/companies/{company_id:int}/alc"


@get("/", include_in_schema=False)
async def alc_reload(company_id: RowId) -> Response[Any]:
    """A reload after a refused save lands here: show the company page."""
    return see_other(f"/staff/companies/{company_id}")


@post("/", include_in_schema=False)
async def alc_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, company_id: RowId, data: Form
) -> Response[Any]:
    errors: dict[str, str] = {}
    try:
        await services.record_contract(actor, company_id, decode_form(data, AlcContractForm).contract())
    except InvalidInput as error:
        errors = field_errors(error)
    return await back_to_company(request, company_id, errors, data)


router = Router(
    path="/",
    route_handlers=[
        # seeing the form's address is staff's; recording a contract is staff admin's
        Router(path=PATH, route_handlers=[alc_reload], guards=[guards.staff]),
        Router(path=PATH, route_handlers=[alc_submit], guards=[guards.staff_admin], dependencies=ACTOR),
    ],
)
