"""Protections every response and request gets, whatever route answers them."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from backend.errors import N_, MalformedInput
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
