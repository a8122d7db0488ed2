"""The code step of signing in with a second factor: after the right password, a short-lived
single-use challenge; then a code from the app or a recovery code, counted in the same throttle
as passwords (each code accepted once), before the session starts."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts import throttle
from backend.accounts.domain import Actor
from backend.accounts.schemas import SecondFactorOut
from backend.accounts.security import new_token, token_hash
from backend.accounts.services import actor_from_row
from backend.accounts.tables import SignInChallenge
from backend.accounts.two_factor import WRONG_CODE, accept_code, locked_user
from backend.audit.services import record
from backend.clock import aware, now
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, NotAuthenticated

CHALLENGE_MINUTES = 5
WRONG_CODES_PER_CHALLENGE = 5
TOO_LATE = N_("The sign-in took too long. Enter your e-mail and password again.")


async def challenge(actor: Actor) -> SecondFactorOut:
    """The password was right: a short-lived challenge for the code step."""
    token = new_token()
    expires = now() + timedelta(minutes=CHALLENGE_MINUTES)
    async with write_transaction():
        await SignInChallenge.delete().where(SignInChallenge.expires_at < now())
        await SignInChallenge.insert(
            SignInChallenge(user=actor.id, token_hash=token_hash(token), expires_at=expires)
        )
    return SecondFactorOut(second_factor_required=True, challenge=token, expires_at=expires)


async def complete_sign_in(challenge_token: str, code: str, client_address: str) -> Actor:
    """The code step: counted in the same throttle as passwords; a challenge takes five wrong
    codes, then the password is asked again."""
    row = (
        await SignInChallenge.select(
            SignInChallenge.id, SignInChallenge.expires_at, SignInChallenge.user.email.as_alias("email")
        )
        .where(SignInChallenge.token_hash == token_hash(challenge_token or ""))
        .first()
    )
    if row is None or aware(row["expires_at"]) <= now():
        raise NotAuthenticated(TOO_LATE)
    await throttle.attempt(row["email"], client_address, field="code")
    async with write_transaction():
        held = await locked(SignInChallenge.select().where(SignInChallenge.id == row["id"])).first()
        if held is None:
            raise NotAuthenticated(TOO_LATE)
        user = await locked_user(held["user"])
        if not user["is_active"]:
            raise NotAuthenticated(N_("The e-mail address or password is not correct."))
        if not await accept_code(user, code):
            if held["wrong_codes"] + 1 >= WRONG_CODES_PER_CHALLENGE:
                await SignInChallenge.delete().where(SignInChallenge.id == held["id"])
            else:
                await SignInChallenge.update({SignInChallenge.wrong_codes: held["wrong_codes"] + 1}).where(
                    SignInChallenge.id == held["id"]
                )
            await record(
                "auth.code_failed", object_type="user", object_id=user["id"], actor_name=user["email"]
            )
            failed = InvalidInput(WRONG_CODE, field="code")
        else:
            await SignInChallenge.delete().where(SignInChallenge.id == held["id"])
            await throttle.succeeded(user["email"])
            failed = None
    if failed is not None:  # the wrong code stays counted: raised after the commit
        raise failed
    return actor_from_row(user)
