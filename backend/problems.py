"""Turns every error into an answer a person can act on: application/problem+json under /api,
an HTML page (or a redirect to sign in) elsewhere. Never a bare 500 with a stack trace."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.htmx import HTMXDetails, HTMXTemplate
from litestar.response import Redirect, Template

from backend.accounts.csrf import ensure_token
from backend.audit.services import neutralised
from backend.errors import N_, DomainError, FieldErrors, NotAuthenticated, TooManyRequests, status_for
from backend.i18n import gettext, language_for_scope, reset_language, use_language
from backend.pages import client_redirect, is_htmx
from backend.validation import field_error

logger = logging.getLogger("portal.errors")

PROBLEM_JSON = "application/problem+json"

_HTTP_TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    413: N_("Request too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


def wants_problem_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def _translated(request: Request[Any, Any, Any], message: str, params: dict[str, Any] | None = None) -> str:
    # The language middleware may already have reset its context (errors raised by CSRF or
    # routing surface outside it), so choose the language here again.
    token = use_language(language_for_scope(request.scope))
    try:
        return gettext(message, **(params or {}))
    finally:
        reset_language(token)


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    title: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    headers = headers or {}
    if wants_problem_json(request):
        body = {
            "type": "about:blank",
            "title": title or _translated(request, _HTTP_TITLES.get(status, N_("Request failed"))),
            "status": status,
            "detail": detail,
            **(extra or {}),
        }
        return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    token = use_language(language_for_scope(request.scope))
    try:
        if is_htmx(request):
            # an htmx request shows the problem in the page's alert area, not in the fragment
            return HTMXTemplate(
                template_name="partials/_alert.html",
                context={
                    "title": title or gettext(_HTTP_TITLES.get(status, N_("Request failed"))),
                    "detail": detail,
                },
                status_code=status,
                media_type=MediaType.HTML,
                headers=headers,
                re_target="#alerts",
                re_swap="innerHTML",
            )
        cookie = ensure_token(request)
        return Template(
            template_name="error.html",
            cookies=[cookie] if cookie else None,
            context={
                "actor": request.scope.get("user"),
                "status": status,
                "title": title or gettext(_HTTP_TITLES.get(status, N_("Request failed"))),
                "detail": detail,
            },
            status_code=status,
            media_type=MediaType.HTML,
            headers=headers,
        )
    finally:
        reset_language(token)


def _to_login(request: Request[Any, Any, Any]) -> Response[Any]:
    """Signed out (or the session ended): to the sign-in page, coming back to the page the person
    was on. htmx follows HX-Redirect with a full page load instead of swapping the login form in."""
    if is_htmx(request):
        page = urlsplit(HTMXDetails(request).current_url or "").path or "/"
        return client_redirect(f"/login?next={quote(page)}")
    return Redirect(path=f"/login?next={quote(request.url.path)}", status_code=303)


def handle_domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    status = status_for(error)
    if isinstance(error, NotAuthenticated) and not wants_problem_json(request):
        return _to_login(request)
    extra: dict[str, Any] = {}
    if isinstance(error, FieldErrors) or error.field:
        errors = error.errors if isinstance(error, FieldErrors) else {error.field: error}
        extra["errors"] = {
            field: _translated(request, item.message, item.params) for field, item in errors.items()
        }
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else None
    return problem(
        request,
        status,
        _translated(request, error.message, error.params),
        title=_translated(request, error.title),
        extra=extra,
        headers=headers,
    )


def _validation_detail(
    request: Request[Any, Any, Any], error: ValidationException
) -> tuple[str, dict[str, Any]]:
    items = error.extra if isinstance(error.extra, list) else []
    fields = []
    body = _body_type(request)
    errors: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict):
            key = item.get("key") or ""
            message = item.get("message") or ""
            fields.append(f"{key}: {message}" if key else message)
            if body is not None and item.get("source") == "body":
                # the same sentence a form gives for the same value (backend/validation.py)
                refused = field_error(body, key, message)
                errors.setdefault(refused.field or key, _translated(request, refused.message, refused.params))
    summary = _translated(request, N_("The request is not valid. Correct these fields and send it again:"))
    detail = (
        f"{summary} {'; '.join(fields)}"
        if fields
        else _translated(request, N_("The request body is not valid JSON of the expected shape."))
    )
    return detail, {"invalid_params": items, **({"errors": errors} if errors else {})}


def _body_type(request: Request[Any, Any, Any]) -> Any:
    """The Struct the handler's ``data`` takes, if any."""
    try:
        data = request.route_handler.parsed_fn_signature.parameters.get("data")
    except AttributeError:  # an error raised before routing
        return None
    return data.annotation if data is not None else None


def handle_http_exception(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    status = error.status_code
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationException):
        detail, extra = _validation_detail(request, error)
    elif isinstance(error, PermissionDeniedException) and "CSRF" in (error.detail or ""):
        detail = _translated(
            request,
            N_(
                "The security token (CSRF) is missing or invalid. Reload the page and try again; "
                "API clients send the csrftoken cookie's value in the x-csrftoken header."
            ),
        )
    elif isinstance(error, NotFoundException):
        detail = _translated(request, N_("There is nothing at this address."))
    elif status == 400:
        detail = _translated(
            request, N_("The request could not be read: %(reason)s"), {"reason": error.detail or "?"}
        )
    elif status >= 500:
        logger.error("HTTP %s on %s: %s", status, neutralised(request.url.path), neutralised(error.detail))
        detail = _translated(request, N_("Something went wrong on our side. Please try again later."))
    else:
        detail = _translated(request, _HTTP_TITLES.get(status, N_("Request failed")))
    return problem(request, status, detail, extra=extra)


_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error")


def _is_database_unavailable(error: Exception) -> bool:
    """Cannot reach the database (503), as opposed to a bug in a query (500, logged)."""
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return str(error).lower().startswith(_SQLITE_UNAVAILABLE)
    import asyncpg

    return isinstance(
        error, (asyncpg.CannotConnectNowError, asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError)
    ) or (isinstance(error, OSError) and error.errno is not None)


def handle_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    # msgspec refuses JSON nested past its depth limit, and bodies or forms that are not UTF-8,
    # with these; logged too, in case one ever comes from somewhere other than the request
    if isinstance(error, RecursionError):
        logger.warning("400 on %s: %r", neutralised(request.url.path), error)
        return problem(request, 400, _translated(request, N_("The request is nested too deeply to be read.")))
    if isinstance(error, UnicodeDecodeError):
        logger.warning("400 on %s: %r", neutralised(request.url.path), error)
        return problem(request, 400, _translated(request, N_("The request is not valid UTF-8 text.")))
    if _is_database_unavailable(error):
        logger.warning("database unavailable on %s: %r", neutralised(request.url.path), error)
        return problem(
            request,
            503,
            _translated(
                request, N_("The portal cannot reach its database right now. Please try again shortly.")
            ),
        )
    logger.exception("unhandled error on %s", neutralised(request.url.path), exc_info=error)
    return problem(
        request, 500, _translated(request, N_("Something went wrong on our side. Please try again later."))
    )


EXCEPTION_HANDLERS = {
    DomainError: handle_domain_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
