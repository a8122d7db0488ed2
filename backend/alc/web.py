"""Staff forms of ALC contracts, on the company page."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.alc import services
from backend.alc.schemas import AlcContractIn
from backend.companies.web import back_to_company
from backend.errors import N_, InvalidInput
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, field_errors, form_value, see_other
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
    values = {
        name: form_value(data, name) for name in ("products", "valid_from", "valid_until", "annual_fee")
    }
    errors: dict[str, str] = {}
    try:
        fee = parse_czk(values["annual_fee"]) if values["annual_fee"].strip() else 0
        contract = msgspec.convert(
            {
                "products": values["products"].splitlines(),
                "valid_from": values["valid_from"],
                "valid_until": values["valid_until"],
                "annual_fee": fee,
            },
            AlcContractIn,
        )
        await services.record_contract(actor, company_id, contract)
    except (ValueError, msgspec.ValidationError):
        errors = {"valid_until": gettext(N_("Enter the dates as YYYY-MM-DD and the fee in crowns."))}
    except InvalidInput as error:
        errors = field_errors(error)
    return await back_to_company(request, company_id, errors, values)


router = Router(
    path="/",
    route_handlers=[
        # seeing the form's address is staff's; recording a contract is staff admin's
        Router(path=PATH, route_handlers=[alc_reload], guards=[guards.staff]),
        Router(path=PATH, route_handlers=[alc_submit], guards=[guards.staff_admin], dependencies=ACTOR),
    ],
)
