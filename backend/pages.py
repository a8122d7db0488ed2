"""What every HTML controller shares: rendering full pages or htmx fragments, and form input."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from backend.errors import FieldErrors, InvalidInput
from backend.i18n import gettext

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request[Any, Any, Any], template_name: str, *, status_code: int = 200, **context: Any
) -> Template:
    """A full page, or for an htmx request the same URL's fragment; caches must keep them apart."""
    return Template(
        template_name=template_name,
        context={"actor": request.scope.get("user"), "htmx": is_htmx(request), **context},
        status_code=status_code,
        headers={"Vary": "HX-Request, Cookie"},
    )


def field_errors(error: InvalidInput) -> dict[str, str]:
    """Translated messages per form field, for inline display."""
    items = error.errors if isinstance(error, FieldErrors) else {error.field or "__all__": error}
    return {field: gettext(item.message, **item.params) for field, item in items.items()}


def form_value(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):  # a repeated field: take the last, as browsers mean it
        value = value[-1] if value else ""
    return str(value)


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only same-site paths: an open redirect after sign-in would be a phishing aid."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)
