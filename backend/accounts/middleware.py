"""Who is asking: resolves the session cookie, or a bearer token, to an Actor (or None) for every
request. A bearer request ignores cookies, sets none and, with a read token, may only read."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.accounts.csrf import SAFE_METHODS, SESSION_COOKIE
from backend.accounts.domain import Actor
from backend.accounts.sessions import actor_for_session, start_session
from backend.accounts.tokens import actor_for_bearer
from backend.audit.services import client_address as client_address_var
from backend.errors import N_, NotAuthenticated, PermissionDenied
from backend.settings import get_settings

# paths that need no user and must not touch the database for one
ANONYMOUS_PREFIX = "/static/"
ANONYMOUS_PATHS = frozenset({"/health", "/ready"})
# what an account that must still set up its second factor may reach
ENROLMENT_PREFIXES = ("/account", "/api/v1/me", "/api/v1/auth/", "/logout", "/login", "/static/", "/language")

__all__ = ["SESSION_COOKIE", "SessionMiddleware"]


def _bearer(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


async def _without_cookies(send: Send, message: Message) -> None:
    if message["type"] == "http.response.start":
        message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"set-cookie"]
    await send(message)


class SessionMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:  # type: ignore[override]
        return scope["path"] in ANONYMOUS_PATHS or scope["path"].startswith(ANONYMOUS_PREFIX)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection = ASGIConnection(scope)
        address = client_address_var.set(connection.client.host if connection.client else "")
        try:
            bearer = _bearer(connection)
            if bearer is not None:
                await self._as_token(scope, receive, send, next_app, bearer, client_address(connection))
                return
            token = connection.cookies.get(SESSION_COOKIE)
            actor = await actor_for_session(token) if token else None
            scope["user"] = actor
            scope["auth"] = token if actor else None
            if (
                actor is not None
                and actor.needs_second_factor
                and not scope["path"].startswith(ENROLMENT_PREFIXES)
            ):
                raise PermissionDenied(
                    N_("Your account needs two-factor sign-in: set it up on My account first.")
                )
            await next_app(scope, receive, send)
        finally:
            client_address_var.reset(address)

    @staticmethod
    async def _as_token(
        scope: Scope, receive: Receive, send: Send, next_app: ASGIApp, bearer: str, address: str
    ) -> None:
        found = await actor_for_bearer(bearer, address)
        if found is None:
            raise NotAuthenticated(N_("The API token is not valid: it is unknown, revoked or expired."))
        actor, scope_of_token = found
        if scope_of_token != "read_write" and scope["method"] not in SAFE_METHODS:  # noqa: S105
            raise PermissionDenied(
                N_("This API token may only read: create a read-write token to make changes.")
            )
        scope["user"] = actor
        scope["auth"] = None
        scope["auth_kind"] = "bearer"  # type: ignore[typeddict-unknown-key]

        async def send_no_cookies(message: Message) -> None:
            await _without_cookies(send, message)

        await next_app(scope, receive, send_no_cookies)


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
    token = await start_session(
        actor,
        client_address(connection),
        connection.cookies.get(SESSION_COOKIE),
        connection.headers.get("user-agent", ""),
    )
    return session_cookie(token)
