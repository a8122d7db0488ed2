"""Use cases of plans: the public list, a customer manager's request, staff admin's decision."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.clock import aware, now
from backend.credit import services as credit
from backend.db import json_value, locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from backend.i18n import current_language
from backend.invoices import services as invoices
from backend.money import CURRENCY, with_vat
from backend.notifications.services import enqueue_for_managers
from backend.plans.schemas import PlanAdminOut, PlanChange, PlanOut, SubscriptionOut
from backend.plans.tables import Plan, Subscription
from backend.settings import get_settings
from backend.sla import services as sla
from backend.sla.domain import Calendar, parse_targets, targets_to_json
from backend.webhooks.services import emit_subscription_decided


def _plan_out(row: dict[str, Any]) -> PlanOut:
    english = current_language() == "en"
    amount = with_vat(row["price"], get_settings().vat_rate_percent)
    sbp = row["kind"] == "sbp"
    sla_plan = row["kind"] == "sla"
    return PlanOut(
        code=row["code"],
        kind=row["kind"],
        name=row["name_en"] if english else row["name_cs"],
        description=row["description_en"] if english else row["description_cs"],
        price=row["price"],
        price_vat=amount.vat,
        price_gross=amount.gross,
        currency=CURRENCY,
        credit=row["credit"] if sbp else None,
        validity_months=row["validity_months"] if sbp else None,
        targets=json_value(row["targets"]) if sla_plan else None,
        calendar=json_value(row["calendar"]) if sla_plan else None,
        discount=row["discount_percent"] if sla_plan else None,
        monthly_fee=row["monthly_fee"] if sla_plan else None,
    )


async def list_plans() -> list[PlanOut]:
    rows = await Plan.select().where(Plan.active == True).order_by(Plan.sort_order)  # noqa: E712
    return [_plan_out(row) for row in rows]


def _columns() -> list[Any]:
    return [
        *Subscription.all_columns(),
        Subscription.plan.code.as_alias("plan_code"),
        Subscription.plan.kind.as_alias("plan_kind"),
        Subscription.plan.name_cs.as_alias("plan_name_cs"),
        Subscription.plan.name_en.as_alias("plan_name_en"),
        Subscription.requested_by.full_name.as_alias("requested_by_name"),
        Subscription.company.name.as_alias("company_name"),
    ]


def _subscription_out(row: dict[str, Any]) -> SubscriptionOut:
    return SubscriptionOut(
        id=row["id"],
        plan_code=row["plan_code"],
        plan_kind=row["plan_kind"],
        plan_name=row["plan_name_en"] if current_language() == "en" else row["plan_name_cs"],
        status=row["status"],
        price=row["price"],
        credit=row["credit"],
        requested_at=aware(row["requested_at"]),
        requested_by=row["requested_by_name"],
        company_id=row["company"],
        company_name=row["company_name"],
        decided_at=aware(row["decided_at"]) if row["decided_at"] else None,
        note=row["note"],
    )


async def _one(subscription_id: int) -> SubscriptionOut:
    row = await Subscription.select(*_columns()).where(Subscription.id == subscription_id).first()
    if row is None:
        raise NotFound(N_("Plan request not found."))
    return _subscription_out(row)


async def request_plan(actor: Actor, plan_code: str) -> SubscriptionOut:
    """A customer manager asks for a plan; it waits for payment and staff admin's approval."""
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))
    company_id = actor.company_scope()
    async with write_transaction():
        plan = await Plan.select().where((Plan.code == plan_code) & (Plan.active == True)).first()  # noqa: E712
        if plan is None:
            raise InvalidInput(N_("There is no plan %(code)s."), field="plan_code", code=plan_code)
        waiting = await Subscription.exists().where(
            (Subscription.company == company_id)
            & (Subscription.plan == plan["id"])
            & (Subscription.status == "requested")
        )
        if waiting:
            raise Conflict(N_("Your company has already requested this plan; it waits for approval."))
        subscription_id = (
            await Subscription.insert(
                Subscription(
                    company=company_id,
                    plan=plan["id"],
                    status="requested",
                    price=plan["price"],
                    credit=plan["credit"],
                    validity_months=plan["validity_months"],
                    requested_by=actor.id,
                    requested_at=now(),
                )
            ).returning(Subscription.id)
        )[0]["id"]
        await record(
            "plan.requested",
            object_type="subscription",
            object_id=subscription_id,
            actor=actor,
            after=plan_code,
        )
    return await _one(subscription_id)


async def company_subscriptions(actor: Actor) -> list[SubscriptionOut]:
    rows = (
        await Subscription.select(*_columns())
        .where(Subscription.company == actor.company_scope())
        .order_by(Subscription.id, ascending=False)
        .limit(50)
    )
    return [_subscription_out(row) for row in rows]


async def pending_subscriptions(actor: Actor) -> list[SubscriptionOut]:
    actor.require_staff_admin()
    rows = (
        await Subscription.select(*_columns())
        .where(Subscription.status == "requested")
        .order_by(Subscription.requested_at)
        .limit(200)
    )
    return [_subscription_out(row) for row in rows]


async def decide(actor: Actor, subscription_id: int, *, approve: bool, note: str = "") -> SubscriptionOut:
    """Approve (after payment) or reject a plan request. An approved SBP plan books its credit,
    valid for the plan's months, and is invoiced at its price, in the same transaction."""
    actor.require_staff_admin()
    invoice_id = None
    async with write_transaction():
        row = await locked(
            Subscription.select(*Subscription.all_columns()).where(Subscription.id == subscription_id)
        ).first()
        if row is None:
            raise NotFound(N_("Plan request not found."))
        if row["status"] != "requested":
            raise Conflict(N_("This plan request has already been decided."))
        plan = (
            await Plan.select(Plan.kind, Plan.code, Plan.name_cs, Plan.name_en)
            .where(Plan.id == row["plan"])
            .first()
        )
        at = now()
        await Subscription.update(
            {
                Subscription.status: "approved" if approve else "rejected",
                Subscription.decided_by: actor.id,
                Subscription.decided_at: at,
                Subscription.note: note.strip()[:2000],
            }
        ).where(Subscription.id == subscription_id)
        await record(
            "plan.approved" if approve else "plan.rejected",
            object_type="subscription",
            object_id=subscription_id,
            actor=actor,
            company_id=row["company"],
            before="requested",
            after={"plan": plan["code"], "note": note.strip()[:2000]},
        )
        await emit_subscription_decided(subscription_id, row["company"], plan["code"], approve)
        if approve and plan["kind"] == "sla":
            await sla.contract_from_plan(row["company"], row["plan"], subscription_id, actor)
        elif approve:
            await credit.top_up_from_plan(
                row["company"], row["credit"], row["validity_months"], actor, subscription_id, plan["code"]
            )
            invoice_id = await invoices.invoice_plan_purchase(row, plan, actor)
        await enqueue_for_managers(
            row["company"],
            "plan_approved" if approve else "plan_rejected",
            {"plan": {"cs": plan["name_cs"], "en": plan["name_en"]}, "note": note},
        )
    await invoices.render_soon(invoice_id)
    return await _one(subscription_id)


JSON_FIELDS = ("targets", "calendar")


def _admin_out(row: dict[str, Any]) -> PlanAdminOut:
    return PlanAdminOut(
        **{
            name: json_value(row[name]) if name in JSON_FIELDS else row[name]
            for name in PlanAdminOut.__struct_fields__
        }
    )


async def plans_for_admin(actor: Actor) -> list[PlanAdminOut]:
    actor.require_staff_admin()
    return [_admin_out(row) for row in await Plan.select().order_by(Plan.sort_order)]


async def change_plan(actor: Actor, code: str, change: PlanChange) -> PlanAdminOut:
    """Edit a plan template (names, price, credit and validity; SLA terms). Credit already booked
    and SLA contracts already made keep what they were given."""
    actor.require_staff_admin()
    sent = {name: value for name, value in msgspec.structs.asdict(change).items() if value is not None}
    if "targets" in sent:
        sent["targets"] = targets_to_json(parse_targets(sent["targets"]))
    if "calendar" in sent:
        sent["calendar"] = Calendar.from_json(sent["calendar"]).to_json()
    async with write_transaction():
        row = await locked(Plan.select().where(Plan.code == code)).first()
        if row is None:
            raise NotFound(N_("There is no plan %(code)s."), code=code)
        if sent:
            await Plan.update({getattr(Plan, name): value for name, value in sent.items()}).where(
                Plan.id == row["id"]
            )
            await record(
                "plan.updated",
                object_type="plan",
                object_id=row["id"],
                actor=actor,
                before={name: json_value(row[name]) if name in JSON_FIELDS else row[name] for name in sent},
                after=sent,
            )
    return _admin_out({**row, **sent})
