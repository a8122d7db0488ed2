"""Use cases of invoices: what each source bills (a completed order, an approved SBP plan, an SLA
contract's month, staff by hand), credit notes, payments and overdue reminders. Issuing itself is
issuing.issue, the one writer of invoice rows.

A completed order is invoiced in the same transaction as its completion: the completion and its
invoice are one fact, so there is never a completed order left unbilled and no retry step to
run; the PDF is rendered after the commit (``render_soon``), outside the counter's lock."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from piccolo.columns.combination import WhereRaw

from backend.accounts.domain import Actor
from backend.accounts.tables import Company
from backend.audit.services import record
from backend.catalog.tables import Service
from backend.clock import PRAGUE, now, today
from backend.db import json_value, locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound
from backend.formatting import PER_UNIT
from backend.i18n import gettext, reset_language, use_language
from backend.invoices import domain, files, issuing
from backend.invoices.document import LineIn, Unit, decode
from backend.invoices.domain import Kind, LoggedWork, OrderBill, SourceKind
from backend.invoices.issuing import Original, Source
from backend.invoices.queries import LEFT_SQL
from backend.invoices.schemas import CreditNoteIn, ManualInvoiceIn, PaymentIn
from backend.invoices.tables import Invoice, InvoicePayment
from backend.money import QUANTITY_SCALE, format_czk
from backend.notifications.services import enqueue_for_managers
from backend.settings import get_settings
from backend.sla.tables import SlaContract
from backend.webhooks.services import emit

logger = logging.getLogger("portal.invoices")
Row = dict[str, Any]


def _in(language: str, message: str, **params: Any) -> str:
    token = use_language(language)
    try:
        return gettext(message, **params)
    finally:
        reset_language(token)


# --- a completed order --------------------------------------------------------------------------------


async def invoice_completed_order(order: Row, actor: Actor) -> int | None:
    """Bill a completed order (its locked row), in the completion's transaction; None when there
    is nothing to bill (SBP work all paid from credit)."""
    from backend.orders.placing import pay_discount
    from backend.orders.tables import WorkLog

    service = (
        await Service.select(Service.name_cs, Service.name_en).where(Service.id == order["service"]).first()
    )
    language = await issuing.language_of(order["company"])
    logs = await WorkLog.select(WorkLog.minutes, WorkLog.pay_minutes, WorkLog.pay_net, WorkLog.billing).where(
        WorkLog.order == order["id"]
    )
    name = service["name_en"] if language == "en" else service["name_cs"]
    discount = await pay_discount(order["company"])
    bill = OrderBill(
        number=order["number"],
        service_name=name,
        billing=order["billing"],
        unit=Unit(order["unit"]),
        quantity=order["quantity"],
        unit_price=order["unit_price"],
        vat_rate=order["vat_rate"],
        quote_net=order["quote_net"],
        quote_fixed=order["quote_fixed"],
        discount_percent=discount,
        logs=[LoggedWork(log["minutes"], log["pay_minutes"], log["pay_net"], log["billing"]) for log in logs],
    )

    def describe(kind: str, minutes: int, *, lot: bool) -> str:
        if kind == "beyond_credit":
            return _in(
                language,
                N_("%(service)s – work beyond prepaid credit, %(minutes)s min"),
                service=name,
                minutes=minutes,
            )
        if not lot:
            return name
        rate = f"{format_czk(order['unit_price'], language)} {_in(language, PER_UNIT[order['unit']])}"
        if discount:
            return _in(
                language,
                N_("%(service)s – %(minutes)s min at %(rate)s less %(discount)s %% (SLA)"),
                service=name,
                minutes=minutes,
                rate=rate,
                discount=discount,
            )
        return _in(
            language,
            N_("%(service)s – %(minutes)s min at %(rate)s"),
            service=name,
            minutes=minutes,
            rate=rate,
        )

    lines = domain.order_lines(bill, describe)
    if not lines:
        return None
    invoice_id, _ = await issuing.issue(
        order["company"],
        Kind.INVOICE,
        lines,
        source=Source(SourceKind.ORDER, order["id"], f"order:{order['id']}"),
        taxable_supply_on=today(),
        actor=actor,
        note=_in(language, N_("Order %(number)s"), number=order["number"]),
    )
    return invoice_id


# --- an approved SBP plan -----------------------------------------------------------------------------


async def invoice_plan_purchase(subscription: Row, plan: Row, actor: Actor) -> int:
    """Bill an approved SBP plan at its price, in the approval's transaction; DUZP the approval."""
    language = await issuing.language_of(subscription["company"])
    name = plan["name_en"] if language == "en" else plan["name_cs"]
    line = LineIn(
        description=_in(language, N_("Prepaid support credit (SBP): %(plan)s"), plan=name),
        quantity=QUANTITY_SCALE,
        unit=Unit.PIECE,
        unit_price=subscription["price"],
        vat_rate_percent=get_settings().vat_rate_percent,
    )
    invoice_id, _ = await issuing.issue(
        subscription["company"],
        Kind.INVOICE,
        [line],
        source=Source(SourceKind.SUBSCRIPTION, subscription["id"], f"subscription:{subscription['id']}"),
        taxable_supply_on=today(),
        actor=actor,
    )
    return invoice_id


# --- SLA monthly fees ---------------------------------------------------------------------------------


async def issue_sla_fees(on: date | None = None) -> int:
    """Issue this month's fee of every SLA contract active in it, from the month's first working
    day on; idempotent (one invoice per contract and month, however many processes run this)."""
    on = on or today()
    month = domain.sla_fee_due(on)
    if month is None:
        return 0
    contracts = await SlaContract.select(
        SlaContract.id,
        SlaContract.company,
        SlaContract.monthly_fee,
        SlaContract.valid_from,
        SlaContract.valid_until,
        SlaContract.plan.name_cs.as_alias("plan_name_cs"),
        SlaContract.plan.name_en.as_alias("plan_name_en"),
    ).where(SlaContract.monthly_fee > 0)
    issued = 0
    for contract in contracts:
        if not domain.contract_covers_month(contract["valid_from"], contract["valid_until"], month):
            continue
        key = domain.sla_fee_key(contract["id"], month)
        if await issuing.existing(key) is not None:
            continue
        try:
            issued += await _issue_sla_fee(contract, month, key, on)
        except Conflict:  # the unique source key refused a second copy: it is issued, go on
            logger.warning("SLA fee %s was issued by another process meanwhile", key)
    return issued


async def _issue_sla_fee(contract: Row, month: date, key: str, on: date) -> int:
    language = await issuing.language_of(contract["company"])
    plan = contract["plan_name_en"] if language == "en" else contract["plan_name_cs"]
    line = LineIn(
        description=_in(
            language,
            N_("SLA service contract %(plan)s, %(month)s"),
            plan=plan,
            month=f"{month.month}/{month.year}",
        ),
        quantity=QUANTITY_SCALE,
        unit=Unit.MONTH,
        unit_price=contract["monthly_fee"],
        vat_rate_percent=get_settings().vat_rate_percent,
    )
    async with write_transaction():
        _, new = await issuing.issue(
            contract["company"],
            Kind.INVOICE,
            [line],
            source=Source(SourceKind.SLA_FEE, contract["id"], key),
            taxable_supply_on=domain.month_end(month),
            actor=None,
            issued_on=on,
        )
    return 1 if new else 0


# --- by hand ------------------------------------------------------------------------------------------


def _hundredths(raw: Decimal | int, field: str) -> int:
    value = Decimal(raw)
    if not value.is_finite() or value <= 0:
        raise InvalidInput(N_("The quantity must be more than zero."), field=field)
    scaled = value * QUANTITY_SCALE
    if scaled != scaled.to_integral_value():
        raise InvalidInput(N_("Enter the quantity with at most two decimal places."), field=field)
    if scaled > domain.MAX_QUANTITY:
        raise InvalidInput(N_("The quantity is too large."), field=field)
    return int(scaled)


async def issue_manual(actor: Actor, data: ManualInvoiceIn) -> int:
    """Staff admin bills a company for work outside the catalogue, lines typed in."""
    actor.require_staff_admin()
    if not await Company.exists().where(Company.id == data.company_id):
        raise InvalidInput(N_("Choose a company."), field="company_id")
    lines = domain.check_manual_lines(
        [
            LineIn(
                description=line.description,
                quantity=_hundredths(line.quantity, f"lines.{index}.quantity"),
                unit=Unit(line.unit),
                unit_price=line.unit_price,
                vat_rate_percent=line.vat_rate_percent,
            )
            for index, line in enumerate(data.lines)
        ]
    )
    supply = data.taxable_supply_on or today()
    if supply > today() + timedelta(days=31) or supply < today() - timedelta(days=366):
        raise InvalidInput(
            N_("Choose the day the work was done (within the last year)."), field="taxable_supply_on"
        )
    note = " ".join(data.note.split())[:500] or None
    async with write_transaction():
        invoice_id, _ = await issuing.issue(
            data.company_id,
            Kind.INVOICE,
            lines,
            source=Source(SourceKind.MANUAL),
            taxable_supply_on=supply,
            actor=actor,
            note=note,
        )
    await render_soon(invoice_id)
    return invoice_id


# --- credit notes -------------------------------------------------------------------------------------


async def _locked_invoice(invoice_id: int) -> Row:
    row = await locked(Invoice.select().where(Invoice.id == invoice_id)).first()
    if row is None:
        raise NotFound(N_("Invoice not found."))
    return row


async def credit_notes_of(invoice_id: int) -> list[Row]:
    return await Invoice.select(Invoice.id, Invoice.total, Invoice.credited_lines).where(
        Invoice.original == invoice_id
    )


async def paid_on(invoice_id: int) -> int:
    rows = await InvoicePayment.select(InvoicePayment.amount).where(InvoicePayment.invoice == invoice_id)
    return sum(row["amount"] for row in rows)


async def issue_credit_note(actor: Actor, invoice_id: int, data: CreditNoteIn) -> int:
    """Staff admin corrects an invoice: all that is left of it, or chosen lines and quantities,
    with a reason. It never takes back more than is left of a line."""
    actor.require_staff_admin()
    reason = domain.check_reason(data.reason)
    async with write_transaction():
        row = await _locked_invoice(invoice_id)
        if row["kind"] != Kind.INVOICE:
            raise Conflict(N_("A credit note corrects an invoice, not another credit note."))
        document = decode(row["snapshot"])
        earlier = await credit_notes_of(invoice_id)
        taken = domain.credited_quantities(document.lines, [json_value(c["credited_lines"]) for c in earlier])
        wanted = (
            None
            if data.lines is None
            else [
                (line.line, _hundredths(line.quantity, f"lines.{index}.quantity"))
                for index, line in enumerate(data.lines)
            ]
        )
        chosen = domain.credit_note_lines(document.lines, wanted, taken)
        credit_id, _ = await issuing.issue(
            row["company"],
            Kind.CREDIT_NOTE,
            [line for _, line in chosen],
            source=Source(SourceKind.CREDIT_NOTE, invoice_id),
            taxable_supply_on=today(),
            actor=actor,
            original=Original(row["id"], row["number"], row["issued_on"], [], document.variable_symbol),
            reason=reason,
            credited_lines=[[number, -line.quantity] for number, line in chosen],
        )
    await render_soon(credit_id)
    return credit_id


# --- payments -----------------------------------------------------------------------------------------


async def record_payment(actor: Actor, invoice_id: int, data: PaymentIn) -> None:
    """Staff admin records money received; a partial payment leaves the rest due."""
    actor.require_staff_admin()
    day = data.paid_on or today()
    async with write_transaction():
        row = await _locked_invoice(invoice_id)
        if row["kind"] != Kind.INVOICE:
            raise Conflict(N_("A credit note is not paid; it corrects an invoice."))
        credited = -sum(c["total"] for c in await credit_notes_of(invoice_id))
        balance = domain.Balance(total=row["total"], paid=await paid_on(invoice_id), credited=credited)
        domain.check_payment(data.amount, day, row["issued_on"], today(), balance.left)
        await InvoicePayment.insert(
            InvoicePayment(
                invoice=invoice_id,
                paid_on=day,
                amount=data.amount,
                recorded_by=actor.id,
                recorded_by_name=actor.full_name,
                note=" ".join(data.note.split())[:500],
                recorded_at=now(),
            )
        )
        left = balance.left - data.amount
        await record(
            "invoice.paid" if left == 0 else "invoice.payment",
            object_type="invoice",
            object_id=invoice_id,
            actor=actor,
            company_id=row["company"],
            before={"left": balance.left},
            after={"amount": data.amount, "paid_on": day.isoformat(), "left": left},
        )
        if left == 0:
            await emit("invoice.paid", row["company"], {"invoice_id": invoice_id, "number": row["number"]})


# --- reminders and the schedule ------------------------------------------------------------------------


async def send_reminders(on: date | None = None) -> int:
    """Overdue invoices: a reminder to the company's managers the first day after the due date,
    then every INVOICE_REMINDER_EVERY_DAYS, at most INVOICE_REMINDER_CAP times. Each invoice is
    locked while it is decided, so two processes never remind it twice."""
    on = on or today()
    settings = get_settings()
    candidates = await Invoice.select(Invoice.id).where(
        (Invoice.kind == Kind.INVOICE.value)
        & (Invoice.due_on < on)
        & (Invoice.reminders_sent < settings.invoice_reminder_cap)
        & WhereRaw(f"{LEFT_SQL} > 0")  # paid ones are never looked at again
    )
    sent = 0
    for candidate in candidates:
        async with write_transaction():
            row = await _locked_invoice(candidate["id"])
            if not domain.reminder_due(
                row["due_on"],
                on,
                row["reminders_sent"],
                row["reminded_on"],
                every_days=settings.invoice_reminder_every_days,
                cap=settings.invoice_reminder_cap,
            ):
                continue
            credited = -sum(c["total"] for c in await credit_notes_of(row["id"]))
            left = domain.Balance(row["total"], await paid_on(row["id"]), credited).left
            if left == 0:
                continue
            await Invoice.update(
                {Invoice.reminders_sent: row["reminders_sent"] + 1, Invoice.reminded_on: on}
            ).where(Invoice.id == row["id"])
            await enqueue_for_managers(
                row["company"],
                "invoice_overdue",
                {
                    "number": row["number"],
                    "invoice_id": row["id"],
                    "amount": left,
                    "due_on": row["due_on"].isoformat(),
                    "variable_symbol": row["variable_symbol"],
                },
                attachments=[{"invoice_id": row["id"]}],
            )
            sent += 1
    return sent


async def run_schedule(on: date | None = None) -> tuple[int, int]:
    """One round of the invoice scheduler: the month's SLA fees, then overdue reminders."""
    on = on or now().astimezone(PRAGUE).date()
    fees = await issue_sla_fees(on)
    reminders = await send_reminders(on)
    await files.render_missing()
    if fees or reminders:
        logger.info("invoices: %d SLA fee(s) issued, %d reminder(s) written", fees, reminders)
    return fees, reminders


async def render_soon(invoice_id: int | None) -> None:
    """Render a new document's files right after its transaction. The document is issued
    whatever happens here: a failure is logged, and the schedule's next round renders it."""
    if invoice_id is None:
        return
    try:
        await files.ensure_files(invoice_id)
    except Exception:
        logger.exception("invoice %s: rendering its files failed; the schedule tries again", invoice_id)
