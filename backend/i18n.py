"""Languages: gettext catalogues (Babel), Jinja's gettext, and the request's language (negotiation
and the middleware that sets it). Formatting per language is in backend/formatting.py.

Every string shown to a person goes through ``gettext``/``_`` (or is marked ``N_`` where it is
defined and translated where it is shown). Source strings are English; Czech is the default
language of the product and its catalogue lives in ``backend/locale/cs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from backend.errors import Money, Msg
from backend.money import format_czk
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
        return format_czk(int(value), current_language())
    return value


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    text = translations(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction; translated later with ngettext."""
    return singular, plural


def pgettext(context: str, message: str, /, **params: Any) -> str:
    text = translations(current_language()).pgettext(context, message)
    return text % params if params else text


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
