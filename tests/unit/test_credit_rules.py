"""Pure credit rules: which lots a draw takes, what expires, what work costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.credit import domain
from backend.credit.domain import InsufficientCredit, Lot, add_months
from backend.errors import InvalidInput

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def lot(id: int, remaining: int, days: int) -> Lot:
    return Lot(id=id, remaining=remaining, expires_at=NOW + timedelta(days=days))


def test_a_draw_takes_the_soonest_expiring_lot_first() -> None:
    lots = [lot(1, 500, 300), lot(2, 300, 30), lot(3, 1_000, 600)]
    assert domain.allocate(lots, 600, NOW) == [(2, 300), (1, 300)]


def test_expired_and_empty_lots_are_never_drawn() -> None:
    lots = [lot(1, 500, -1), lot(2, 0, 10), lot(3, 100, 20)]
    assert domain.available(lots, NOW) == 100
    with pytest.raises(InsufficientCredit) as refused:
        domain.allocate(lots, 101, NOW)
    assert (refused.value.available, refused.value.requested) == (100, 101)


def test_expiry_is_exactly_the_unused_remainder_of_lots_past_their_date() -> None:
    lots = [lot(1, 200, -5), lot(2, 0, -3), lot(3, 50, 0), lot(4, 70, 1)]
    assert domain.expiries(lots, NOW) == [(1, 200), (3, 50)]


@given(
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(-30, 400)), max_size=12),
    st.integers(1, 60_000),
)
def test_allocation_takes_exactly_the_amount_and_never_more_than_a_lot_holds(spec, amount) -> None:
    lots = [lot(i, remaining, days) for i, (remaining, days) in enumerate(spec, start=1)]
    by_id = {item.id: item for item in lots}
    if amount > domain.available(lots, NOW):
        with pytest.raises(InsufficientCredit):
            domain.allocate(lots, amount, NOW)
        return
    taken = domain.allocate(lots, amount, NOW)
    assert sum(take for _, take in taken) == amount
    for lot_id, take in taken:
        assert 0 < take <= by_id[lot_id].remaining and by_id[lot_id].expires_at > NOW
    # every lot that expires sooner than one drawn from was emptied first
    used = {lot_id for lot_id, _ in taken}
    last = max(taken, key=lambda pair: (by_id[pair[0]].expires_at, pair[0]))
    for other in lots:
        if other.id not in used and other.remaining > 0 and other.expires_at > NOW:
            assert (other.expires_at, other.id) > (by_id[last[0]].expires_at, last[0])


def test_work_cost_per_hour_and_per_day() -> None:
    assert domain.work_cost(135_000, "hour", 90) == 202_500
    assert domain.work_cost(1_350_000, "day", 240) == 675_000  # half of an 8-hour day
    assert domain.work_cost(100_000, "hour", 1) == 1_667  # 1 666,67 haléře rounded half up
    with pytest.raises(ValueError):
        domain.work_cost(100, "piece", 10)


def test_units_left_round_down_to_what_can_be_ordered() -> None:
    assert domain.units_left(2_700_000, 135_000, "hour") == Decimal("20")
    assert domain.units_left(100_000, 135_000, "hour") == Decimal("0.5")  # 0.74 h: two quarter hours
    assert domain.units_left(3_000_000, 1_350_000, "day") == Decimal("2")  # 2.2 days: four half days
    assert domain.units_left(500_000, 240_000, "piece") == Decimal("2")
    assert domain.units_left(0, 135_000, "hour") == 0


def test_runs_out_at_the_recent_pace() -> None:
    assert domain.runs_out_at(90_000, 90_000, 90, NOW) == NOW + timedelta(days=90)
    assert domain.runs_out_at(90_000, 0, 90, NOW) is None
    assert domain.runs_out_at(0, 10, 90, NOW) is None


def test_credit_runs_out_no_later_than_its_last_lot_expires() -> None:
    last = NOW + timedelta(days=30)
    assert domain.runs_out_at(90_000, 90_000, 90, NOW, lots_expire=[NOW + timedelta(days=10), last]) == last
    assert domain.runs_out_at(90_000, 90_000, 90, NOW, lots_expire=[NOW + timedelta(days=400)]) == (
        NOW + timedelta(days=90)
    )


def test_after_taking_leaves_each_lot_with_what_the_draw_did_not_take() -> None:
    lots = [lot(1, 500, 300), lot(2, 300, 30), lot(3, 1_000, 600)]
    left = domain.after_taking(lots, domain.allocate(lots, 600, NOW))
    assert [(each.id, each.remaining) for each in left] == [(1, 200), (2, 0), (3, 1_000)]


def test_month_starts_are_the_first_midnights_of_the_last_months_the_current_one_last() -> None:
    starts = domain.month_starts(NOW)
    assert len(starts) == domain.CHART_MONTHS
    assert starts[0] == datetime(2025, 12, 1, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 11, 1, tzinfo=UTC)
    assert domain.month_starts(datetime(2026, 3, 31, 23, 59, tzinfo=UTC), 2) == [
        datetime(2026, 2, 1, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 11, 25, tzinfo=UTC), 12, datetime(2027, 11, 25, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
        (datetime(2026, 3, 15, tzinfo=UTC), -3, datetime(2025, 12, 15, tzinfo=UTC)),
    ],
)
def test_add_months(start, months, expected) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize("amount", [0, -1, 10**12])
def test_amounts_must_be_sensible(amount: int) -> None:
    with pytest.raises(InvalidInput):
        domain.check_amount(amount)
