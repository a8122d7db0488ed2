"""JSON API of SBP credit: the customer's view; staff admin's top-ups and adjustments."""

from __future__ import annotations

from litestar import Controller, Response, get, post, put
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import customer, customer_manager, staff, staff_admin
from backend.credit import queries, services
from backend.credit.schemas import CreditChange, CreditChangeOut, CreditOut, ThresholdIn
from backend.params import RowId


class CreditController(Controller):
    path = "/api/v1/credit"
    tags = ["credit"]
    guards = [customer]
    dependencies = ACTOR

    @get()
    async def credit(
        self, actor: CurrentActor, cursor: FromQuery[str | None] = None, limit: FromQuery[int | None] = None
    ) -> CreditOut:
        """Balance, what expires when, the ledger (newest first, paginated), hours left per service
        at SBP rates, the balance of the last 12 months and when the credit runs out at the current pace."""
        return await queries.credit_overview(actor, cursor=cursor, limit=limit)

    @put("/threshold", guards=[customer_manager])
    async def threshold(self, actor: CurrentActor, data: JSONBody[ThresholdIn]) -> CreditOut:
        """Warn the customer managers when the balance falls under this amount (null: never)."""
        await services.set_low_balance_threshold(actor, data.threshold)
        return await queries.credit_overview(actor)


class StaffCreditController(Controller):
    path = "/api/v1/staff/companies/{company_id:int}/credit"
    tags = ["staff"]
    guards = [staff]
    dependencies = ACTOR

    @get()
    async def credit(
        self, actor: CurrentActor, company_id: RowId, cursor: FromQuery[str | None] = None
    ) -> CreditOut:
        return await queries.credit_overview(actor, company_id, cursor=cursor)

    @post(guards=[staff_admin], status_code=HTTP_201_CREATED)
    async def change(
        self, actor: CurrentActor, company_id: RowId, data: JSONBody[CreditChange]
    ) -> Response[CreditChangeOut]:
        """Top up (positive amount) or adjust (kind "adjustment", either sign, reason in ``note``).
        The same ``idempotency_key`` again books nothing and answers with the same entry."""
        entry, booked = await services.change_credit(actor, company_id, data)
        body = CreditChangeOut(entry=entry, balance=entry.balance_after, replayed=not booked)
        return Response(
            body, status_code=HTTP_201_CREATED, headers={"Idempotent-Replayed": str(not booked).lower()}
        )
