"""The business-time clock: working hours, weekends, Czech holidays, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.clock import PRAGUE
from backend.sla.domain import (
    STANDARD_CALENDAR,
    Calendar,
    add_business_minutes,
    business_minutes_between,
    business_seconds_between,
    is_public_holiday,
)

CAL = STANDARD_CALENDAR  # Mon–Fri 8:00–16:30
PREMIUM = Calendar(opens=time(7, 0), closes=time(19, 0))


def prague(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PRAGUE)


def test_friday_afternoon_plus_four_hours_ends_on_monday() -> None:
    # Friday 2026-11-20 15:00: 1.5 h left that day, 2.5 h on Monday from 8:00
    assert add_business_minutes(prague(2026, 11, 20, 15), 240, CAL) == prague(2026, 11, 23, 10, 30)


def test_friday_afternoon_plus_four_hours_ends_on_tuesday_after_a_holiday() -> None:
    # Monday 2026-09-28 is Statehood Day: Friday 25 Sep 15:00 + 4 h ends Tuesday 29 Sep 10:30
    assert add_business_minutes(prague(2026, 9, 25, 15), 240, CAL) == prague(2026, 9, 29, 10, 30)
    # and across Easter: Thursday 2 Apr, Good Friday 3 Apr and Easter Monday 6 Apr off
    assert add_business_minutes(prague(2026, 4, 2, 15), 240, CAL) == prague(2026, 4, 7, 10, 30)


@pytest.mark.parametrize(
    ("good_friday", "easter_monday"),
    [
        (date(2024, 3, 29), date(2024, 4, 1)),
        (date(2025, 4, 18), date(2025, 4, 21)),
        (date(2026, 4, 3), date(2026, 4, 6)),
        (date(2027, 3, 26), date(2027, 3, 29)),
        (date(2028, 4, 14), date(2028, 4, 17)),
    ],
)
def test_easter_holidays_of_several_years(good_friday: date, easter_monday: date) -> None:
    assert is_public_holiday(good_friday) and is_public_holiday(easter_monday)
    # Thursday before Easter at closing time + 1 minute lands on Tuesday after Easter at 8:01
    thursday = good_friday - timedelta(days=1)
    result = add_business_minutes(datetime.combine(thursday, time(16, 30), tzinfo=PRAGUE), 1, CAL)
    assert result == datetime.combine(easter_monday + timedelta(days=1), time(8, 1), tzinfo=PRAGUE)


def test_christmas_24_to_26_december_are_off() -> None:
    # Wednesday 2025-12-23 16:00 + 60 min: 30 min that day, then Saturday–Sunday and 24–26 Dec off…
    # 24 (Wed), 25 (Thu), 26 (Fri) are holidays; next working day Monday 29th
    assert add_business_minutes(prague(2025, 12, 23, 16), 60, CAL) == prague(2025, 12, 29, 8, 30)
    assert business_minutes_between(prague(2025, 12, 24), prague(2025, 12, 27), CAL) == 0


def test_last_sunday_of_march_summer_time_starts() -> None:
    # Friday 2026-03-27 15:00 CET + 4 h → Monday 2026-03-30 10:30 CEST (08:30 UTC)
    end = add_business_minutes(prague(2026, 3, 27, 15), 240, CAL)
    assert end == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert business_minutes_between(prague(2026, 3, 27, 15), end, CAL) == 240


def test_last_sunday_of_october_summer_time_ends() -> None:
    # Friday 2026-10-23 15:00 CEST + 4 h → Monday 2026-10-26 10:30 CET (09:30 UTC); 28 Oct is a holiday too
    end = add_business_minutes(prague(2026, 10, 23, 15), 240, CAL)
    assert end == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)
    # Tuesday 27 Oct 16:00 + 60 min skips Wednesday 28 Oct (holiday)
    assert add_business_minutes(prague(2026, 10, 27, 16), 60, CAL) == prague(2026, 10, 29, 8, 30)


def test_a_start_exactly_at_closing_time_counts_from_the_next_opening() -> None:
    assert add_business_minutes(prague(2026, 11, 24, 16, 30), 30, CAL) == prague(2026, 11, 25, 8, 30)


def test_a_start_before_opening_and_on_a_holiday() -> None:
    assert add_business_minutes(prague(2026, 11, 24, 6, 0), 30, CAL) == prague(2026, 11, 24, 8, 30)
    # 17 November 2026 (Tuesday) is a public holiday
    assert add_business_minutes(prague(2026, 11, 17, 10), 30, CAL) == prague(2026, 11, 18, 8, 30)


def test_minutes_spanning_several_weeks() -> None:
    # 3 weeks of working time (15 days × 510 min) from Monday 2026-01-05 8:00 ends Friday 2026-01-23 16:30
    assert add_business_minutes(prague(2026, 1, 5, 8), 15 * 510, CAL) == prague(2026, 1, 23, 16, 30)
    assert business_minutes_between(prague(2026, 1, 5, 8), prague(2026, 1, 26, 8), CAL) == 15 * 510


def test_premium_calendar_has_longer_days() -> None:
    assert add_business_minutes(prague(2026, 11, 24, 18), 120, PREMIUM) == prague(2026, 11, 25, 8, 0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_minutes(datetime(2026, 1, 1, 8), 10, CAL)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@given(instants, st.integers(min_value=0, max_value=60 * 24 * 60), st.sampled_from([CAL, PREMIUM]))
def test_business_minutes_between_inverts_add_business_minutes(start, minutes, calendar) -> None:
    end = add_business_minutes(start, minutes, calendar)
    assert end >= start
    assert business_minutes_between(start, end, calendar) == minutes


@given(instants, instants)
def test_between_is_additive(a, b) -> None:
    start, end = sorted((a, b))
    middle = start + (end - start) / 2
    assert business_minutes_between(start, end, CAL) in {
        business_minutes_between(start, middle, CAL) + business_minutes_between(middle, end, CAL) + extra
        for extra in (0, 1)
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"opens": "08:00", "closes": "16:30", "days": [5, 6]},  # weekends are off by the contract rules
        {"opens": "08:00+01:00", "closes": "16:30"},  # wall-clock times only
        {"opens": "16:30", "closes": "08:00"},
        {"opens": "08:00", "closes": "08:30"},  # less than an hour a day
        {"opens": "8", "closes": "x"},
        {"opens": "08:00", "closes": "16:30", "days": []},
    ],
)
def test_calendars_the_clock_cannot_serve_are_refused(raw) -> None:
    from backend.errors import InvalidInput

    with pytest.raises(InvalidInput):
        Calendar.from_json(raw)


def test_the_largest_target_on_the_thinnest_calendar_is_reachable() -> None:
    from backend.sla.domain import MAX_TARGET_MINUTES

    thin = Calendar.from_json({"opens": "08:00", "closes": "09:00", "days": [2]})
    end = add_business_minutes(prague(2026, 11, 25, 8), MAX_TARGET_MINUTES, thin)
    assert business_minutes_between(prague(2026, 11, 25, 8), end, thin) == MAX_TARGET_MINUTES


# --- pauses, to the second --------------------------------------------------------------------


def test_a_pause_of_150_seconds_moves_the_due_time_by_150_seconds() -> None:
    from backend.tickets.domain import Clock

    clock = Clock(CAL)
    since = prague(2026, 11, 24, 10)  # a Tuesday morning
    paused = clock.paused(since, since + timedelta(seconds=150))
    assert paused == 150  # whole minutes used to make this 2, and the due time 30 s early
    due = prague(2026, 11, 25, 14)
    assert clock.resume(due, paused) == due + timedelta(seconds=150)
    # waiting past closing time counts only the working part; the rest moves to the next morning
    late = clock.paused(prague(2026, 11, 24, 16, 29), prague(2026, 11, 25, 8, 0) + timedelta(seconds=30))
    assert late == 90
    friday_closing = prague(2026, 11, 27, 16, 29)
    assert clock.resume(friday_closing, late) == prague(2026, 11, 30, 8, 0) + timedelta(seconds=30)


def _is_business_instant(instant: datetime, calendar: Calendar) -> bool:
    local = instant.astimezone(PRAGUE)
    return (
        local.weekday() in calendar.weekdays
        and not is_public_holiday(local.date())
        and calendar.opens <= local.time() < calendar.closes
    )


def oracle_business_seconds(start: datetime, end: datetime, calendar: Calendar) -> int:
    """An independent count: working hours open and close on whole minutes, so each UTC minute
    is wholly in or out of business time; walk them and add the seconds of those that are in."""
    total = timedelta()
    at = start
    while at < end:
        minute_end = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
        step_end = min(minute_end, end)
        if _is_business_instant(at, calendar):
            total += step_end - at
        at = step_end
    return total // timedelta(seconds=1)


# around the switches to and from summer time, Easter, Christmas and an ordinary week
AWKWARD_DAYS = [
    datetime(2026, 3, 27, tzinfo=PRAGUE),
    datetime(2026, 10, 23, tzinfo=PRAGUE),
    datetime(2026, 4, 1, tzinfo=PRAGUE),
    datetime(2025, 12, 22, tzinfo=PRAGUE),
    datetime(2026, 9, 25, tzinfo=PRAGUE),
    datetime(2026, 11, 23, tzinfo=PRAGUE),
]
pause_starts = st.builds(
    lambda day, offset: (day + timedelta(seconds=offset)).astimezone(UTC),
    st.sampled_from(AWKWARD_DAYS),
    st.integers(min_value=0, max_value=4 * 86_400),
)


@settings(max_examples=150, deadline=None)
@given(
    pause_starts,
    st.integers(min_value=0, max_value=3 * 86_400),
    st.integers(min_value=0, max_value=50_000 * 60),
    st.sampled_from([CAL, PREMIUM]),
)
def test_a_pause_moves_the_due_time_by_exactly_its_business_seconds(since, waited, target, calendar) -> None:
    from backend.tickets.domain import Clock

    clock = Clock(calendar)
    until = since + timedelta(seconds=waited, microseconds=since.microsecond % 7)
    paused = clock.paused(since, until)
    assert paused == oracle_business_seconds(since, until, calendar)
    due = add_business_minutes(since, target // 60, calendar)
    resumed = clock.resume(due, paused)
    assert business_seconds_between(due, resumed, calendar) == paused
    assert resumed >= due
