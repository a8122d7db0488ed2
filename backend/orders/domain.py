"""Pure rules of orders: the lifecycle state machine, quantities, price, routing and numbering."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from backend.accounts.domain import Role
from backend.catalog.domain import UNIT_MAXIMUM_HUNDREDTHS, Unit
from backend.errors import N_, Conflict, InvalidInput, Money, Msg, PermissionDenied
from backend.money import MAX_AMOUNT, QUANTITY_SCALE, Amount, line_amount

DESCRIPTION_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000
WORK_LOG_MAX_MINUTES = 24 * 60
NUMBER_PREFIX = "OBJ"
QUOTE_VALID_DAYS = 30  # a quote is valid this long unless staff choose another date
UNUSUAL_QUOTE_FACTOR = 3  # a quote more than this many times its estimate is confirmed first


class OrderStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    QUOTED = "quoted"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    OrderStatus.SUBMITTED: N_("Submitted"),
    OrderStatus.QUOTED: N_("Quoted"),
    OrderStatus.ACCEPTED: N_("Quote accepted"),
    OrderStatus.APPROVED: N_("Approved"),
    OrderStatus.IN_PROGRESS: N_("In progress"),
    OrderStatus.COMPLETED: N_("Completed"),
    OrderStatus.DECLINED: N_("Quote declined"),
    OrderStatus.REJECTED: N_("Rejected"),
    OrderStatus.CANCELLED: N_("Cancelled"),
}


class Billing(enum.StrEnum):
    PAY = "pay"
    SBP = "sbp"


class Action(enum.StrEnum):
    QUOTE = "quote"
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
    APPROVE = "approve"
    REJECT = "reject"
    START = "start"
    COMPLETE = "complete"


ACTION_LABELS = {
    Action.QUOTE: N_("quote"),
    Action.ACCEPT: N_("accept"),
    Action.DECLINE: N_("decline"),
    Action.CANCEL: N_("cancel"),
    Action.APPROVE: N_("approve"),
    Action.REJECT: N_("reject"),
    Action.START: N_("start"),
    Action.COMPLETE: N_("complete"),
}

S = OrderStatus
STAFF_ROLES = frozenset({Role.STAFF, Role.STAFF_ADMIN})
MANAGER_ROLES = frozenset({Role.CUSTOMER_MANAGER})


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    sources: frozenset[OrderStatus]
    target: OrderStatus
    roles: frozenset[Role]


# The whole lifecycle, per billing. PAY: submitted → quoted → accepted → approved → in_progress →
# completed, with declined / rejected / cancelled on the way. SBP skips the quote.
TRANSITIONS: dict[Billing, tuple[Transition, ...]] = {
    Billing.PAY: (
        Transition(Action.QUOTE, frozenset({S.SUBMITTED, S.QUOTED}), S.QUOTED, STAFF_ROLES),
        Transition(Action.ACCEPT, frozenset({S.QUOTED}), S.ACCEPTED, MANAGER_ROLES),
        Transition(Action.DECLINE, frozenset({S.QUOTED}), S.DECLINED, MANAGER_ROLES),
        Transition(Action.CANCEL, frozenset({S.SUBMITTED, S.QUOTED, S.ACCEPTED}), S.CANCELLED, MANAGER_ROLES),
        Transition(Action.APPROVE, frozenset({S.ACCEPTED}), S.APPROVED, STAFF_ROLES),
        Transition(Action.REJECT, frozenset({S.SUBMITTED, S.QUOTED, S.ACCEPTED}), S.REJECTED, STAFF_ROLES),
        Transition(Action.START, frozenset({S.APPROVED}), S.IN_PROGRESS, STAFF_ROLES),
        Transition(Action.COMPLETE, frozenset({S.IN_PROGRESS}), S.COMPLETED, STAFF_ROLES),
    ),
    Billing.SBP: (
        Transition(Action.CANCEL, frozenset({S.SUBMITTED}), S.CANCELLED, MANAGER_ROLES),
        Transition(Action.APPROVE, frozenset({S.SUBMITTED}), S.APPROVED, STAFF_ROLES),
        Transition(Action.REJECT, frozenset({S.SUBMITTED}), S.REJECTED, STAFF_ROLES),
        Transition(Action.START, frozenset({S.APPROVED}), S.IN_PROGRESS, STAFF_ROLES),
        Transition(Action.COMPLETE, frozenset({S.IN_PROGRESS}), S.COMPLETED, STAFF_ROLES),
    ),
}

FINAL_STATUSES = frozenset({S.COMPLETED, S.DECLINED, S.REJECTED, S.CANCELLED})
WORK_STATUSES = frozenset({S.APPROVED, S.IN_PROGRESS})
# What waits for the support team: new requests and accepted quotes.
STAFF_QUEUE_STATUSES = (S.SUBMITTED, S.ACCEPTED)


def transition_for(billing: Billing, action: Action) -> Transition | None:
    return next((t for t in TRANSITIONS[billing] if t.action is action), None)


def next_status(billing: Billing, current: OrderStatus, action: Action, role: Role) -> OrderStatus:
    """The status an action leads to, or the refusal that says why not: a role that never takes
    this action is refused (PermissionDenied); otherwise an action the order's billing or current
    status does not allow is a Conflict that names the status."""
    if not any(t.action is action and role in t.roles for rules in TRANSITIONS.values() for t in rules):
        raise PermissionDenied(
            N_("Your role cannot do this with orders (%(action)s)."), action=Msg(ACTION_LABELS[action])
        )
    transition = transition_for(billing, action)
    if transition is None or role not in transition.roles or current not in transition.sources:
        raise Conflict(
            N_("The order is in status “%(status)s”; “%(action)s” is not possible now."),
            status=Msg(STATUS_LABELS[current]),
            action=Msg(ACTION_LABELS[action]),
        )
    return transition.target


def may_continue_as_pay(billing: Billing, current: OrderStatus, role: Role) -> bool:
    """SBP work whose credit ran out may go on as PAY (staff decide), while it is being worked on."""
    return billing is Billing.SBP and current in WORK_STATUSES and role in STAFF_ROLES


def allowed_actions(billing: Billing, current: OrderStatus, role: Role) -> list[Action]:
    return [t.action for t in TRANSITIONS[billing] if current in t.sources and role in t.roles]


# --- quantities -----------------------------------------------------------------------------------


UNIT_STEP_HUNDREDTHS = {Unit.HOUR: 25, Unit.DAY: 50, Unit.PIECE: 100}  # quarter hours, half days, pieces
STEP_MESSAGES = {
    Unit.PIECE: N_("Pieces are counted in whole numbers."),
    Unit.HOUR: N_("Hours are ordered in quarter hours (e.g. 1.25)."),
    Unit.DAY: N_("Days are ordered in half days (e.g. 1.5)."),
}


PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)  # as JSON and people write it


def _not_a_number() -> InvalidInput:
    return InvalidInput(N_("Enter the quantity as a number, for example 1.5."), field="quantity")


def quantity_hundredths(raw: Decimal | int | str, unit: Unit) -> int:
    """A positive quantity in the service's step (quarter hours, half days, pieces), as
    hundredths. Read from the Decimal's own digits, never by multiplying it: an exponent far out
    of range would underflow to zero. Anything that is not exactly such a number (an exponent,
    `NaN`, a value that rounds to nothing, more decimals than the step) is refused with a message
    that says what the unit allows."""
    if isinstance(raw, str) and not PLAIN_DECIMAL.fullmatch(raw.strip()):
        raise _not_a_number()
    try:
        value = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except (InvalidOperation, ValueError, TypeError):
        raise _not_a_number() from None
    if not value.is_finite():
        raise _not_a_number()
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if exponent > 0:  # 1E+2: written with an exponent, not as a person writes a quantity
        raise _not_a_number()
    significant = "".join(map(str, digits)).rstrip("0")
    if sign or not significant:
        raise InvalidInput(N_("The quantity must be more than zero."), field="quantity")
    exponent += len(digits) - len(significant)  # 1.50 is 15 × 10⁻¹
    maximum = UNIT_MAXIMUM_HUNDREDTHS[unit]
    if len(significant) + exponent > len(str(maximum)):  # more whole digits than any allowed value
        raise _too_much(unit)
    if exponent < -2:  # finer than a hundredth, so finer than any step (1E-999999999 among them)
        raise InvalidInput(STEP_MESSAGES[unit], field="quantity")
    hundredths = int(significant) * 10 ** (exponent + 2)
    if hundredths > maximum:
        raise _too_much(unit)
    if hundredths % UNIT_STEP_HUNDREDTHS[unit]:
        raise InvalidInput(STEP_MESSAGES[unit], field="quantity")
    return hundredths


def _too_much(unit: Unit) -> InvalidInput:
    return InvalidInput(
        N_("At most %(max)s at once; contact us for larger work."),
        field="quantity",
        max=str(UNIT_MAXIMUM_HUNDREDTHS[unit] // QUANTITY_SCALE),
    )


def quantity_text(hundredths: int) -> str:
    """Hundredths back to a plain decimal: 150 → "1.5", 200 → "2"."""
    value = Decimal(hundredths) / QUANTITY_SCALE
    return format(value.normalize(), "f")


def check_description(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(N_("Describe what you need."), field="description")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            N_("The description may have at most %(max)d characters; attach details later in the order."),
            field="description",
            max=DESCRIPTION_MAX_LENGTH,
        )
    return text


def check_note(raw: str | None, *, field: str = "note", required: bool = False) -> str:
    text = (raw or "").strip()
    if required and not text:
        message = N_("Give a reason.") if field == "reason" else N_("Write a short note.")
        raise InvalidInput(message, field=field)
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidInput(N_("At most %(max)d characters, please."), field=field, max=NOTE_MAX_LENGTH)
    return text


PLANNING_HORIZON_DAYS = 2 * 366


def check_future_date(value: date | None, today: date, *, field: str) -> date | None:
    """Today or later, and within two years: a date further out is a typo, not a plan."""
    if value is not None and value < today:
        raise InvalidInput(N_("Choose today or a later date."), field=field)
    if value is not None and (value - today).days > PLANNING_HORIZON_DAYS:
        raise InvalidInput(N_("Choose a date within the next two years."), field=field)
    return value


def check_minutes(minutes: int) -> int:
    if minutes <= 0 or minutes > WORK_LOG_MAX_MINUTES:
        raise InvalidInput(
            N_("Log between 1 and %(max)d minutes at a time."), field="minutes", max=WORK_LOG_MAX_MINUTES
        )
    return minutes


# --- price --------------------------------------------------------------------------------------


def price(
    billing: Billing,
    *,
    pay_price: int,
    sbp_price: int,
    quantity: int,
    vat_rate: int,
    sla_discount: int = 0,
) -> Amount:
    """What ``quantity`` (hundredths) of a service costs, net, VAT and gross in haléře. SBP is
    drawn from credit at the SBP rate, with no discount; PAY is the list rate less the SLA
    contract's discount (percent), the line rounded once after the discount, VAT on that net.
    A line above the one ceiling on amounts is refused: it could never be quoted or paid."""
    if billing is Billing.SBP:
        amount = line_amount(sbp_price, quantity, vat_rate)
    else:
        amount = line_amount(pay_price, quantity, vat_rate, sla_discount)
    if amount.net > MAX_AMOUNT:
        raise AmountTooLarge(amount.net)
    return amount


class AmountTooLarge(InvalidInput):
    def __init__(self, net: int) -> None:
        super().__init__(
            N_("This much would cost more than %(max)s at once; order less, or contact us."),
            field="quantity",
            max=Money(MAX_AMOUNT),
        )
        self.net = net


def work_quantity(minutes: int, unit: str) -> Fraction:
    """Logged minutes in the service's unit (an hour of 60, a day of 8 × 60 minutes), exactly."""
    return Fraction(minutes, MINUTES_PER_UNIT[Unit(unit)])


MINUTES_PER_UNIT = {Unit.HOUR: 60, Unit.DAY: 8 * 60}


# --- routing --------------------------------------------------------------------------------------


class SupportLevel(enum.StrEnum):
    HOTLINE = "hotline"
    SLA = "sla"
    SBP = "sbp"
    PAY = "pay"


@dataclass(frozen=True, slots=True)
class Entitlements:
    """What a company holds when it makes a request (filled from ALC, SLA and SBP records)."""

    alc_products: frozenset[str] = frozenset()
    sla_active: bool = False
    sla_discount: int = 0  # percent off PAY rates under the SLA contract
    sbp_balance: int = 0


def route_request(
    entitlements: Entitlements, *, sbp_estimate: int | None, incident_product: str | None = None
) -> SupportLevel:
    """SPEC §3 Routing: an incident on an ALC product → Hotline; an active SLA → its terms;
    SBP credit that covers the estimate → SBP; otherwise → PAY."""
    if incident_product is not None and incident_product in entitlements.alc_products:
        return SupportLevel.HOTLINE
    if entitlements.sla_active:
        return SupportLevel.SLA
    if sbp_estimate is not None and 0 < sbp_estimate <= entitlements.sbp_balance:
        return SupportLevel.SBP
    return SupportLevel.PAY


# --- numbering ------------------------------------------------------------------------------------


def order_number(year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{sequence:05d}"


def quote_is_unusual(quote_net: int, estimate_net: int) -> bool:
    """A quote more than three times its estimate is more often a slip of the keyboard (a zero
    too many) than a price: whoever sends it confirms it, seeing both figures. Without an estimate
    to compare with, no quote is unusual."""
    return estimate_net > 0 and quote_net > UNUSUAL_QUOTE_FACTOR * estimate_net
