"""Staff form of one company's SLA terms, on the company page."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, post

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.companies.web import back_to_company
from backend.errors import N_, InvalidInput
from backend.i18n import gettext
from backend.money import parse_czk
from backend.pages import FormBody, field_errors, form_value
from backend.params import RowId
from backend.sla import services
from backend.sla.domain import Priority
from backend.sla.schemas import SlaTermsChange

Form = Annotated[dict[str, Any], FormBody]


@post("/{contract_id:int}", include_in_schema=False)
async def sla_terms_submit(
    request: Request[Any, Any, Any], actor: CurrentActor, contract_id: RowId, data: Form
) -> Response[Any]:
    """One company's SLA terms: targets per priority, working hours, discount, monthly fee."""
    raw_company = form_value(data, "company_id")
    company_id = (
        int(raw_company) if raw_company.isascii() and raw_company.isdigit() and len(raw_company) < 10 else 0
    )
    errors: dict[str, str] = {}
    try:
        targets = {
            p.value: {
                "first_response": int(form_value(data, f"{p.value}_first_response")),
                "resolution": int(form_value(data, f"{p.value}_resolution")),
            }
            for p in Priority
        }
        change = SlaTermsChange(
            targets=targets,
            calendar={
                "opens": form_value(data, "opens"),
                "closes": form_value(data, "closes"),
                "days": [0, 1, 2, 3, 4],
            },
            discount_percent=int(form_value(data, "discount_percent")),
            monthly_fee=parse_czk(form_value(data, "monthly_fee")),
        )
        if not 0 <= (change.discount_percent or 0) <= 100 or (change.monthly_fee or 0) < 0:
            raise InvalidInput(
                N_("The discount is 0 to 100 %% and the fee zero or more."), field="discount_percent"
            )
        contract = await services.change_terms(actor, contract_id, change)
        company_id = contract.company_id
    except (ValueError, msgspec.ValidationError):
        errors = {"targets": gettext(N_("Enter whole minutes, a discount of 0 to 100 and a fee in crowns."))}
    except InvalidInput as error:
        errors = field_errors(error)
    return await back_to_company(request, company_id, errors, {})


router = Router(
    path="/staff/sla-contracts",
    route_handlers=[sla_terms_submit],
    guards=[guards.staff_admin],
    dependencies=ACTOR,
)
