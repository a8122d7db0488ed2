"""Pure rules of SBP prepaid credit: lots, draws soonest-expiring first, expiry of exactly what
was never used. No framework, no database: the services apply these to locked rows."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from backend.errors import N_, InvalidInput, Money
from backend.money import MAX_AMOUNT, divide_half_up

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
    """A draw asks for more than the unexpired credit; nothing is drawn."""

    def __init__(self, available: int, requested: int) -> None:
        super().__init__(
            N_(
                "Only %(available)s of prepaid credit is left, and this needs %(requested)s. "
                "Log less work, or continue the order as PAY."
            ),
            field="amount",
            available=Money(available),
            requested=Money(requested),
        )
        self.available = available
        self.requested = requested


def drawing_order(lots: Iterable[Lot]) -> list[Lot]:
    """Soonest to expire first (the oldest top-up of equal validity), so that what expires is
    only what could never have been used."""
    return sorted(lots, key=lambda lot: (lot.expires_at, lot.id))


def available(lots: Iterable[Lot], at: datetime) -> int:
    return sum(lot.remaining for lot in lots if lot.remaining > 0 and lot.expires_at > at)


def allocate(lots: Sequence[Lot], amount: int, at: datetime) -> list[tuple[int, int]]:
    """Which lots a draw of ``amount`` takes from, and how much from each."""
    if amount <= 0:
        raise InvalidInput(N_("A draw must be more than zero."), field="amount")
    left = available(lots, at)
    if amount > left:
        raise InsufficientCredit(available=left, requested=amount)
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


def work_cost(sbp_price: int, unit: str, minutes: int) -> int:
    """Credit a piece of logged work draws: minutes at the service's SBP rate per hour or day."""
    per = {"hour": MINUTES_PER_HOUR, "day": WORKDAY_MINUTES}.get(unit)
    if per is None:
        raise ValueError(f"work on a {unit!r} service is not drawn per minute")
    return divide_half_up(sbp_price * minutes, per)


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


def runs_out_at(
    balance: int,
    drawn_in_period: int,
    period_days: int,
    at: datetime,
    *,
    lots_expire: Iterable[datetime] = (),
) -> datetime | None:
    """When the balance reaches zero if drawing goes on at the pace of the last period; None when
    nothing was drawn (no pace to forecast from) or nothing is left. Never after the last of
    ``lots_expire``: credit does not outlive its lots, unused it expires first."""
    if balance <= 0 or drawn_in_period <= 0:
        return None
    seconds = balance * period_days * 86_400 // drawn_in_period
    runs_out = at + timedelta(seconds=seconds)
    return min(runs_out, max(lots_expire, default=runs_out))


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
