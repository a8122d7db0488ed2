"""What every step of an order leaves behind, in the caller's transaction: its history entry,
the same step in the audit log, and the e-mail the customer gets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.notifications.services import enqueue_for_managers
from backend.orders.domain import OrderStatus
from backend.orders.tables import OrderEvent, ServiceOrder
from backend.webhooks.services import emit_order_step


async def record_step(
    order_id: int,
    actor: Actor | None,
    from_status: OrderStatus | None,
    to_status: OrderStatus,
    note: str,
    at: datetime,
    company_id: int,
) -> None:
    """One step of the order's history (``actor`` None: the portal's own), and its audit event."""
    await OrderEvent.insert(
        OrderEvent(
            order=order_id,
            actor=actor.id if actor else None,
            actor_name=actor.full_name if actor else "",
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            note=note,
            at=at,
        )
    )
    await emit_order_step(order_id, to_status.value, company_id)
    await audit(
        to_status.value,
        order_id,
        actor,
        company_id,
        before=from_status.value if from_status else None,
        after=to_status.value,
    )


async def audit(kind: str, order_id: int, actor: Actor | None, company_id: int, **change: Any) -> None:
    """The audit event ``order.<kind>``; ``change`` is its before and after."""
    await record(
        f"order.{kind}", object_type="order", object_id=order_id, actor=actor, company_id=company_id, **change
    )


async def tell_customer(order_id: int, kind: str) -> None:
    """Notify the company's managers and whoever placed the order."""
    row = await ServiceOrder.select().where(ServiceOrder.id == order_id).first()
    context: dict[str, Any] = {"number": row["number"], "order_id": order_id}
    if kind == "order_quoted":
        context |= {"gross": row["quote_gross"], "valid_until": row["quote_valid_until"].isoformat()}
    if kind == "order_rejected":
        context["reason"] = row["reject_reason"]
    await enqueue_for_managers(row["company"], kind, context, also=[row["created_by"]])
