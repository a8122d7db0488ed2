"""Who is asking: resolves the session cookie to an Actor (or None) for every request."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.accounts.domain import Actor
from backend.accounts.sessions import actor_for_session, start_session
from backend.audit.services import client_address as client_address_var
from backend.settings import get_settings

SESSION_COOKIE = "portal_session"
# paths that need no user and must not touch the database for one
ANONYMOUS_PREFIX = "/static/"
ANONYMOUS_PATHS = frozenset({"/health", "/ready"})


class SessionMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:  # type: ignore[override]
        return scope["path"] in ANONYMOUS_PATHS or scope["path"].startswith(ANONYMOUS_PREFIX)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection = ASGIConnection(scope)
        token = connection.cookies.get(SESSION_COOKIE)
        actor = await actor_for_session(token) if token else None
        scope["user"] = actor
        scope["auth"] = token if actor else None
        address = client_address_var.set(connection.client.host if connection.client else "")
        try:
            await next_app(scope, receive, send)
        finally:
            client_address_var.reset(address)


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().cookies_secure,
    )


def expired_session_cookie() -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=get_settings().cookies_secure,
    )


def client_address(connection: ASGIConnection) -> str:
    return connection.client.host if connection.client else ""


async def new_session_cookie(connection: ASGIConnection, actor: Actor) -> Cookie:
    """Sign ``actor`` in with a fresh session; the session the client had before stops working."""
    token = await start_session(actor, client_address(connection), connection.cookies.get(SESSION_COOKIE))
    return session_cookie(token)
