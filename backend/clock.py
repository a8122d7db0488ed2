"""The one notion of "now": instants in UTC, calendar dates as they are in Prague."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PRAGUE = ZoneInfo("Europe/Prague")
# how far in the past the current task acts: only the demo data's year of history sets it
_behind: ContextVar[timedelta] = ContextVar("behind", default=timedelta(0))


def now() -> datetime:
    return datetime.now(UTC) - _behind.get()


def today() -> date:
    """Today's date in Prague: the dates people pick and read are Czech calendar dates."""
    return now().astimezone(PRAGUE).date()


@contextmanager
def acting_at(at: datetime) -> Iterator[None]:
    """Run the use cases inside as if it were ``at`` (in the past): the demo data's history goes
    through the same rules as real work, dated as it would have been."""
    token = _behind.set(max(datetime.now(UTC) - at, timedelta(0)))
    try:
        yield
    finally:
        _behind.reset(token)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
