"""CSRF protection bound to the sign-in session.

A signed-in browser's token is an HMAC of its session token under ``SECRET_KEY``: a token from
another session never matches, and signing in (a new session token) rotates it. Before sign-in the
token is a signed random value kept in the ``csrftoken`` cookie (double submit). Every unsafe
request must send the token (``x-csrftoken`` header or the ``_csrf_token`` form field) and, when
the browser says where it comes from (``Origin``, else ``Referer``), come from the portal itself.
Requests with a bearer token carry no ambient credential and need no CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from backend.errors import N_, PermissionDenied
from backend.settings import get_settings

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
FORM_FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "portal_session"  # the session middleware's cookie (imported there from here)
# routes with this opt read multipart bodies as a stream (attachments/uploads.py): the token is
# checked there, from the same stream, and left for it in the scope under CSRF_DEFERRED
UPLOAD_OPT = "streamed_upload"
CSRF_DEFERRED = "csrf_deferred_to_upload"


def _mac(purpose: str, value: str) -> str:
    return hmac.new(
        get_settings().secret_key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def session_token(session: str) -> str:
    """The CSRF token of the session whose cookie value is ``session``."""
    return "s" + _mac("csrf-session", session)


def anonymous_token() -> str:
    nonce = secrets.token_hex(16)
    return f"a{nonce}{_mac('csrf-anonymous', nonce)}"


def _valid_anonymous(token: str | None) -> bool:
    if not token or not token.startswith("a") or len(token) != 97:
        return False
    return hmac.compare_digest(token[33:], _mac("csrf-anonymous", token[1:33]))


def own_origins(connection: ASGIConnection) -> set[str]:
    """The origins the portal's own pages have: the public base URL's and the one asked for."""
    base = urlsplit(get_settings().public_base_url)
    host = connection.headers.get("host", "")
    return {
        f"{base.scheme}://{base.netloc}".lower(),
        f"{connection.scope.get('scheme', 'http')}://{host}".lower(),
    }


def check_origin(connection: ASGIConnection) -> None:
    """Refuse an unsafe request that a browser says comes from another site."""
    origin = connection.headers.get("origin")
    if origin is None and (referer := connection.headers.get("referer")):
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin is not None and origin.lower() not in own_origins(connection):
        raise PermissionDenied(N_("This request came from another site and was refused."))


def _cookie(value: str) -> Cookie:
    return Cookie(
        key=CSRF_COOKIE, value=value, path="/", samesite="lax", secure=get_settings().cookies_secure
    )


def _new_session_in(message: Message) -> str | None:
    """The session cookie a response sets: its value, "" when it clears it, None when untouched."""
    for name, value in message.get("headers", []):
        if name.lower() == b"set-cookie" and value.startswith(f"{SESSION_COOKIE}=".encode()):
            cookie = value.decode("latin-1").split(";", 1)[0].split("=", 1)[1].strip('"')
            return "" if "max-age=0" in value.decode("latin-1").lower() else cookie
    return None


def ensure_token(connection: ASGIConnection[Any, Any, Any, Any]) -> Cookie | None:
    """For pages rendered where the middleware never ran (an error page for an address no route
    answers): the scope gets the connection's token, so the page's forms (the language switch,
    sign out) work. Returns the cookie to set when the browser had no valid token yet."""
    state = ScopeState.from_scope(connection.scope)
    if isinstance(state.csrf_token, str) and state.csrf_token:  # unset, it is Litestar's Empty
        return None
    session = connection.cookies.get(SESSION_COOKIE)
    cookie = connection.cookies.get(CSRF_COOKIE)
    if session:
        state.csrf_token = session_token(session)
        return None if cookie == state.csrf_token else _cookie(state.csrf_token)
    if _valid_anonymous(cookie):
        state.csrf_token = cookie
        return None
    state.csrf_token = anonymous_token()
    return _cookie(state.csrf_token)


class CsrfMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("auth_kind") == "bearer":
            await next_app(scope, receive, send)
            return
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope, receive)
        cookie = connection.cookies.get(CSRF_COOKIE)
        session = connection.cookies.get(SESSION_COOKIE)
        expected = session_token(session) if session else (cookie if _valid_anonymous(cookie) else None)
        state = ScopeState.from_scope(scope)
        if scope["method"] not in SAFE_METHODS:
            check_origin(connection)
            sent = connection.headers.get(CSRF_HEADER)
            request = scope["litestar_app"].request_class(scope=scope, receive=receive)
            content_type = request.content_type[0]
            if (
                not sent
                and content_type == "multipart/form-data"
                and scope["route_handler"].opt.get(UPLOAD_OPT)
            ):
                scope[CSRF_DEFERRED] = expected  # type: ignore[literal-required]
            else:
                if not sent and content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                    sent = (await request.form()).get(FORM_FIELD)
                if not (expected and isinstance(sent, str) and hmac.compare_digest(sent, expected)):
                    raise PermissionDeniedException("CSRF token verification failed")
        token = expected or anonymous_token()
        state.csrf_token = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = token
                changed = _new_session_in(message)
                if changed is not None:  # signed in or out: the token follows the session
                    current = session_token(changed) if changed else anonymous_token()
                if current != cookie:
                    MutableScopeHeaders.from_message(message).add(
                        "set-cookie", _cookie(current).to_header(header="")
                    )
            await send(message)

        await next_app(scope, receive, send_with_cookie)
