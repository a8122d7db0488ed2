"""Pure rules of invoices: numbers and variable symbols, the dates a document carries, what each
source bills (its lines), what a credit note may take back, the status a person sees and when an
overdue invoice is reminded. No database, no framework.

Dates (§ 21 of the VAT act, the date of taxable supply, DUZP):
- a completed order: the day the work was completed (the service was supplied then);
- an SBP plan: the day staff admin approved it (the credit is booked then, § 21(1));
- an SLA contract's monthly fee: the last day of the month it is for. The contract is a service
  supplied over the month; § 21(8) puts a supply over a period at the end of that period, and
  the invoice, issued on the month's first working day, is then a document issued before the
  supply, which § 28 allows. The first day would make the tax due before the month is served.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol

from backend.errors import N_, InvalidInput
from backend.invoices.document import Line, LineIn, Unit
from backend.money import MAX_AMOUNT, QUANTITY_SCALE, line_net
from backend.sla.domain import is_public_holiday

INVOICE_PREFIX = "FA"
CREDIT_NOTE_PREFIX = "DOD"
DESCRIPTION_MAX_LENGTH = 300
REASON_MAX_LENGTH = 500
MAX_LINES = 50
MAX_QUANTITY = 1_000_000 * QUANTITY_SCALE
VAT_RATES = (0, 12, 21)  # the Czech rates in force
MINUTES_PER_UNIT = {Unit.HOUR: 60, Unit.DAY: 8 * 60}


class Kind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class SourceKind(enum.StrEnum):
    ORDER = "order"
    SUBSCRIPTION = "subscription"
    SLA_FEE = "sla_fee"
    MANUAL = "manual"
    CREDIT_NOTE = "credit_note"


class Status(enum.StrEnum):
    ISSUED = "issued"  # waiting for payment, not yet due
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"  # due date passed (Prague), not fully paid
    CREDITED = "credited"  # taken back in full by credit notes
    OVERPAID = "overpaid"  # more was paid than is owed after credit notes: to be refunded


STATUS_LABELS = {
    Status.ISSUED: N_("Issued"),
    Status.PARTLY_PAID: N_("Partly paid"),
    Status.PAID: N_("Paid"),
    Status.OVERDUE: N_("Overdue"),
    Status.CREDITED: N_("Credited"),
    Status.OVERPAID: N_("Overpaid"),
}
KIND_LABELS = {Kind.INVOICE: N_("Invoice"), Kind.CREDIT_NOTE: N_("Credit note")}
SOURCE_LABELS = {
    SourceKind.ORDER: N_("Order"),
    SourceKind.SUBSCRIPTION: N_("SBP plan"),
    SourceKind.SLA_FEE: N_("SLA monthly fee"),
    SourceKind.MANUAL: N_("Issued by hand"),
    SourceKind.CREDIT_NOTE: N_("Credit note"),
}


# --- numbers ---------------------------------------------------------------------------------------


def document_number(kind: Kind, year: int, sequence: int) -> str:
    prefix = INVOICE_PREFIX if kind is Kind.INVOICE else CREDIT_NOTE_PREFIX
    return f"{prefix}-{year}-{sequence:05d}"


def variable_symbol(number: str) -> str:
    """The number's digits (FA-2026-00042 → 202600042): at most 10, as Czech banks take them."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-10:]


# --- dates -----------------------------------------------------------------------------------------


def due_date(issued_on: date, due_days: int) -> date:
    return issued_on + timedelta(days=due_days)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def first_working_day(month: date) -> date:
    """The month's first day that is neither a weekend nor a Czech public holiday."""
    day = month_start(month)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def sla_fee_due(today: date) -> date | None:
    """The month whose SLA fees are to be issued today: this month, from its first working day on
    (a scheduler that missed that day catches up later in the month), else none."""
    return month_start(today) if today >= first_working_day(today) else None


def sla_fee_key(contract_id: int, month: date) -> str:
    return f"sla:{contract_id}:{month:%Y-%m}"


def contract_covers_month(valid_from: date, valid_until: date | None, month: date) -> bool:
    """An SLA contract is billed for a month it is active in on any day of it."""
    return valid_from <= month_end(month) and (valid_until is None or valid_until >= month_start(month))


# --- status ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Balance:
    total: int
    paid: int
    credited: int  # the sum of its credit notes' totals, as a positive amount

    @property
    def left(self) -> int:
        return max(self.total - self.credited - self.paid, 0)

    @property
    def overpaid(self) -> int:
        """What was paid beyond what is owed once credit notes took their part: owed back."""
        return max(self.paid - (self.total - self.credited), 0)


def status_of(kind: Kind, balance: Balance, due_on: date, today: date) -> Status:
    """What a person sees: a credit note is simply issued; an invoice is paid once what is left
    after payments and credit notes is nothing, overdue after its due date (Prague) while any is
    left, partly paid while some was paid; overpaid when a credit note came after the payments
    and some of the money is to be given back."""
    if kind is Kind.CREDIT_NOTE:
        return Status.ISSUED
    if balance.overpaid > 0:
        return Status.OVERPAID
    if balance.left == 0:
        return Status.CREDITED if balance.paid == 0 and balance.credited > 0 else Status.PAID
    if due_on < today:
        return Status.OVERDUE
    return Status.PARTLY_PAID if balance.paid > 0 else Status.ISSUED


def check_payment(amount: int, paid_on: date, issued_on: date, today: date, left: int) -> None:
    if amount <= 0:
        raise InvalidInput(N_("The amount paid must be more than zero."), field="amount")
    if amount > left:
        raise InvalidInput(
            N_("Only %(left)s is left to pay on this invoice; enter at most that."),
            field="amount",
            left=_money(left),
        )
    if paid_on > today:
        raise InvalidInput(N_("A payment cannot be dated in the future."), field="paid_on")
    if paid_on < issued_on - timedelta(days=366):
        raise InvalidInput(N_("Choose the day the money arrived."), field="paid_on")


def _money(amount: int):
    from backend.errors import Money

    return Money(amount)


# --- reminders -------------------------------------------------------------------------------------


def reminder_due(
    due_on: date, today: date, sent: int, last_sent: date | None, *, every_days: int, cap: int
) -> bool:
    """Overdue: reminded the first day after the due date, then every ``every_days``, at most
    ``cap`` times."""
    if due_on >= today or sent >= cap:
        return False
    return last_sent is None or (today - last_sent).days >= every_days


# --- lines of each source --------------------------------------------------------------------------


def exact_quantity(minutes: int, unit: Unit) -> int | None:
    """Logged minutes as hundredths of the service's unit (an hour of 60, a day of 8 × 60
    minutes) when that is exact (90 minutes = 1.50 hours), else None (46 minutes = 0.7666… h)."""
    scaled = minutes * QUANTITY_SCALE
    per = MINUTES_PER_UNIT[unit]
    return scaled // per if scaled % per == 0 else None


def quoted_line(description: str, quantity: int, unit: Unit, quote_net: int, vat_rate: int) -> LineIn:
    """The accepted quote as one line. Its unit price is the quote per unit when that is a whole
    haléř; otherwise the whole quote is one lot (quantity 1), so the net is exactly the quote."""
    if quantity > 0 and (quote_net * QUANTITY_SCALE) % quantity == 0:
        return LineIn(
            description=description,
            quantity=quantity,
            unit=unit,
            unit_price=quote_net * QUANTITY_SCALE // quantity,
            vat_rate_percent=vat_rate,
        )
    return lot_line(description, quote_net, vat_rate)


def lot_line(description: str, net: int, vat_rate: int) -> LineIn:
    return LineIn(
        description=description,
        quantity=QUANTITY_SCALE,
        unit=Unit.PIECE,
        unit_price=net,
        vat_rate_percent=vat_rate,
    )


@dataclass(frozen=True, slots=True)
class LoggedWork:
    minutes: int
    pay_minutes: int  # on SBP: the part the credit did not cover
    pay_net: int  # ... and its net, as the customer was told when it was logged
    billing: str  # the order's billing when it was logged: pay | sbp


@dataclass(frozen=True, slots=True)
class OrderBill:
    """What an order is when it is completed, as the invoice reads it."""

    number: str
    service_name: str
    billing: str  # pay | sbp at completion
    unit: Unit
    quantity: int
    unit_price: int  # the PAY rate when it was ordered
    vat_rate: int
    quote_net: int | None
    quote_fixed: bool
    discount_percent: int  # the SLA contract's discount on PAY rates, at completion
    logs: Sequence[LoggedWork]


class Describe(Protocol):
    """The text of a time line in the customer's language: ``kind`` is "time" (PAY work) or
    "beyond_credit" (SBP work the credit did not cover); the rate is shown on a lot line."""

    def __call__(self, kind: str, minutes: int, *, lot: bool) -> str: ...


def order_lines(order: OrderBill, describe: Describe) -> list[LineIn]:
    """A completed order's lines. Flat-rate work: the accepted quote. Time work on PAY: the
    minutes logged at the PAY rate less the SLA discount, unless the quote fixed the price (or
    nothing was logged on a quoted order: then the quote is what was agreed). SBP work the credit
    could not cover: those minutes at the net each work log told the customer. Empty: nothing
    to bill (SBP work all paid from credit).

    A time line's quantity is the time in the service's unit when that is exact in hundredths;
    otherwise the line is one lot at the exact net (money.line_net, rounded once), its
    description naming the minutes and the rate, so nothing is rounded twice."""
    quoted = order.quote_net is not None and order.billing == "pay"
    if order.unit is Unit.PIECE:
        if not quoted:
            return []
        return [
            quoted_line(order.service_name, order.quantity, Unit.PIECE, order.quote_net or 0, order.vat_rate)
        ]
    pay_logs = [log for log in order.logs if log.billing == "pay"]
    if quoted and (order.quote_fixed or not order.logs):
        lines = [
            quoted_line(order.service_name, order.quantity, order.unit, order.quote_net or 0, order.vat_rate)
        ]
    else:
        lines = []
        minutes = sum(log.minutes for log in pay_logs)
        if minutes > 0:
            exact = exact_quantity(minutes, order.unit)
            if exact is not None:
                lines.append(
                    LineIn(
                        description=describe("time", minutes, lot=False),
                        quantity=exact,
                        unit=order.unit,
                        unit_price=order.unit_price,
                        vat_rate_percent=order.vat_rate,
                        discount_percent=order.discount_percent,
                    )
                )
            else:
                net = line_net(
                    order.unit_price, Fraction(minutes, MINUTES_PER_UNIT[order.unit]), order.discount_percent
                )
                lines.append(lot_line(describe("time", minutes, lot=True), net, order.vat_rate))
    beyond = [log for log in order.logs if log.billing == "sbp" and log.pay_minutes > 0]
    if beyond:
        minutes = sum(log.pay_minutes for log in beyond)
        net = sum(log.pay_net for log in beyond)
        lines.append(lot_line(describe("beyond_credit", minutes, lot=True), net, order.vat_rate))
    return lines


def check_manual_line(line: LineIn, index: int) -> LineIn:
    prefix = f"lines.{index}."
    description = " ".join(line.description.split())
    if not description:
        raise InvalidInput(N_("Describe what is billed."), field=prefix + "description")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            N_("At most %(max)d characters, please."),
            field=prefix + "description",
            max=DESCRIPTION_MAX_LENGTH,
        )
    if not 0 < line.quantity <= MAX_QUANTITY:
        raise InvalidInput(N_("The quantity must be more than zero."), field=prefix + "quantity")
    if not 0 <= line.unit_price <= MAX_AMOUNT:
        raise InvalidInput(N_("Enter a price of zero or more."), field=prefix + "unit_price")
    if line.vat_rate_percent not in VAT_RATES:
        raise InvalidInput(
            N_("Choose a VAT rate of %(rates)s %%."),
            field=prefix + "vat_rate_percent",
            rates=", ".join(map(str, VAT_RATES)),
        )
    if not 0 <= line.discount_percent <= 100:
        raise InvalidInput(N_("A discount is 0 to 100 percent."), field=prefix + "discount_percent")
    return LineIn(
        description=description,
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        vat_rate_percent=line.vat_rate_percent,
        discount_percent=line.discount_percent,
    )


def check_manual_lines(lines: Sequence[LineIn]) -> list[LineIn]:
    if not lines:
        raise InvalidInput(N_("Add at least one line."), field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(N_("At most %(max)d lines on one invoice."), field="lines", max=MAX_LINES)
    return [check_manual_line(line, index) for index, line in enumerate(lines)]


def check_total(total_net: int) -> None:
    if total_net > MAX_AMOUNT:
        raise InvalidInput(
            N_("An invoice of more than %(max)s is not possible."), field="lines", max=_money(MAX_AMOUNT)
        )


# --- credit notes ----------------------------------------------------------------------------------


def credited_quantities(
    original: Sequence[Line], credit_notes: Iterable[Sequence[Sequence[int]]]
) -> list[int]:
    """How much of each of the original's lines its credit notes have taken back so far (positive
    hundredths), from each credit note's ``credited_lines``: [[line number, quantity], ...]."""
    taken = [0] * len(original)
    for credited in credit_notes:
        for number, quantity in credited:
            if 1 <= number <= len(original):
                taken[number - 1] += quantity
    return taken


def credit_note_lines(
    original: Sequence[Line], wanted: Sequence[tuple[int, int]] | None, taken: Sequence[int]
) -> list[tuple[int, LineIn]]:
    """The lines of a credit note: for each chosen original line (1-based) and quantity, the same
    line with the quantity negative, at the original's unit price, rate and discount. ``None``
    takes back all that is left of every line. More than is left of a line is refused."""
    left = [line.quantity - done for line, done in zip(original, taken, strict=True)]
    if wanted is None:
        wanted = [(position + 1, rest) for position, rest in enumerate(left) if rest > 0]
        if not wanted:
            raise InvalidInput(N_("Everything on this invoice has already been credited."), field="lines")
    if not wanted:
        raise InvalidInput(N_("Choose at least one line to credit."), field="lines")
    lines: list[tuple[int, LineIn]] = []
    seen: set[int] = set()
    for index, (number, quantity) in enumerate(wanted):
        field = f"lines.{index}.quantity"
        if not 1 <= number <= len(original) or number in seen:
            raise InvalidInput(N_("Choose a line of the invoice."), field=f"lines.{index}.line")
        seen.add(number)
        if quantity <= 0:
            raise InvalidInput(N_("The quantity must be more than zero."), field=field)
        rest = left[number - 1]
        if quantity > rest:
            raise InvalidInput(
                N_("Only %(left)s of this line is left to credit."), field=field, left=quantity_text(rest)
            )
        line = original[number - 1]
        lines.append(
            (
                number,
                LineIn(
                    description=line.description,
                    quantity=-quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    vat_rate_percent=line.vat_rate_percent,
                    discount_percent=line.discount_percent,
                ),
            )
        )
    return lines


def quantity_text(hundredths: int) -> str:
    whole, part = divmod(abs(hundredths), QUANTITY_SCALE)
    sign = "-" if hundredths < 0 else ""
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:02d}".rstrip("0")


def check_reason(raw: str) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise InvalidInput(N_("Give a reason."), field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise InvalidInput(N_("At most %(max)d characters, please."), field="reason", max=REASON_MAX_LENGTH)
    return text
