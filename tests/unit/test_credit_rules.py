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
    assert "draw" in refused.value.message and "Log less" not in refused.value.message
    with pytest.raises(InsufficientCredit) as adjustment:
        domain.allocate(lots, 101, NOW, adjustment=True)
    assert "adjustment" in adjustment.value.message
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
    assert domain.work_cost(165_000, "hour", 15, 5) == 39_188  # PAY less 5 %, rounded once
    with pytest.raises(ValueError):
        domain.work_cost(100, "piece", 10)


def test_units_left_round_down_to_what_can_be_ordered() -> None:
    assert domain.units_left(2_700_000, 135_000, "hour") == Decimal("20")
    assert domain.units_left(100_000, 135_000, "hour") == Decimal("0.5")  # 0.74 h: two quarter hours
    assert domain.units_left(3_000_000, 1_350_000, "day") == Decimal("2")  # 2.2 days: four half days
    assert domain.units_left(500_000, 240_000, "piece") == Decimal("2")
    assert domain.units_left(0, 135_000, "hour") == 0


def test_forecast_with_a_lot_lapsing_before_the_pace_reaches_it() -> None:
    """Hand-computed: 90 000 haléřů drawn in 90 days is 1 000 a day. Lot A holds 50 000 and
    expires in 30 days, lot B 100 000 in 200 days. The draws take A first: by day 30 they have
    taken 30 000, so 20 000 lapses on day 30. B is then drawn from day 30 and is empty on day
    30 + 100 = 130. (Counting every haléř as usable said day 150, and nothing lapsing.)"""
    forecast = domain.forecast([lot(1, 50_000, 30), lot(2, 100_000, 200)], 90_000, 90, NOW)
    assert forecast.runs_out_at == NOW + timedelta(days=130)
    assert forecast.lapses == (domain.Lapse(20_000, NOW + timedelta(days=30)),)
    assert forecast.lapsing == 20_000


def test_forecast_when_the_last_lot_lapses_too() -> None:
    # A: 30 000 drawn by day 30, 20 000 lapse; B from day 30 to 60 gives 30 000, 70 000 lapse
    forecast = domain.forecast([lot(2, 100_000, 60), lot(1, 50_000, 30)], 90_000, 90, NOW)
    assert forecast.runs_out_at == NOW + timedelta(days=60)
    assert forecast.lapses == (
        domain.Lapse(20_000, NOW + timedelta(days=30)),
        domain.Lapse(70_000, NOW + timedelta(days=60)),
    )


def test_forecast_without_a_pace_or_credit() -> None:
    assert domain.forecast([lot(1, 90_000, 30)], 0, 90, NOW) == domain.Forecast(
        None, (domain.Lapse(90_000, NOW + timedelta(days=30)),)
    )
    assert domain.forecast([], 10, 90, NOW) == domain.Forecast(None, ())
    assert domain.forecast([lot(1, 90_000, 400)], 90_000, 90, NOW).runs_out_at == NOW + timedelta(days=90)


@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 3000)), max_size=6),
    st.integers(1, 10**8),
)
def test_forecast_draws_or_lapses_every_haler_exactly_once(
    raw_lots: list[tuple[int, int]], pace: int
) -> None:
    lots = [lot(index, remaining, days) for index, (remaining, days) in enumerate(raw_lots)]
    forecast = domain.forecast(lots, pace, 90, NOW)
    total = sum(each.remaining for each in lots)
    # what lapses is what the pace did not reach (each lapse rounded half up, so within a haléř each)
    assert 0 <= forecast.lapsing <= total
    assert all(lapse.amount > 0 for lapse in forecast.lapses)
    if total and forecast.runs_out_at is not None:
        drawn_days = (forecast.runs_out_at - NOW) / timedelta(days=1)
        reachable = sum(each.remaining for each in lots)
        assert drawn_days * pace / 90 <= reachable + 1
        assert forecast.runs_out_at <= max(each.expires_at for each in lots if each.remaining)


# --- work on SBP orders: cumulative draws and the split beyond the credit -------------------------

rates = st.integers(min_value=0, max_value=5 * 10**7)
units = st.sampled_from(["hour", "day"])
logs = st.lists(st.integers(min_value=1, max_value=24 * 60), min_size=1, max_size=40)


@given(rates, units, logs)
def test_draws_of_an_order_add_up_to_the_cost_of_its_total_time(
    price: int, unit: str, minutes: list[int]
) -> None:
    drawn, before = 0, 0
    for each in minutes:
        plan = domain.plan_work_draw(price, unit, before, each, balance=10**15)
        assert plan.pay_minutes == 0 and plan.credit_minutes == each
        drawn += plan.drawn
        before += each
    assert drawn == domain.work_cost(price, unit, sum(minutes))


def test_sixty_one_minute_logs_draw_what_one_hour_draws() -> None:
    # 9 200 Kč a day: a minute is 1 916,67 haléře; rounded per log, sixty of them drew 115 020
    drawn, before = 0, 0
    for _ in range(60):
        drawn += domain.plan_work_draw(920_000, "day", before, 1, 10**9).drawn
        before += 1
    assert drawn == domain.work_cost(920_000, "day", 60) == 115_000


def test_a_minute_cheaper_than_a_haler_draws_as_the_running_total_says() -> None:
    # 30 haléřů an hour: half a haléř a minute, so the minutes draw 1, 0, 1, 0 ...
    draws = [domain.plan_work_draw(30, "hour", before, 1, 100).drawn for before in range(4)]
    assert draws == [1, 0, 1, 0]


@given(rates, units, logs, st.integers(min_value=0, max_value=10**7))
def test_the_balance_never_goes_below_zero_and_a_split_adds_up(
    price: int, unit: str, minutes: list[int], balance: int
) -> None:
    start, before, drawn = balance, 0, 0
    for each in minutes:
        plan = domain.plan_work_draw(price, unit, before, each, balance)
        assert 0 <= plan.drawn <= balance
        assert plan.credit_minutes + plan.pay_minutes == each
        if plan.pay_minutes:  # beyond the credit: it draws what is left, to exactly zero
            assert plan.drawn == balance
        balance -= plan.drawn
        drawn += plan.drawn
        before += plan.credit_minutes
    assert balance == start - drawn >= 0
    # the credit paid for its minutes, less at most the one minute in which it ran out
    covered = domain.work_cost(price, unit, before)
    assert drawn <= covered <= drawn + domain.work_cost(price, unit, 1) + 1


def test_a_log_beyond_the_balance_splits_into_credit_and_pay_minutes() -> None:
    # 1 200 Kč an hour is 2 000 haléřů a minute; 5 000 left covers 2.5 minutes: 3 on credit
    plan = domain.plan_work_draw(120_000, "hour", 0, 60, 5_000)
    assert plan == domain.WorkDraw(drawn=5_000, credit_minutes=3, pay_minutes=57)
    assert domain.plan_work_draw(120_000, "hour", 30, 10, 0) == domain.WorkDraw(0, 0, 10)


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
