"""Sign-in sessions: an opaque token in an HttpOnly cookie, its hash in the database, so app
processes keep no state of their own."""

from __future__ import annotations

from datetime import timedelta

import ua_parser

from backend.accounts.domain import Actor
from backend.accounts.schemas import SessionOut
from backend.accounts.security import new_token, token_hash
from backend.accounts.services import actor_from_row
from backend.accounts.tables import UserSession
from backend.audit.services import record
from backend.clock import aware, now
from backend.db import Param, Prepared, write_transaction
from backend.settings import get_settings

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)  # bounds the writes that idle-timeout tracking costs


def describe_user_agent(user_agent: str) -> str:
    """ "Firefox 133 on Windows 10", from the User-Agent by ua-parser's rules ("" if unknown)."""
    if not user_agent:
        return ""
    parsed = ua_parser.parse(user_agent)
    browser = parsed.user_agent
    system = parsed.os
    name = f"{browser.family} {browser.major or ''}".strip() if browser and browser.family != "Other" else ""
    where = f"{system.family} {system.major or ''}".strip() if system and system.family != "Other" else ""
    return " · ".join(part for part in (name, where) if part)


async def insert_session(actor: Actor, client_address: str, user_agent: str = "") -> str:
    """A new session of ``actor`` in the caller's transaction; returns its token."""
    token = new_token()
    created = now()
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(token),
            user=actor.id,
            created_at=created,
            last_seen_at=created,
            expires_at=created + timedelta(hours=get_settings().session_absolute_hours),
            client_address=client_address[:64],
            user_agent=user_agent[:300],
        )
    )
    return token


async def start_session(
    actor: Actor, client_address: str, previous_token: str | None = None, user_agent: str = ""
) -> str:
    """Sign in: a new session id every time; the one the client had before stops working."""
    async with write_transaction():
        # housekeeping: sessions past their absolute end are of no use to anyone
        await UserSession.delete().where(UserSession.expires_at < now())
        if previous_token:
            await UserSession.delete().where(UserSession.token_hash == token_hash(previous_token))
        token = await insert_session(actor, client_address, user_agent)
        await record("auth.login", object_type="user", object_id=actor.id, actor=actor)
    return token


async def end_session(token: str) -> None:
    async with write_transaction():
        session = (
            await UserSession.select(
                UserSession.user,
                UserSession.user.email.as_alias("email"),
                UserSession.user.company.as_alias("company"),
            )
            .where(UserSession.token_hash == token_hash(token))
            .first()
        )
        if session is None:
            return
        await UserSession.delete().where(UserSession.token_hash == token_hash(token))
        await record(
            "auth.logout",
            object_type="user",
            object_id=session["user"],
            actor_id=session["user"],
            actor_name=session["email"],
            company_id=session["company"],
        )


# every signed-in request asks: its SQL is built once (Piccolo would rebuild the join each time)
_SESSION_WITH_USER = Prepared(
    lambda: (
        UserSession.select(
            UserSession.id,
            UserSession.expires_at,
            UserSession.last_seen_at,
            *UserSession.user.all_columns(
                exclude=[UserSession.user.password_hash, UserSession.user.totp_secret]
            ),
            UserSession.user.company.require_two_factor.as_alias("company_requires_2fa"),
        )
        .where(UserSession.token_hash == Param("token_hash"))
        .first()
    )
)


async def actor_for_session(token: str) -> Actor | None:
    """The signed-in user behind a session token, or None once it is unknown, expired or idle."""
    row = await _SESSION_WITH_USER.first(token_hash=token_hash(token))
    if row is None:
        return None
    at = now()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    last_seen = aware(row["last_seen_at"])
    if aware(row["expires_at"]) <= at or last_seen + idle_limit <= at or not row["user.is_active"]:
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if at - last_seen >= SESSION_TOUCH_INTERVAL:
        await UserSession.update({UserSession.last_seen_at: at}).where(UserSession.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    user["company_requires_2fa"] = row["company_requires_2fa"]
    return actor_from_row(user, session_id=row["id"])


async def list_sessions(actor: Actor) -> list[SessionOut]:
    """The caller's signed-in browsers and clients, the current one first."""
    rows = (
        await UserSession.select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            UserSession.client_address,
            UserSession.user_agent,
        )
        .where(
            (UserSession.user == actor.id)
            & (UserSession.expires_at > now())
            & (UserSession.last_seen_at > now() - timedelta(minutes=get_settings().session_idle_minutes))
        )
        .order_by(UserSession.last_seen_at, ascending=False)
    )
    sessions = [
        SessionOut(
            id=row["id"],
            created_at=aware(row["created_at"]),
            last_seen_at=aware(row["last_seen_at"]),
            client_address=row["client_address"],
            current=row["id"] == actor.session_id,
            client=describe_user_agent(row["user_agent"]),
        )
        for row in rows
    ]
    return sorted(sessions, key=lambda session: not session.current)


async def end_other_sessions(actor: Actor) -> int:
    """Sign out everywhere else: every session of the caller but the one asking ends now."""
    async with write_transaction():
        ended = (
            await UserSession.delete()
            .where((UserSession.user == actor.id) & (UserSession.id != (actor.session_id or 0)))
            .returning(UserSession.id)
        )
        await record(
            "auth.sessions_ended", object_type="user", object_id=actor.id, actor=actor, after=len(ended)
        )
    return len(ended)
