"""Money, numbers, quantities, durations and dates as a person reads them, in the current language.

Babel does the formatting; the dates' locales and patterns are parsed once here, because pages
format dates on every row and Babel parses both on every call (the output is the same as
babel.dates.format_date/format_time: tests/unit/test_formatting.py compares them).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import DateTimePattern, format_timedelta, get_date_format, get_time_format
from babel.dates import parse_pattern as parse_date_pattern
from babel.numbers import format_decimal

from backend.clock import PRAGUE, now
from backend.errors import N_
from backend.i18n import LANGUAGES, Nn_, current_language, gettext, ngettext, pgettext
from backend.money import divide_half_up, format_czk, to_decimal_czk


@lru_cache(maxsize=len(LANGUAGES))
def babel_locale(language: str) -> Locale:
    return Locale.parse(language)


@lru_cache(maxsize=32)
def _date_pattern(language: str, pattern: str) -> DateTimePattern:
    if pattern in ("short", "medium", "long", "full"):
        return get_date_format(pattern, locale=babel_locale(language))
    return parse_date_pattern(pattern)


@lru_cache(maxsize=8)
def _time_pattern(language: str, pattern: str) -> DateTimePattern:
    return get_time_format(pattern, locale=babel_locale(language))


def babel_format_date(local: datetime, format: str, locale: str) -> str:
    return _date_pattern(locale, format).apply(local, babel_locale(locale))


def babel_format_time(local: datetime, format: str, tzinfo: Any, locale: str) -> str:
    return _time_pattern(locale, format).apply(local.astimezone(tzinfo), babel_locale(locale))


def format_datetime(value: datetime | None) -> str:
    """An instant as a person in Prague reads it, in the current language."""
    if value is None:
        return ""
    local = value.astimezone(PRAGUE)
    language = current_language()
    # a date and hours:minutes; seconds mean nothing to a person reading a portal
    day = babel_format_date(local, format="medium", locale=language)
    return f"{day} {babel_format_time(local, format='short', tzinfo=PRAGUE, locale=language)}"


def format_due(value: datetime | None) -> str:
    """A due instant: the absolute date and time with the year, as everywhere, and how far off it
    is: `1. 12. 2026 16:30 (za 3 hodiny)` / `Dec 1, 2026 4:30 PM (in 3 hours)`."""
    if value is None:
        return ""
    return f"{format_datetime(value)} ({format_relative(value)})"


def format_relative(value: datetime) -> str:
    """How far from now, with its direction: `za 3 hodiny`, `před 45 minutami` / `in 3 hours`."""
    return format_timedelta(value - now(), add_direction=True, threshold=1.1, locale=current_language())


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(PRAGUE) if isinstance(value, datetime) else value
    return babel_format_date(local, format="medium", locale=current_language())


def format_month(value: datetime) -> str:
    """A month as a chart's axis names it: `led` / `Jan`."""
    return babel_format_date(value.astimezone(PRAGUE), format="LLL", locale=current_language())


def format_age(value: datetime | None) -> str:
    """How long ago, roughly: `3 days` / `5 hours` (for queues)."""
    if value is None:
        return ""
    return format_timedelta(now() - value, threshold=1.1, locale=current_language())


def format_money(halere: int | None) -> str:
    """Haléře as a person reads them: `1 234,50 Kč` / `CZK 1,234.50`."""
    return "" if halere is None else format_czk(halere, current_language())


def whole_crowns(halere: int) -> str:
    """An amount rounded to crowns, for a chart's axis: `40 000 Kč` / `CZK 40,000`."""
    language = current_language()
    crowns = divide_half_up(halere, 100)
    if language == "en":
        return "CZK\xa0" + format_decimal(crowns, locale=babel_locale(language))
    return format_decimal(crowns, locale=babel_locale(language)) + "\xa0Kč"


def amount_input(halere: int) -> str:
    """Haléře as the value of an amount field, with the language's decimal mark: `1 650,00` in
    Czech (thousands apart by a plain space, as Czech writes them), `1650.00` in English (a comma
    there would be read as a decimal mark by a Czech eye; backend.forms.parse_money reads either)."""
    language = current_language()
    shown = format_decimal(to_decimal_czk(halere), format="0.00", locale=language, group_separator=False)
    if language != "cs":
        return shown
    whole, fraction = shown.split(",")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.removeprefix("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups)},{fraction}"


UNIT_FORMS = {
    "hour": Nn_("%(num)s hour", "%(num)s hours"),
    "day": Nn_("%(num)s day", "%(num)s days"),
    "piece": Nn_("%(num)s piece", "%(num)s pieces"),
    "month": Nn_("%(num)s month", "%(num)s months"),
}
PER_UNIT = {"hour": N_("per hour"), "day": N_("per day"), "piece": N_("per piece"), "month": N_("per month")}
# how a rate reads for each unit (hourly services priced per day have a daily rate)
RATE_LABELS = {"hour": N_("hourly rate"), "day": N_("daily rate"), "piece": N_("flat rate per piece")}


def format_duration(minutes: int) -> str:
    """Logged time as hours and minutes: `1 h 35 min`."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return gettext(N_("%(minutes)d min"), minutes=rest)
    if not rest:
        return gettext(N_("%(hours)d h"), hours=hours)
    return gettext(N_("%(hours)d h %(minutes)d min"), hours=hours, minutes=rest)


def format_quantity(quantity: str | Decimal, unit: str) -> str:
    """A quantity with its unit in the current language: `2 dny`, `1,5 hodiny`, `3 pieces`."""
    return _format_quantity(str(quantity), unit, current_language())


@lru_cache(maxsize=1024)
def _format_quantity(quantity: str, unit: str, language: str) -> str:
    """(the language is part of the cache key; gettext below uses the same, current one)"""
    value = Decimal(quantity)
    number = format_decimal(value, locale=babel_locale(language))
    if value != value.to_integral_value():
        # Czech puts a fraction in the genitive singular ("1,5 hodiny"), unlike any plural form
        fraction = {
            "hour": pgettext("fraction", "%(num)s hours", num=number),
            "day": pgettext("fraction", "%(num)s days", num=number),
            "piece": pgettext("fraction", "%(num)s pieces", num=number),
            "month": pgettext("fraction", "%(num)s months", num=number),
        }
        return fraction[unit]
    singular, plural = UNIT_FORMS[unit]
    return ngettext(singular, plural, abs(int(value)), num=number)  # a credit note's are negative


def format_file_size(size: int) -> str:
    """A file's size as people read it: `820 kB`, `1,4 MB` (binary units, as the limits count)."""
    language = current_language()
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), locale=babel_locale(language))} kB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), locale=babel_locale(language))} MB"
