"""Changing a password while signed in, and resetting a forgotten one by an e-mailed link.

Either way every other session of the account ends: whoever knew the old password, or had a
browser signed in with it, is out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.accounts import domain, throttle
from backend.accounts.domain import Actor
from backend.accounts.security import hash_password, new_token, token_hash, verify_password
from backend.accounts.sessions import insert_session
from backend.accounts.tables import LoginFailure, PasswordReset, PortalUser, UserSession
from backend.audit.services import record
from backend.clock import now
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput
from backend.notifications.services import enqueue_for_user
from backend.settings import get_settings

# more reset e-mails than this per account within one validity period are not sent (the answer
# stays the same), so nobody can flood a person's inbox with them
RESETS_PER_PERIOD = 3
INVALID_LINK = N_("This password-reset link is not valid any more. Ask for a new one.")


def _new_password(password: str, field: str) -> str:
    try:
        return domain.check_password(password)
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field, **error.params) from error


async def change_password(actor: Actor, current: str, new: str, client_address: str) -> str:
    """Set a new password after checking the current one. Every session of the account ends and
    a new one starts for the caller; returns its token."""
    # guessing the current password counts like guessing it at sign-in, and is stopped the same way
    await throttle.attempt(
        actor.email,
        client_address,
        N_("Too many wrong passwords. Wait %(minutes)s min and try again."),
        field="current_password",
    )
    row = await PortalUser.select(PortalUser.password_hash).where(PortalUser.id == actor.id).first()
    if row is None or not await verify_password(row["password_hash"], current or ""):
        raise InvalidInput(N_("The current password is not correct."), field="current_password")
    await throttle.succeeded(actor.email)
    password = _new_password(new, "new_password")
    if password == current:
        raise InvalidInput(N_("Choose a password different from the current one."), field="new_password")
    password_hash = await hash_password(password)
    async with write_transaction():
        await PortalUser.update(
            {PortalUser.password_hash: password_hash, PortalUser.password_changed_at: now()}
        ).where(PortalUser.id == actor.id)
        await UserSession.delete().where(UserSession.user == actor.id)
        # a reset link asked for before the change must not overwrite the new password
        await PasswordReset.update({PasswordReset.used_at: now()}).where(
            (PasswordReset.user == actor.id) & PasswordReset.used_at.is_null()
        )
        token = await insert_session(actor, client_address)
        await record("auth.password_changed", object_type="user", object_id=actor.id, actor=actor)
    return token


async def request_reset(raw_email: str, client_address: str) -> None:
    """E-mail a single-use link to choose a new password. The caller learns nothing about whether
    the address has an account: the answer is the same either way."""
    email = (raw_email or "").strip().lower()
    user = (
        await PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language, PortalUser.company)
        .where((PortalUser.email == email) & (PortalUser.is_active == True))  # noqa: E712 - SQL
        .first()
    )
    if user is None:
        return
    created = now()
    valid = timedelta(minutes=get_settings().password_reset_valid_minutes)
    token = new_token()
    async with write_transaction():
        # the person's row is locked, so parallel requests count one after another
        await locked(PortalUser.select(PortalUser.id).where(PortalUser.id == user["id"])).first()
        recent = await PasswordReset.count().where(
            (PasswordReset.user == user["id"]) & (PasswordReset.created_at > created - valid)
        )
        if recent >= RESETS_PER_PERIOD:
            return
        await PasswordReset.insert(
            PasswordReset(
                user=user["id"],
                token_hash=token_hash(token),
                created_at=created,
                expires_at=created + valid,
                client_address=client_address[:64],
            )
        )
        await enqueue_for_user(
            user, "password_reset", {"token": token, "minutes": get_settings().password_reset_valid_minutes}
        )
        await record(
            "auth.password_reset_requested",
            object_type="user",
            object_id=user["id"],
            actor_id=user["id"],
            actor_name=user["email"],
            company_id=user["company"],
        )


def _usable(token: str):
    return (
        (PasswordReset.token_hash == token_hash(token or ""))
        & PasswordReset.used_at.is_null()
        & (PasswordReset.expires_at > now())
    )


async def reset_link_is_valid(token: str) -> bool:
    return await PasswordReset.exists().where(
        _usable(token) & (PasswordReset.user.is_active == True)  # noqa: E712 - SQL
    )


async def reset_password(token: str, password: str) -> None:
    """Use a reset link once: the new password is set, every session of the account ends, and
    the link (and any other pending one of the account) stops working."""
    new = _new_password(password, "password")
    password_hash = await hash_password(new)
    async with write_transaction():
        # the link's row is locked, so two uses of one link at once set one password
        link = await locked(PasswordReset.select(PasswordReset.user).where(_usable(token))).first()
        user: dict[str, Any] | None = None
        if link is not None:
            user = (
                await PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.company)
                .where((PortalUser.id == link["user"]) & (PortalUser.is_active == True))  # noqa: E712
                .first()
            )
        if user is None:
            raise InvalidInput(INVALID_LINK, field="token")
        at = now()
        await PortalUser.update(
            {PortalUser.password_hash: password_hash, PortalUser.password_changed_at: at}
        ).where(PortalUser.id == user["id"])
        await PasswordReset.update({PasswordReset.used_at: at}).where(
            (PasswordReset.user == user["id"]) & PasswordReset.used_at.is_null()
        )
        await UserSession.delete().where(UserSession.user == user["id"])
        await LoginFailure.delete().where(LoginFailure.email == user["email"])
        await record(
            "auth.password_reset",
            object_type="user",
            object_id=user["id"],
            actor_id=user["id"],
            actor_name=user["email"],
            company_id=user["company"],
        )
