"""A company's entitlements in one answer: ALC (the Hotline), SBP credit, the SLA contract."""

from __future__ import annotations

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.alc import services as alc
from backend.clock import aware, now
from backend.credit import ledger as credit
from backend.credit import queries as credit_queries
from backend.credit.domain import Lot
from backend.credit.tables import LOT_IS_OPEN, CreditAccount, CreditLot
from backend.db import Param, Prepared
from backend.entitlements.schemas import AlcOut, EntitlementsOut, ExpiringCredit, SbpOut, SlaOut
from backend.errors import N_, NotFound
from backend.sla import services as sla

# the dashboard and every order form ask (db.Prepared)
_BALANCE = Prepared(
    lambda: (
        CreditAccount.select(CreditAccount.balance).where(CreditAccount.company == Param("company")).first()
    )
)
_OPEN_LOTS = Prepared(
    lambda: (
        CreditLot.select(CreditLot.id, CreditLot.remaining, CreditLot.expires_at)
        .where((CreditLot.company == Param("company")) & LOT_IS_OPEN)
        .order_by(CreditLot.expires_at)
    )
)


async def entitlements(actor: Actor, company_id: int | None = None) -> EntitlementsOut:
    """Customers get their own company's; staff may name any company."""
    if company_id is None or not actor.is_staff:
        company_id = actor.company_scope()
    elif not await Company.exists().where(Company.id == company_id):
        raise NotFound(N_("Company not found."))
    await credit.settle_expiry(company_id)
    contracts = await alc.active_contracts(company_id)
    account = await _BALANCE.first(company=company_id)
    lots = await _OPEN_LOTS.rows(company=company_id)
    contract = await sla.active_contract(company_id)
    balance = account["balance"] if account else 0
    forecast = await credit_queries.forecast_for(
        company_id,
        [Lot(id=lot["id"], remaining=lot["remaining"], expires_at=aware(lot["expires_at"])) for lot in lots],
        now(),
    )
    return EntitlementsOut(
        customer=bool(contracts),
        alc=AlcOut(
            active=bool(contracts),
            valid_until=max((c.valid_until for c in contracts), default=None),
            products=sorted({p for c in contracts for p in c.products}),
        ),
        sbp=SbpOut(
            active=balance > 0,
            balance=balance,
            expiring=[
                ExpiringCredit(amount=lot["remaining"], expires_at=aware(lot["expires_at"])) for lot in lots
            ],
            expected_lapse=forecast.lapsing,
            expected_lapse_at=forecast.lapses[0].at if forecast.lapses else None,
            runs_out_at=forecast.runs_out_at,
        ),
        sla=SlaOut(
            active=contract is not None,
            plan_code=contract.plan_code if contract else None,
            valid_until=contract.valid_until if contract else None,
            targets=contract.targets if contract else None,
            discount=contract.discount_percent if contract else 0,
        ),
    )
