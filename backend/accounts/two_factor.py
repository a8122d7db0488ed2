"""Two-factor sign-in with TOTP (RFC 6238, by pyotp): enrolment with a QR code and ten single-use
recovery codes, the code step of signing in (throttled as passwords are, each code accepted once),
disabling with password and code, and the staff admin's reset of someone else's."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Any

import pyotp
import segno

from backend.accounts import domain, throttle
from backend.accounts.domain import Actor
from backend.accounts.schemas import EnrolmentOut, RecoveryCodesOut, TwoFactorStatusOut
from backend.accounts.security import token_hash, verify_password
from backend.accounts.tables import Company, PortalUser, RecoveryCode
from backend.accounts.tokens import require_interactive
from backend.audit.services import record
from backend.clock import now
from backend.db import locked, write_transaction
from backend.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from backend.notifications.services import enqueue_for_user
from backend.settings import get_settings

ISSUER = "Technická podpora"
RECOVERY_CODES = 10
WRONG_CODE = N_("The code is not correct, or it was used already. Wait for the next code and try again.")


def _normalized(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 bits, 10 hex digits, written in two halves
    return f"{raw[:5]}-{raw[5:]}"


async def status(actor: Actor) -> TwoFactorStatusOut:
    row = await PortalUser.select(PortalUser.totp_enabled_at).where(PortalUser.id == actor.id).first()
    left = await RecoveryCode.count().where((RecoveryCode.user == actor.id) & RecoveryCode.used_at.is_null())
    company = actor.company_id is not None and await Company.exists().where(
        (Company.id == actor.company_id) & (Company.require_two_factor == True)  # noqa: E712
    )
    required = domain.second_factor_required(
        actor.role, bool(company), get_settings().two_factor_required_for_staff
    )
    return TwoFactorStatusOut(
        enabled=row is not None and row["totp_enabled_at"] is not None,
        required=required,
        recovery_codes_left=left,
    )


async def start_enrolment(actor: Actor) -> EnrolmentOut:
    """A new secret, pending until the first code confirms it."""
    require_interactive(actor)
    secret = pyotp.random_base32()
    async with write_transaction():
        row = await locked(
            PortalUser.select(PortalUser.totp_enabled_at).where(PortalUser.id == actor.id)
        ).first()
        if row["totp_enabled_at"] is not None:
            raise Conflict(N_("Two-factor sign-in is already on. Turn it off first to set up a new app."))
        await PortalUser.update({PortalUser.totp_secret: secret}).where(PortalUser.id == actor.id)
    return enrolment(actor, secret)


def enrolment(actor: Actor, secret: str) -> EnrolmentOut:
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=ISSUER)
    return EnrolmentOut(secret=secret, otpauth_uri=uri, qr_svg=segno.make(uri, error="m").svg_inline(scale=4))


async def pending_enrolment(actor: Actor) -> EnrolmentOut | None:
    row = (
        await PortalUser.select(PortalUser.totp_secret, PortalUser.totp_enabled_at)
        .where(PortalUser.id == actor.id)
        .first()
    )
    if row["totp_secret"] is None or row["totp_enabled_at"] is not None:
        return None
    return enrolment(actor, row["totp_secret"])


async def _new_recovery_codes(user_id: int) -> list[str]:
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(
        *[RecoveryCode(user=user_id, code_hash=token_hash(_normalized(c))) for c in codes]
    )
    return codes


def _step(secret: str, code: str) -> int | None:
    """The 30-second step whose code ``code`` is (this one or its neighbours), or None."""
    totp = pyotp.TOTP(secret)
    at = now()
    for offset in (0, -1, 1):
        moment = at + timedelta(seconds=30 * offset)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


async def accept_code(user: dict[str, Any], raw: str, *, recovery: bool = True) -> bool:
    """Whether ``raw`` is a code not used before: a TOTP code later than the last accepted one
    (no replay within its window), or an unused recovery code. Called inside a transaction that
    holds the user's row lock."""
    code = _normalized(raw)
    secret = user["totp_secret"]
    if secret and code.isdigit() and len(code) == 6:
        step = _step(secret, code)
        if step is None or step <= user["totp_last_step"]:
            return False
        await PortalUser.update({PortalUser.totp_last_step: step}).where(PortalUser.id == user["id"])
        user["totp_last_step"] = step
        return True
    if not recovery:
        return False
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: now()})
        .where(
            (RecoveryCode.user == user["id"])
            & (RecoveryCode.code_hash == token_hash(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(used)


def locked_user(user_id: int):
    return locked(PortalUser.select().where(PortalUser.id == user_id)).first()


async def confirm_enrolment(actor: Actor, code: str) -> RecoveryCodesOut:
    """The first code from the app turns two-factor sign-in on; the recovery codes are shown once."""
    require_interactive(actor)
    async with write_transaction():
        user = await locked_user(actor.id)
        if user["totp_enabled_at"] is not None:
            raise Conflict(N_("Two-factor sign-in is already on."))
        if user["totp_secret"] is None:
            raise InvalidInput(N_("Start setting up two-factor sign-in first."), field="code")
        if not await accept_code(user, code, recovery=False):
            raise InvalidInput(WRONG_CODE, field="code")
        await PortalUser.update({PortalUser.totp_enabled_at: now()}).where(PortalUser.id == actor.id)
        codes = await _new_recovery_codes(actor.id)
        await record("user.two_factor_on", object_type="user", object_id=actor.id, actor=actor)
    return RecoveryCodesOut(codes=codes)


async def disable(actor: Actor, password: str, code: str, client_address: str) -> None:
    """Off again: only with the password and a current code (or a recovery code)."""
    require_interactive(actor)
    if (await status(actor)).required:
        raise PermissionDenied(
            N_("Two-factor sign-in is required for your account and cannot be turned off.")
        )
    await throttle.attempt(actor.email, client_address, field="password")
    async with write_transaction():
        user = await locked_user(actor.id)
        if user["totp_enabled_at"] is None:
            raise InvalidInput(N_("Two-factor sign-in is not on."), field="code")
        if not await verify_password(user["password_hash"], password or ""):
            raise InvalidInput(N_("The password is not correct."), field="password")
        if not await accept_code(user, code):
            raise InvalidInput(WRONG_CODE, field="code")
        await _clear(actor.id)
        await throttle.succeeded(actor.email)
        await record("user.two_factor_off", object_type="user", object_id=actor.id, actor=actor)


async def _clear(user_id: int) -> None:
    await PortalUser.update(
        {PortalUser.totp_secret: None, PortalUser.totp_enabled_at: None, PortalUser.totp_last_step: 0}
    ).where(PortalUser.id == user_id)
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)


async def reset_for(admin: Actor, user_id: int) -> None:
    """The staff admin resets someone's second factor (a lost phone): audited, and e-mailed to
    the person, who sets it up again at the next sign-in if it is required of them."""
    admin.require_staff_admin()
    require_interactive(admin)
    if user_id == admin.id:
        raise InvalidInput(N_("Turn off your own second factor on My account."), field="user")
    async with write_transaction():
        user = await locked_user(user_id)
        if user is None:
            raise NotFound(N_("No such user."))
        if user["totp_enabled_at"] is None:
            raise InvalidInput(N_("This person has no second factor set up."), field="user")
        await _clear(user_id)
        await record(
            "user.two_factor_reset",
            object_type="user",
            object_id=user_id,
            actor=admin,
            company_id=user["company"],
            before="on",
            after="off",
        )
        await enqueue_for_user(user, "two_factor_reset", {"admin": admin.full_name})


async def has_second_factor(user_id: int) -> bool:
    return await PortalUser.exists().where(
        (PortalUser.id == user_id) & PortalUser.totp_enabled_at.is_not_null()
    )


async def set_company_requirement(actor: Actor, required: bool) -> None:
    """The company manager requires two-factor sign-in of everyone in the company."""
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))
    company_id = actor.company_scope()
    if required and not await has_second_factor(actor.id):
        raise PermissionDenied(N_("Set up two-factor sign-in for yourself first, on My account."))
    async with write_transaction():
        await Company.update({Company.require_two_factor: required}).where(Company.id == company_id)
        await record(
            "company.two_factor_required",
            object_type="company",
            object_id=company_id,
            actor=actor,
            after=required,
        )
