"""An order as the API and the pages show it: its row, history, work logs and ticket, mapped to
OrderOut in the reader's language, with the actions the reader may take."""

from __future__ import annotations

from typing import Any

from backend.accounts.domain import Actor
from backend.clock import aware, today
from backend.errors import N_
from backend.i18n import current_language, gettext
from backend.orders import domain
from backend.orders.domain import Billing, OrderStatus
from backend.orders.schemas import AmountOut, CompanyRef, HistoryEntry, OrderOut, QuoteOut, WorkLogOut

AUTOMATIC = N_("Portal (automatic)")


def order_out(
    row: dict[str, Any],
    actor: Actor,
    events: list[dict[str, Any]],
    work: list[dict[str, Any]] | None = None,
    ticket: dict[str, Any] | None = None,
    invoice: dict[str, Any] | None = None,
) -> OrderOut:
    status = OrderStatus(row["status"])
    billing = Billing(row["billing"])
    return OrderOut(
        id=row["id"],
        number=row["number"],
        status=status.value,
        billing=billing.value,
        service_code=row["service_code"],
        service_name=row["service_name_en"] if current_language() == "en" else row["service_name_cs"],
        quantity=domain.quantity_text(row["quantity"]),
        unit=row["unit"],
        description=row["description"],
        delivery=row["delivery"],
        preferred_date=row["preferred_date"],
        unit_price=row["unit_price"],
        estimate=AmountOut(net=row["estimate_net"], vat=row["estimate_vat"], gross=row["estimate_gross"]),
        quote=_quote_out(row),
        scheduled_for=row["scheduled_for"],
        assigned_to=row["assigned_to_name"],
        reject_reason=row["reject_reason"],
        logged_minutes=row["logged_minutes"],
        credit_drawn=row["credit_drawn"],
        sbp_unit_price=row["sbp_unit_price"],
        created_at=aware(row["created_at"]),
        company=CompanyRef(id=row["company"], name=row["company_name"]),
        created_by=row["created_by_name"],
        history=[_history_out(event) for event in events],
        actions=[
            *(action.value for action in domain.allowed_actions(billing, status, actor.role)),
            *(["continue_as_pay"] if domain.may_continue_as_pay(billing, status, actor.role) else []),
        ],
        work_logs=[_work_log_out(work_log) for work_log in work or []],
        ticket_id=ticket["id"] if ticket else None,
        ticket_number=ticket["number"] if ticket else None,
        invoice_id=invoice["id"] if invoice else None,
        invoice_number=invoice["number"] if invoice else None,
    )


def _quote_out(row: dict[str, Any]) -> QuoteOut | None:
    if row["quote_net"] is None:
        return None
    return QuoteOut(
        net=row["quote_net"],
        vat=row["quote_vat"],
        gross=row["quote_gross"],
        valid_until=row["quote_valid_until"],
        note=row["quote_note"],
        expired=row["quote_valid_until"] < today(),
        revision=row["quote_revision"],
        fixed=row["quote_fixed"],
    )


def _history_out(event: dict[str, Any]) -> HistoryEntry:
    # the portal's own steps have no actor; their notes are msgids, shown in the reader's language
    automatic = not event["actor_name"]
    return HistoryEntry(
        at=aware(event["at"]),
        actor=gettext(AUTOMATIC) if automatic else event["actor_name"],
        from_=event["from_status"],
        to=event["to_status"],
        note=gettext(note) if automatic and (note := event["note"]) else event["note"],
    )


def _work_log_out(work_log: dict[str, Any]) -> WorkLogOut:
    return WorkLogOut(
        at=aware(work_log["logged_at"]),
        staff=work_log["staff_name"],
        minutes=work_log["minutes"],
        note=work_log["note"],
        credit_drawn=work_log["credit_drawn"],
        pay_minutes=work_log["pay_minutes"],
        pay_net=work_log["pay_net"],
    )
