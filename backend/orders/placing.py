"""Placing an order and estimating one: what a request costs, which support level takes it, and
the new order with its first history (a flat-rate PAY order is quoted at once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend.accounts import services as accounts
from backend.accounts.domain import Actor, collect
from backend.catalog import services as catalog
from backend.catalog.domain import RateType, Unit
from backend.clock import PRAGUE, now, today
from backend.credit import queries as credit_queries
from backend.db import write_transaction
from backend.errors import N_, Conflict, InvalidInput, Money
from backend.money import Amount
from backend.notifications.services import enqueue_for_staff
from backend.numbering import next_in_year
from backend.orders import domain
from backend.orders.domain import Billing, OrderStatus
from backend.orders.history import record_step, tell_customer
from backend.orders.queries import get_order
from backend.orders.schemas import AmountOut, EstimateOut, OrderIn, OrderOut
from backend.orders.tables import OrderNumberCounter, ServiceOrder
from backend.settings import get_settings
from backend.sla import services as sla

AUTOMATIC_QUOTE_NOTE = N_("Automatic quote at the flat rate.")


async def estimate(actor: Actor | None, service_code: str, raw_quantity: Any) -> EstimateOut:
    """What a request would cost and which support level would handle it (shown before submit)."""
    service = await catalog.service_row(service_code)
    unit = Unit(service["unit"])
    quantity = domain.quantity_hundredths(raw_quantity, unit)
    vat_rate = get_settings().vat_rate_percent
    entitlements = await _entitlements(actor)
    amount = _price(service, Billing.PAY, quantity, vat_rate, sla_discount=entitlements.sla_discount)
    sbp = _price(service, Billing.SBP, quantity, vat_rate)
    level = domain.route_request(entitlements, sbp_estimate=sbp.net)
    return EstimateOut(
        service_code=service["code"],
        quantity=domain.quantity_text(quantity),
        unit=unit.value,
        unit_price=service["pay_price"],
        estimate=AmountOut(net=amount.net, vat=amount.vat, gross=amount.gross),
        support_level=level.value,  # type: ignore[arg-type]
        automatic_quote=service["rate_type"] == RateType.FLAT,
        sbp_unit_price=service["sbp_price"],
        sbp_estimate=sbp.net,
        sbp_balance=entitlements.sbp_balance,
        discount_percent=entitlements.sla_discount,
    )


def _price(
    service: dict[str, Any], billing: Billing, quantity: int, vat_rate: int, *, sla_discount: int = 0
) -> Amount:
    return domain.price(
        billing,
        pay_price=service["pay_price"],
        sbp_price=service["sbp_price"],
        quantity=quantity,
        vat_rate=vat_rate,
        sla_discount=sla_discount,
    )


async def _entitlements(actor: Actor | None) -> domain.Entitlements:
    """What the company holds that changes routing and price: an SLA contract and SBP credit.
    (Incidents on ALC products go to the Hotline, which has its own form.)"""
    if actor is None or actor.company_id is None:
        return domain.Entitlements()
    contract = await sla.active_contract(actor.company_id)
    return domain.Entitlements(
        sla_active=contract is not None,
        sla_discount=contract.discount_percent if contract else 0,
        sbp_balance=await credit_queries.balance_of(actor.company_id),
    )


async def pay_discount(company_id: int) -> int:
    """Percent off PAY rates while the company has an active SLA contract."""
    contract = await sla.active_contract(company_id)
    return contract.discount_percent if contract else 0


async def _check_credit_covers(company_id: int, sbp_price: int, amount: Amount) -> None:
    """The estimate at SBP rates is what the credit will be drawn by; it must be covered now."""
    balance = await credit_queries.balance_of(company_id)
    if sbp_price <= 0 or amount.net > balance:
        raise InvalidInput(
            N_(
                "Your prepaid credit (%(balance)s) does not cover this request at SBP rates "
                "(%(estimate)s); order it as PAY."
            ),
            field="billing",
            balance=Money(balance),
            estimate=Money(amount.net),
        )


async def submit_order(actor: Actor, data: OrderIn) -> OrderOut:
    """A customer orders a service for their company. The same ``idempotency_key`` again (a form
    sent twice, a retried call) answers with the order it placed and places no other."""
    key = data.idempotency_key
    existing = await placed_with_key(actor, key) if key else None
    if existing is not None:
        return await get_order(actor, existing)
    try:
        order_id = await place_order(actor.company_scope(), actor.id, actor, data)
    except Conflict:
        # the same key sent twice at once: the unique index lets one in (write_transaction turns
        # the other's unique violation into a Conflict), and the other finds the order it made
        existing = await placed_with_key(actor, key) if key else None
        if existing is None:
            raise
        order_id = existing
    return await get_order(actor, order_id)


async def placed_with_key(actor: Actor, key: str) -> int | None:
    """The order of the caller's company that the submission ``key`` placed, if any."""
    row = await (
        ServiceOrder.select(ServiceOrder.id)
        .where((ServiceOrder.company == actor.company_scope()) & (ServiceOrder.submission_key == key))
        .first()
    )
    return row["id"] if row else None


async def place_order(
    company_id: int, created_by: int, recorder: Actor, data: OrderIn, note: str = ""
) -> int:
    """Create an order for ``company_id`` as ``created_by`` ordered it; ``recorder`` is who the
    history names (the customer, or staff converting a ticket). Joins the caller's transaction."""
    service = await catalog.service_row(data.service_code)
    unit = Unit(service["unit"])
    values = collect(
        quantity=lambda: domain.quantity_hundredths(data.quantity, unit),
        description=lambda: domain.check_description(data.description),
        preferred_date=lambda: domain.check_future_date(data.preferred_date, today(), field="preferred_date"),
    )
    billing = Billing(data.billing)
    vat_rate = get_settings().vat_rate_percent
    if billing is Billing.SBP:
        amount = _price(service, billing, values["quantity"], vat_rate)
        await _check_credit_covers(company_id, service["sbp_price"], amount)
    else:
        discount = await pay_discount(company_id)
        amount = _price(service, billing, values["quantity"], vat_rate, sla_discount=discount)
        if amount.net <= 0:  # no service is free by design: a zero line is a catalogue slip
            raise InvalidInput(
                N_("This service has no price for this quantity; contact us to order it."), field="quantity"
            )
    automatic_quote = service["rate_type"] == RateType.FLAT and billing is Billing.PAY
    created = now()
    async with write_transaction():
        year = created.astimezone(PRAGUE).year
        number = domain.order_number(year, await next_in_year(OrderNumberCounter, year))
        order_id = (
            await ServiceOrder.insert(
                ServiceOrder(
                    number=number,
                    company=company_id,
                    service=service["id"],
                    created_by=created_by,
                    status=OrderStatus.SUBMITTED.value,
                    billing=billing.value,
                    quantity=values["quantity"],
                    unit=unit.value,
                    description=values["description"],
                    delivery=data.delivery,
                    preferred_date=values["preferred_date"],
                    unit_price=service["pay_price"],
                    sbp_unit_price=service["sbp_price"],
                    vat_rate=vat_rate,
                    estimate_net=amount.net,
                    estimate_vat=amount.vat,
                    estimate_gross=amount.gross,
                    submission_key=data.idempotency_key,
                    created_at=created,
                    updated_at=created,
                )
            ).returning(ServiceOrder.id)
        )[0]["id"]
        await record_step(order_id, recorder, None, OrderStatus.SUBMITTED, note, created, company_id)
        if automatic_quote:
            await _quote_at_once(order_id, amount, created, company_id)
        await enqueue_for_staff(
            "order_submitted",
            {
                "number": number,
                "order_id": order_id,
                "company": await accounts.company_name(company_id),
                "service": {"cs": service["name_cs"], "en": service["name_en"]},
            },
            company_id,
        )
        if automatic_quote:
            await tell_customer(order_id, "order_quoted")
    return order_id


async def _quote_at_once(order_id: int, amount: Amount, at: datetime, company_id: int) -> None:
    """Flat-rate work has a known price: it is quoted at once, the customer only accepts."""
    await ServiceOrder.update(
        {
            ServiceOrder.status: OrderStatus.QUOTED.value,
            ServiceOrder.quote_net: amount.net,
            ServiceOrder.quote_vat: amount.vat,
            ServiceOrder.quote_gross: amount.gross,
            ServiceOrder.quote_valid_until: today() + timedelta(days=domain.QUOTE_VALID_DAYS),
            ServiceOrder.quote_revision: 1,
        }
    ).where(ServiceOrder.id == order_id)
    await record_step(
        order_id, None, OrderStatus.SUBMITTED, OrderStatus.QUOTED, AUTOMATIC_QUOTE_NOTE, at, company_id
    )
