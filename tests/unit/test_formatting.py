"""backend.formatting formats dates faster than Babel by parsing locales and patterns once; what it
writes must stay exactly what Babel writes, in Prague time, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date, format_time
from hypothesis import given
from hypothesis import strategies as st

from backend import formatting, i18n
from backend.clock import PRAGUE

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@pytest.mark.parametrize("language", ["cs", "en"])
@given(value=instants)
def test_date_and_time_read_as_babel_writes_them_in_prague(language: str, value: datetime) -> None:
    token = i18n.use_language(language)
    try:
        local = value.astimezone(PRAGUE)
        expected_day = format_date(local, "medium", locale=language)
        expected_time = format_time(local, "short", tzinfo=PRAGUE, locale=language)
        assert formatting.format_datetime(value) == f"{expected_day} {expected_time}"
        assert formatting.format_date(value) == expected_day
    finally:
        i18n.reset_language(token)


@pytest.mark.parametrize("language", ["cs", "en"])
@given(offset=st.timedeltas(min_value=timedelta(days=-60), max_value=timedelta(days=60)))
def test_a_due_time_names_the_weekday_and_the_date_only_beyond_the_week(
    language: str, offset: timedelta
) -> None:
    fixed_now = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    token = i18n.use_language(language)
    original_now = formatting.now
    formatting.now = lambda: fixed_now
    try:
        value = fixed_now + offset
        local = value.astimezone(PRAGUE)
        time_part = format_time(local, "short", tzinfo=PRAGUE, locale=language)
        if abs((local - fixed_now.astimezone(PRAGUE)).days) < 6:
            assert formatting.format_due(value) == f"{format_date(local, 'EEE', locale=language)} {time_part}"
        else:
            pattern = "EEE d. M." if language == "cs" else "EEE d MMM"
            expected = f"{format_date(local, pattern, locale=language)} {time_part}"
            assert formatting.format_due(value) == expected
    finally:
        formatting.now = original_now
        i18n.reset_language(token)
