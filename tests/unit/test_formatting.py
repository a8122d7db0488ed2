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
@given(offset=st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)))
def test_a_due_time_is_the_absolute_time_with_the_year_and_how_far_off_it_is(
    language: str, offset: timedelta
) -> None:
    fixed_now = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    token = i18n.use_language(language)
    original_now = formatting.now
    formatting.now = lambda: fixed_now
    try:
        value = fixed_now + offset
        shown = formatting.format_due(value)
        absolute, relative = shown.removesuffix(")").split(" (", 1)
        assert absolute == formatting.format_datetime(value)
        assert str(value.astimezone(PRAGUE).year) in absolute
        if offset >= timedelta(minutes=1):
            assert relative.startswith("za " if language == "cs" else "in ")
        elif offset <= -timedelta(minutes=1):
            assert relative.startswith("před ") if language == "cs" else relative.endswith(" ago")
    finally:
        formatting.now = original_now
        i18n.reset_language(token)


def test_a_due_time_three_hours_ahead_reads_in_3_hours() -> None:
    fixed_now = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    original_now = formatting.now
    formatting.now = lambda: fixed_now
    try:
        for language, expected in (
            ("cs", "26. 11. 2026 14:30 (za 3 hodiny)"),
            ("en", "Nov 26, 2026 2:30\u202fPM (in 3 hours)"),
        ):
            token = i18n.use_language(language)
            try:
                assert formatting.format_due(fixed_now + timedelta(hours=3)) == expected
            finally:
                i18n.reset_language(token)
    finally:
        formatting.now = original_now
