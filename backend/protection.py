"""Protections every response and request gets, whatever route answers them."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import N_, MalformedInput
from backend.i18n import language_for_scope, translations
from backend.settings import get_settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)
# pages whose address holds a single-use secret: never cached
SECRET_LINK_PATHS = ("/invitations/", "/password/reset/")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A JSON \u0000 escape (not preceded by an escaping backslash) or a raw NUL byte.
_JSON_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000|\x00")


async def security_headers(message: Message, scope: Scope) -> None:
    """before_send hook: browser protections on every answer; signed-in pages are never cached."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if get_settings().cookies_secure:  # served over HTTPS: browsers must never fall back to HTTP
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if scope.get("user") is not None or scope.get("path", "").startswith(SECRET_LINK_PATHS):
        headers["Cache-Control"] = "no-store"


async def reject_nul_characters(request: Request[Any, Any, Any]) -> None:
    """before_request hook. No text in the portal may hold a NUL character: PostgreSQL cannot
    store one, so refuse it up front with a 400 instead of failing half-way."""
    if "%00" in request.scope.get("query_string", b"").decode("latin-1") or "\x00" in request.url.path:
        raise MalformedInput(N_("The address contains a NUL character, which no field may hold."))
    if request.method in UNSAFE_METHODS:
        body = await request.body()  # cached: the handler reads the same bytes
        if _JSON_NUL.search(body) or b"%00" in body:
            raise MalformedInput(N_("The request contains a NUL character, which no field may hold."))


def host_name(host_header: str) -> str:
    """The host name of a Host header, without its port (``[::1]:8000`` → ``::1``), lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str, allowed: tuple[str, ...]) -> bool:
    """``ALLOWED_HOSTS`` names hosts whatever the port; ``*.example.cz`` is any subdomain of it,
    ``*`` any host (refused in production by the settings)."""
    name = host_name(host_header)
    if not name:
        return False
    for entry in allowed:
        pattern = host_name(entry)
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


REFUSED_HOST = N_("This server does not answer to the host name %(host)s.")


def check_host(app: ASGIApp) -> ASGIApp:
    """The outermost layer: a request for a host not in ``ALLOWED_HOSTS`` is refused before any
    route, session or database sees it, with a 400 problem (API) or a short page."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        host = Headers.from_scope(scope).get("host", "")
        if host_allowed(host, get_settings().allowed_hosts):
            await app(scope, receive, send)
            return
        catalogue = translations(language_for_scope(scope))
        detail = catalogue.gettext(REFUSED_HOST) % {"host": host_name(host)[:100] or "?"}
        if scope["path"].startswith("/api/"):
            body = msgspec.json.encode(
                {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": detail}
            )
            media_type = "application/problem+json"
        else:
            title = catalogue.gettext(N_("Unknown host"))
            body = (
                f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
                f"<body><h1>{escape(title)}</h1><p>{escape(detail)}</p></body></html>"
            ).encode()
            media_type = "text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", media_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return handle
