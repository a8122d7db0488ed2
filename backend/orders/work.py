"""Time logged on an order and how it is paid: on SBP time work from prepaid credit, the
cumulative cost of the order's minutes as far as the balance reaches (credit/domain.py plans it),
and the rest of the minutes as PAY work on the same order, at the PAY rate less the SLA discount,
recorded on the work log for the invoice that bills it."""

from __future__ import annotations

from backend.accounts import services as accounts
from backend.accounts.domain import Actor
from backend.catalog.domain import Unit
from backend.clock import now
from backend.credit import services as credit
from backend.credit.domain import EntryKind, WorkDraw, work_cost
from backend.db import write_transaction
from backend.errors import N_, InvalidInput, Msg
from backend.notifications.services import enqueue_for_managers, enqueue_for_staff_member
from backend.orders import domain
from backend.orders.domain import Billing, OrderStatus
from backend.orders.history import audit
from backend.orders.placing import pay_discount
from backend.orders.queries import get_order
from backend.orders.schemas import OrderOut
from backend.orders.tables import ServiceOrder, WorkLog
from backend.orders.workflow import Row, locked_order


async def log_work(actor: Actor, order_id: int, minutes: int, note: str) -> OrderOut:
    """Staff record time spent on approved or running work. On SBP time work it is paid from
    credit as far as the balance reaches; the rest of it is PAY work on the same order."""
    actor.require_staff()
    minutes = domain.check_minutes(minutes)
    text = domain.check_note(note, required=True)
    async with write_transaction():
        row = await locked_order(actor, order_id)
        status = OrderStatus(row["status"])
        if status not in domain.WORK_STATUSES:
            raise InvalidInput(
                N_("Work is logged on approved orders or orders in progress; this one is %(status)s."),
                field="minutes",
                status=Msg(domain.STATUS_LABELS[status]),
            )
        at = now()
        work_log_id = (
            await WorkLog.insert(
                WorkLog(
                    order=order_id,
                    staff=actor.id,
                    minutes=minutes,
                    note=text,
                    logged_at=at,
                    billing=row["billing"],
                )
            ).returning(WorkLog.id)
        )[0]["id"]
        paid = WorkDraw(drawn=0, credit_minutes=0, pay_minutes=0)
        pay_net = 0
        if row["billing"] == Billing.SBP and row["unit"] in (Unit.HOUR, Unit.DAY):
            paid = await credit.draw_for_work(
                row["company"],
                row["sbp_unit_price"],
                row["unit"],
                await _minutes_paid_by_credit(order_id, work_log_id),
                minutes,
                credit.Booking(
                    EntryKind.DRAW, actor=actor, note=text, order_id=order_id, work_log_id=work_log_id
                ),
            )
            if paid.pay_minutes:
                discount = await pay_discount(row["company"])
                pay_net = work_cost(row["unit_price"], row["unit"], paid.pay_minutes, discount)
            await WorkLog.update(
                {
                    WorkLog.credit_drawn: paid.drawn,
                    WorkLog.pay_minutes: paid.pay_minutes,
                    WorkLog.pay_net: pay_net,
                }
            ).where(WorkLog.id == work_log_id)
        await audit(
            "work_logged",
            order_id,
            actor,
            row["company"],
            after={
                "minutes": minutes,
                "credit_drawn": paid.drawn,
                "pay_minutes": paid.pay_minutes,
                "pay_net": pay_net,
            },
        )
        await ServiceOrder.update(
            {
                ServiceOrder.logged_minutes: ServiceOrder.logged_minutes + minutes,
                ServiceOrder.credit_drawn: ServiceOrder.credit_drawn + paid.drawn,
                ServiceOrder.updated_at: at,
            }
        ).where(ServiceOrder.id == order_id)
        if paid.pay_minutes:
            await _tell_beyond_credit(row, actor, paid.pay_minutes, pay_net)
    return await get_order(actor, order_id)


async def _minutes_paid_by_credit(order_id: int, except_log: int) -> int:
    """The order's minutes drawn from credit so far: where its cumulative cost goes on from."""
    logs = await WorkLog.select(WorkLog.minutes, WorkLog.pay_minutes).where(
        (WorkLog.order == order_id) & (WorkLog.id != except_log)
    )
    return sum(log["minutes"] - log["pay_minutes"] for log in logs)


async def _tell_beyond_credit(row: Row, actor: Actor, pay_minutes: int, pay_net: int) -> None:
    """The customer's managers and the order's engineer hear that the credit ran out."""
    context = {"number": row["number"], "order_id": row["id"], "minutes": pay_minutes, "amount": pay_net}
    await enqueue_for_managers(row["company"], "work_beyond_credit", context)
    await enqueue_for_staff_member(
        row["assigned_to"] or actor.id,
        "work_beyond_credit_staff",
        context | {"company": await accounts.company_name(row["company"])},
        row["company"],
    )
