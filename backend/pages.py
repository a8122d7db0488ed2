"""What every HTML controller shares: rendering full pages or htmx fragments, and form input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import ClientRedirect, HTMXDetails
from litestar.response import Redirect, Template

from backend.errors import Conflict, FieldErrors, InvalidInput
from backend.i18n import gettext

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
T = TypeVar("T")


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return bool(HTMXDetails(request))


def render(
    request: Request[Any, Any, Any], template_name: str, *, status_code: int = 200, **context: Any
) -> Template:
    """A full page, or for an htmx request the same URL's fragment; caches must keep them apart.
    A page that answers a plain form post (its mistakes shown) names the form's own page, which the
    browser's history gets instead of the post (portal.js): Back and Reload then never ask to
    send the form again."""
    if request.method == "POST" and not is_htmx(request):
        context.setdefault("replace_url", form_page(request))
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


def form_page(request: Request[Any, Any, Any]) -> str:
    """The page a form was sent from: the same-site Referer, else the address it was sent to."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path:
        return request.url.path
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), request.url.path)


def see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def client_redirect(path: str) -> Response[Any]:
    """For htmx: load ``path`` as a whole page instead of swapping a fragment (204: no content
    to swap, only the header htmx follows)."""
    response = ClientRedirect(path)
    response.status_code = 204
    return response


@dataclass
class Outcome:
    """What a form's use case came to, for the page: a message, and the fields to correct."""

    message: str | None = None
    failed: bool = False
    errors: dict[str, str] = field(default_factory=dict)


async def attempt(use_case: Awaitable[T], done: str | Callable[[T], str]) -> tuple[T | None, Outcome]:
    """Run a use case for a form. A refusal a person can act on (invalid input, a conflict with
    the current state) becomes an Outcome to show inline; anything else propagates. ``done`` is
    the msgid to say on success, or a function of the result that says it (translated)."""
    try:
        result = await use_case
    except (InvalidInput, Conflict) as error:
        errors = field_errors(error) if isinstance(error, InvalidInput) else {}
        return None, Outcome(gettext(error.message, **error.params), True, errors)
    return result, Outcome(done(result) if callable(done) else gettext(done))


def respond(
    request: Request[Any, Any, Any],
    outcome: Outcome,
    *,
    redirect_to: str,
    partial: str,
    page: str,
    **context: Any,
) -> Response[Any]:
    """After a form: a plain post that worked redirects (so a reload does not repeat it); htmx gets
    the fragment it swaps in place; a refusal re-renders with the message and the fields marked."""
    if not is_htmx(request) and not outcome.failed:
        return see_other(redirect_to)
    return render(
        request,
        partial if is_htmx(request) else page,
        status_code=422 if outcome.failed else 200,
        message=outcome.message,
        failed=outcome.failed,
        errors=outcome.errors,
        **context,
    )
