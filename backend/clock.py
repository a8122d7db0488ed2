"""The one notion of "now": instants in UTC, calendar dates as they are in Prague."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PRAGUE = ZoneInfo("Europe/Prague")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Prague: the dates people pick and read are Czech calendar dates."""
    return datetime.now(PRAGUE).date()


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
