"""JSON API of ALC contracts (staff)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import staff, staff_admin
from backend.alc import services
from backend.alc.schemas import AlcContractIn, AlcContractOut
from backend.params import RowId


class StaffAlcController(Controller):
    path = "/api/v1/staff/companies/{company_id:int}/alc-contracts"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def alc_contracts(self, company_id: RowId) -> list[AlcContractOut]:
        return await services.contracts_of(company_id)

    @post(guards=[staff_admin], status_code=HTTP_201_CREATED)
    async def record_alc(
        self, actor: CurrentActor, company_id: RowId, data: JSONBody[AlcContractIn]
    ) -> AlcContractOut:
        """Record an ALC contract (a renewal is a new one): products, valid from/until, annual fee."""
        return await services.record_contract(actor, company_id, data)
