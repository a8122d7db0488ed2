"""JSON API of SLA contracts (staff): a company's contracts, and changing one contract's terms."""

from __future__ import annotations

from litestar import Controller, get, patch
from litestar.params import JSONBody

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff, staff_admin
from backend.params import RowId
from backend.sla import services
from backend.sla.schemas import SlaContractOut, SlaTermsChange


class StaffCompanySlaController(Controller):
    path = "/api/v1/staff/companies/{company_id:int}/sla-contracts"
    tags = ["staff"]
    guards = [staff]

    @get()
    async def sla_contracts(self, company_id: RowId) -> list[SlaContractOut]:
        return await services.contracts_of(company_id)


class StaffSlaController(Controller):
    path = "/api/v1/staff/sla-contracts"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @patch("/{contract_id:int}")
    async def change(
        self, actor: CurrentActor, contract_id: RowId, data: JSONBody[SlaTermsChange]
    ) -> SlaContractOut:
        """Change one company's SLA terms (targets, calendar, discount, fee, end) without the plan."""
        return await services.change_terms(actor, contract_id, data)
