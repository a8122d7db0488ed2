"""Pure rules of SBP prepaid credit: lots, draws soonest-expiring first, expiry of exactly what
was never used. No framework, no database: the services apply these to locked rows."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from backend.errors import N_, InvalidInput, Money
from backend.money import MAX_AMOUNT, line_net, round_half_up

MINUTES_PER_HOUR = 60
WORKDAY_MINUTES = 8 * 60  # a day of work, for services priced per day
EXPIRY_WARNING_DAYS = 30
CHART_MONTHS = 12  # the burn-down shows the balance at the start of each of the last 12 months
PACE_DAYS = 90  # the forecast goes on at the pace of drawing over the last 90 days

# ids of lots planned but not yet written: above every real id, in planning order, so that among
# lots of equal validity they are drawn last, as the newest are
PROVISIONAL_LOT_ID = 2**62


class EntryKind(enum.StrEnum):
    TOPUP = "topup"
    DRAW = "draw"
    EXPIRY = "expiry"
    ADJUSTMENT = "adjustment"


ENTRY_LABELS = {
    EntryKind.TOPUP: N_("Top-up"),
    EntryKind.DRAW: N_("Draw"),
    EntryKind.EXPIRY: N_("Expiry"),
    EntryKind.ADJUSTMENT: N_("Adjustment"),
}


@dataclass(frozen=True, slots=True)
class Lot:
    """What remains of one top-up (or positive adjustment), and when it expires."""

    id: int
    remaining: int
    expires_at: datetime


class InsufficientCredit(InvalidInput):
    """A draw or a negative adjustment asks for more than the unexpired credit; nothing is booked.
    Each says what was refused in its own words."""

    def __init__(self, available: int, requested: int, *, adjustment: bool = False) -> None:
        message = (
            N_(
                "The adjustment would take %(requested)s, but only %(available)s of prepaid credit "
                "is left; the balance cannot go below zero."
            )
            if adjustment
            else N_("Only %(available)s of prepaid credit is left, and this draw needs %(requested)s.")
        )
        super().__init__(message, field="amount", available=Money(available), requested=Money(requested))
        self.available = available
        self.requested = requested


def drawing_order(lots: Iterable[Lot]) -> list[Lot]:
    """Soonest to expire first (the oldest top-up of equal validity), so that what expires is
    only what could never have been used."""
    return sorted(lots, key=lambda lot: (lot.expires_at, lot.id))


def available(lots: Iterable[Lot], at: datetime) -> int:
    return sum(lot.remaining for lot in lots if lot.remaining > 0 and lot.expires_at > at)


def allocate(
    lots: Sequence[Lot], amount: int, at: datetime, *, adjustment: bool = False
) -> list[tuple[int, int]]:
    """Which lots a draw of ``amount`` takes from, and how much from each."""
    if amount <= 0:
        raise InvalidInput(N_("A draw must be more than zero."), field="amount")
    left = available(lots, at)
    if amount > left:
        raise InsufficientCredit(available=left, requested=amount, adjustment=adjustment)
    taken: list[tuple[int, int]] = []
    needed = amount
    for lot in drawing_order(lot for lot in lots if lot.remaining > 0 and lot.expires_at > at):
        take = min(lot.remaining, needed)
        taken.append((lot.id, take))
        needed -= take
        if needed == 0:
            break
    return taken


def after_taking(lots: Iterable[Lot], taken: Iterable[tuple[int, int]]) -> list[Lot]:
    """The lots as a draw planned by ``allocate`` leaves them."""
    took = dict(taken)
    return [Lot(lot.id, lot.remaining - took.get(lot.id, 0), lot.expires_at) for lot in lots]


def expiries(lots: Iterable[Lot], at: datetime) -> list[tuple[int, int]]:
    """The unused remainder of every lot past its expiry: exactly what expires now."""
    return [
        (lot.id, lot.remaining) for lot in drawing_order(lots) if lot.remaining > 0 and lot.expires_at <= at
    ]


MINUTES_PER_UNIT = {"hour": MINUTES_PER_HOUR, "day": WORKDAY_MINUTES}


def work_cost(price: int, unit: str, minutes: int, discount_percent: int = 0) -> int:
    """What ``minutes`` of work cost at a rate per hour or day, as one line rounded once."""
    per = MINUTES_PER_UNIT.get(unit)
    if per is None:
        raise ValueError(f"work on a {unit!r} service is not priced per minute")
    return line_net(price, Fraction(minutes, per), discount_percent)


@dataclass(frozen=True, slots=True)
class WorkDraw:
    """How one work log on an SBP order is paid: ``drawn`` haléře of credit for ``credit_minutes``
    of it, and the rest of its minutes as PAY work."""

    drawn: int
    credit_minutes: int
    pay_minutes: int


def plan_work_draw(sbp_price: int, unit: str, minutes_before: int, minutes: int, balance: int) -> WorkDraw:
    """A log of ``minutes`` on an order that already had ``minutes_before`` paid from credit.

    It draws cost(before + minutes) − cost(before), so the draws of an order add up to the cost
    of its total time, rounded once (a minute that costs less than a haléř draws 0 or 1 as the
    running total says). When that is more than the balance, the log draws the balance (to exactly
    zero) and covers the fewest minutes whose cumulative cost reaches it (the minute in which the
    credit ran out is paid by credit); the rest of its minutes are PAY work."""
    if minutes <= 0 or minutes_before < 0 or balance < 0:
        raise ValueError("minutes are positive, what was before and the balance not negative")
    base = work_cost(sbp_price, unit, minutes_before)
    cost = work_cost(sbp_price, unit, minutes_before + minutes) - base
    if cost <= balance:
        return WorkDraw(drawn=cost, credit_minutes=minutes, pay_minutes=0)
    low, high = 0, minutes  # cost of `high` more minutes reaches the balance, of `low` may not
    while low < high:
        middle = (low + high) // 2
        if work_cost(sbp_price, unit, minutes_before + middle) - base >= balance:
            high = middle
        else:
            low = middle + 1
    return WorkDraw(drawn=balance, credit_minutes=high, pay_minutes=minutes - high)


def check_amount(amount: int, *, allow_negative: bool = False) -> int:
    if amount == 0 or (amount < 0 and not allow_negative):
        raise InvalidInput(N_("Enter an amount other than zero."), field="amount")
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput(N_("That amount is too large."), field="amount")
    return amount


UNITS_LEFT_STEP = {"hour": Decimal("0.25"), "day": Decimal("0.5"), "piece": Decimal(1)}


def units_left(balance: int, unit_price: int, unit: str = "hour") -> Decimal:
    """How much work the balance buys at a rate, rounded down to what can be ordered:
    quarter hours, half days, whole pieces."""
    if unit_price <= 0 or balance <= 0:
        return Decimal(0)
    step = UNITS_LEFT_STEP.get(unit, Decimal("0.01"))
    return (Decimal(balance) / Decimal(unit_price) / step).to_integral_value(rounding=ROUND_DOWN) * step


@dataclass(frozen=True, slots=True)
class Lapse:
    amount: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Forecast:
    """Where drawing at the recent pace leads: when the balance reaches zero (None without a
    pace, or with nothing left) and what lapses unused on which date on the way."""

    runs_out_at: datetime | None
    lapses: tuple[Lapse, ...]

    @property
    def lapsing(self) -> int:
        return sum(lapse.amount for lapse in self.lapses)


def forecast(lots: Iterable[Lot], drawn_in_period: int, period_days: int, at: datetime) -> Forecast:
    """One simulation for the API and the page: draws go on at the pace of the last period against
    the open lots in drawing order (soonest to expire first), and each lot lapses on its date with
    what the pace had not reached by then. The credit runs out when the last lot is drawn empty or
    lapses, whichever comes first for it. Amounts are rounded half up to the haléř, times down to
    the second."""
    open_lots = drawing_order(lot for lot in lots if lot.remaining > 0 and lot.expires_at > at)
    if drawn_in_period <= 0:
        lapses = tuple(Lapse(lot.remaining, lot.expires_at) for lot in open_lots)
        return Forecast(runs_out_at=None, lapses=lapses)
    per_second = Fraction(drawn_in_period, period_days * 86_400)
    clock = Fraction(0)  # seconds after `at` the draws have reached
    lapses: list[Lapse] = []
    for lot in open_lots:
        expires = Fraction((lot.expires_at - at) // timedelta(microseconds=1), 1_000_000)
        empty = clock + lot.remaining / per_second
        if empty <= expires:
            clock = empty
            continue
        left = round_half_up(lot.remaining - (expires - clock) * per_second)
        if left > 0:
            lapses.append(Lapse(left, lot.expires_at))
        clock = expires
    runs_out = at + timedelta(seconds=int(clock)) if open_lots else None
    return Forecast(runs_out_at=runs_out, lapses=tuple(lapses))


def add_months(at: datetime, months: int) -> datetime:
    """Same day and time ``months`` later (the last day of a shorter month when needed)."""
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    for day in (at.day, 30, 29, 28):
        try:
            return at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(at)


def month_starts(at: datetime, months: int = CHART_MONTHS) -> list[datetime]:
    """Midnight of the first day of each of the last ``months`` months, the current one last."""
    return [
        add_months(at, -months_back + 1).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for months_back in range(months, 0, -1)
    ]
