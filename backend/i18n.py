"""Languages: gettext catalogues (Babel), the request's language, and formatting per language.

Every string shown to a person goes through ``gettext``/``_`` (or is marked ``N_`` where it is
defined and translated where it is shown). Source strings are English; Czech is the default
language of the product and its catalogue lives in ``backend/locale/cs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_time_format
from babel.dates import parse_pattern as parse_date_pattern
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from backend.clock import PRAGUE, now
from backend.errors import N_, Money, Msg
from backend.settings import get_settings

LANGUAGES = ("cs", "en")
DEFAULT_LANGUAGE = "cs"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE_COOKIE = "portal_lang"

_current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def current_language() -> str:
    return _current_language.get()


def use_language(language: str):
    """Make ``language`` the current one; returns a token for ``reset_language``."""
    return _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token) -> None:
    _current_language.reset(token)


def gettext(message: str, /, **params: Any) -> str:
    """Translate ``message`` and fill in ``params``; a parameter that is a ``Msg`` is translated too."""
    catalogue = translations(current_language())
    text = catalogue.gettext(message)
    if not params:
        return text
    return text % {key: _param(catalogue, value) for key, value in params.items()}


def _param(catalogue: NullTranslations, value: Any) -> Any:
    if isinstance(value, Msg):
        return catalogue.gettext(value)
    if isinstance(value, Money):
        return format_money(int(value))
    return value


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    text = translations(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


_ = gettext


# Templates call _() several times per row. Jinja's own newstyle callable resolves and calls
# through the template context on every call (and `_` goes through `gettext` again); this does
# the same — translate, Markup where autoescaping, then `% variables` (so `%%` reads `%`) — with the
# common case, a message without variables, kept per language.
@lru_cache(maxsize=4096)
def _translated_markup(language: str, message: str) -> Markup:
    return Markup(translations(language).gettext(message)) % {}  # noqa: S704 - our catalogue, as Jinja does


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, message: str, /, **variables: Any) -> str:
    language = current_language()
    if not eval_ctx.autoescape:
        return translations(language).gettext(message) % variables
    if not variables:
        return _translated_markup(language, message)
    return Markup(translations(language).gettext(message)) % variables  # noqa: S704 - as Jinja does


def parse_accept_language(header: str | None) -> list[str]:
    """Language codes from an Accept-Language header, most preferred first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        piece = part.strip()
        if not piece:
            continue
        code, _sep, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, code.strip().lower()))
    return [code for quality, _pos, code in sorted(weighted) if quality < 0]


def negotiate_language(
    user_choice: str | None, cookie_choice: str | None, accept_language: str | None
) -> str:
    """The user's stored choice, else the header switch's cookie, else the browser's preference."""
    for choice in (user_choice, cookie_choice):
        if choice in LANGUAGES:
            return choice  # type: ignore[return-value]
    return first_supported(parse_accept_language(accept_language))


def first_supported(codes: Iterable[str]) -> str:
    for code in codes:
        primary = code.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return get_settings().default_language


# Babel parses the locale and the pattern on every call; pages format dates on every row, so both
# are parsed once here and applied (the same output as babel.dates.format_date/format_time)
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
    """A due instant as people say it: `čt 14:30` within the week, with the date further out."""
    if value is None:
        return ""
    local = value.astimezone(PRAGUE)
    language = current_language()
    time_part = babel_format_time(local, format="short", tzinfo=PRAGUE, locale=language)
    weekday = _weekday_name(language, local.weekday())  # Babel's EEE, without its lookups per call
    if abs((local - now().astimezone(PRAGUE)).days) < 6:
        return f"{weekday} {time_part}"
    pattern = "d. M." if language == "cs" else "d MMM"
    return f"{weekday} {babel_format_date(local, format=pattern, locale=language)} {time_part}"


@lru_cache(maxsize=len(LANGUAGES) * 7)
def _weekday_name(language: str, weekday: int) -> str:
    return babel_locale(language).days["format"]["abbreviated"][weekday]


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(PRAGUE) if isinstance(value, datetime) else value
    return babel_format_date(local, format="medium", locale=current_language())


def format_month(value: datetime) -> str:
    """A month as a chart's axis names it: `led` / `Jan`."""
    return babel_format_date(value.astimezone(PRAGUE), format="LLL", locale=current_language())


def language_for_scope(scope) -> str:
    from litestar.connection import ASGIConnection

    connection = ASGIConnection(scope)
    return negotiate_language(
        getattr(scope.get("user"), "language", None),
        connection.cookies.get(LANGUAGE_COOKIE),
        connection.headers.get("accept-language"),
    )


class LanguageMiddleware:
    """Sets the request's language for gettext: the signed-in user's choice, else the language
    switch's cookie, else Accept-Language. Runs after the session middleware."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = use_language(language_for_scope(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_language(token)


def format_money(halere: int | None) -> str:
    """Haléře as a person reads them: `1 234,50 Kč` / `CZK 1,234.50`."""
    from backend.money import format_czk

    return "" if halere is None else format_czk(halere, current_language())


def amount_input(halere: int) -> str:
    """Haléře as the value of an amount field, with the language's decimal mark and no grouping,
    so it is easy to edit: `1650,00` / `1650.00` (parse_czk reads either back)."""
    from backend.money import to_decimal_czk

    text = format(to_decimal_czk(halere), "f")
    return text.replace(".", ",") if current_language() == "cs" else text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; translated later with ngettext."""
    return singular, plural


def pgettext(context: str, message: str, /, **params: Any) -> str:
    text = translations(current_language()).pgettext(context, message)
    return text % params if params else text


UNIT_FORMS = {
    "hour": Nn_("%(num)s hour", "%(num)s hours"),
    "day": Nn_("%(num)s day", "%(num)s days"),
    "piece": Nn_("%(num)s piece", "%(num)s pieces"),
}
PER_UNIT = {"hour": N_("per hour"), "day": N_("per day"), "piece": N_("per piece")}
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
        }
        return fraction[unit]
    singular, plural = UNIT_FORMS[unit]
    return ngettext(singular, plural, int(value), num=number)


def format_age(value: datetime | None) -> str:
    """How long ago, roughly: `3 days` / `5 hours` (for queues)."""
    if value is None:
        return ""
    from babel.dates import format_timedelta

    return format_timedelta(now() - value, threshold=1.1, locale=current_language())
