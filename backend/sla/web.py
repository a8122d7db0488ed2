"""Staff form of one company's SLA terms, on the company page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, post

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.companies.web import back_to_company
from backend.errors import InvalidInput
from backend.forms import decode_form
from backend.pages import FormBody, field_errors
from backend.params import RowId
from backend.sla import services
from backend.sla.schemas import SlaTermsForm

Form = Annotated[dict[str, Any], FormBody]


@post("/{contract_id:int}", include_in_schema=False)
async def sla_terms_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, contract_id: RowId, data: Form
) -> Response[Any]:
    """One company's SLA terms: targets per priority, working hours, discount, monthly fee."""
    errors: dict[str, str] = {}
    try:
        await services.change_terms(actor, contract_id, decode_form(data, SlaTermsForm).change())
    except InvalidInput as error:
        errors = field_errors(error)
    company_id = (await services.contract(contract_id)).company_id
    return await back_to_company(request, company_id, errors, data)


router = Router(
    path="/staff/sla-contracts",
    route_handlers=[sla_terms_submit],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
