"""Pure rules of service levels: reaction-time targets per priority, coverage calendars and the
business-time clock (Europe/Prague, working hours, weekends and Czech public holidays off)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import holidays

from backend.clock import PRAGUE
from backend.errors import N_, InvalidInput

# Targets are capped so that even the thinnest calendar allowed (one working hour on one weekday)
# reaches them within the years the clock is willing to scan.
MAX_TARGET_MINUTES = 50_000
MIN_WORKING_MINUTES_PER_DAY = 60
MAX_DAYS_SCANNED = 20 * 366
WORKING_WEEKDAYS = frozenset(range(5))  # Monday to Friday (SPEC §3); daylight saving changes on Sundays


class Priority(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


PRIORITY_LABELS = {
    Priority.CRITICAL: N_("Critical"),
    Priority.HIGH: N_("High"),
    Priority.NORMAL: N_("Normal"),
    Priority.LOW: N_("Low"),
}
# what each priority is for, as the ticket form explains it
PRIORITY_MEANINGS = {
    Priority.CRITICAL: N_("Work has stopped: nobody can use the product, and there is no way around it."),
    Priority.HIGH: N_(
        "Work is badly held up, for several people or a deadline, and there is no way around it."
    ),
    Priority.NORMAL: N_("Something does not work as it should, but there is a way around it."),
    Priority.LOW: N_("A question, a wish or a small flaw that does not hold up the work."),
}


@dataclass(frozen=True, slots=True)
class Calendar:
    """When the clock runs: working hours on working days (Monday = 0)."""

    opens: time
    closes: time
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def to_json(self) -> dict[str, Any]:
        return {
            "opens": self.opens.strftime("%H:%M"),
            "closes": self.closes.strftime("%H:%M"),
            "days": sorted(self.weekdays),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Calendar:
        try:
            opens, closes = time.fromisoformat(raw["opens"]), time.fromisoformat(raw["closes"])
            days = frozenset(int(day) for day in raw.get("days", [0, 1, 2, 3, 4]))
            if opens.tzinfo is not None or closes.tzinfo is not None:
                raise ValueError("working hours are Prague wall-clock times")
        except (KeyError, TypeError, ValueError, OverflowError):
            raise InvalidInput(
                N_("The coverage calendar needs opening and closing times like 08:00 and 16:30."),
                field="calendar",
            ) from None
        minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
        if minutes < MIN_WORKING_MINUTES_PER_DAY or not days or not days <= WORKING_WEEKDAYS:
            raise InvalidInput(
                N_("The coverage calendar covers at least an hour a day, on days from Monday to Friday."),
                field="calendar",
            )
        return cls(opens=opens, closes=closes, weekdays=days)


STANDARD_CALENDAR = Calendar(opens=time(8, 0), closes=time(16, 30))


@dataclass(frozen=True, slots=True)
class Target:
    """Business minutes to the first response and to the resolution."""

    first_response: int
    resolution: int


def parse_targets(raw: dict[str, Any]) -> dict[Priority, Target]:
    """Targets for all four priorities, in business minutes, first response before resolution."""
    try:
        targets = {
            priority: Target(
                first_response=int(raw[priority.value]["first_response"]),
                resolution=int(raw[priority.value]["resolution"]),
            )
            for priority in Priority
        }
    except (KeyError, TypeError, ValueError, OverflowError):
        raise InvalidInput(
            N_("Give first-response and resolution targets in minutes for every priority."), field="targets"
        ) from None
    for target in targets.values():
        if not 0 < target.first_response <= target.resolution <= MAX_TARGET_MINUTES:
            raise InvalidInput(
                N_(
                    "Each target must be positive, at most %(max)d minutes, and the first response must not "
                    "come after the resolution."
                ),
                field="targets",
                max=MAX_TARGET_MINUTES,
            )
    return targets


def targets_to_json(targets: dict[Priority, Target]) -> dict[str, dict[str, int]]:
    return {
        p.value: {"first_response": t.first_response, "resolution": t.resolution} for p, t in targets.items()
    }


@lru_cache(maxsize=64)
def _czech_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("CZ", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in _czech_holidays(day.year)


def working_window(day: date, calendar: Calendar) -> tuple[datetime, datetime] | None:
    """The day's working hours as aware Prague datetimes, or None on a day off. Each end is built
    from the wall-clock time, so a daylight-saving change that night shifts nothing."""
    if day.weekday() not in calendar.weekdays or is_public_holiday(day):
        return None
    return (
        datetime.combine(day, calendar.opens, tzinfo=PRAGUE),
        datetime.combine(day, calendar.closes, tzinfo=PRAGUE),
    )


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("the business clock needs timezone-aware datetimes")
    return value.astimezone(PRAGUE)


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The instant ``duration`` of working time after ``start`` (which, outside working hours,
    counts from the next opening). Returned in UTC."""
    if duration < timedelta():
        raise ValueError("business time must not be negative")
    current = _require_aware(start)
    remaining = duration
    day = current.date()
    for _ in range(MAX_DAYS_SCANNED):
        window = working_window(day, calendar)
        if window is not None:
            opens, closes = window
            begin = max(current, opens)
            if begin < closes:
                available = closes - begin  # same wall-clock zone within a working day
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time")


def add_business_minutes(start: datetime, minutes: int, calendar: Calendar) -> datetime:
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return add_business_time(start, timedelta(minutes=minutes), calendar)


def add_business_seconds(start: datetime, seconds: int, calendar: Calendar) -> datetime:
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    return add_business_time(start, timedelta(seconds=seconds), calendar)


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Working time from ``start`` to ``end``, exactly (zero when ``end`` is not later)."""
    first, last = _require_aware(start), _require_aware(end)
    if last <= first:
        return timedelta()
    total = timedelta()
    day = first.date()
    while day <= last.date():
        window = working_window(day, calendar)
        if window is not None:
            begin, finish = max(first, window[0]), min(last, window[1])
            if begin < finish:
                total += finish - begin
        day += timedelta(days=1)
    return total


def business_minutes_between(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole minutes of working time from ``start`` to ``end`` (0 when ``end`` is not later)."""
    return int(business_time_between(start, end, calendar).total_seconds() // 60)


def business_seconds_between(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole seconds of working time from ``start`` to ``end`` (0 when ``end`` is not later)."""
    return business_time_between(start, end, calendar) // timedelta(seconds=1)
