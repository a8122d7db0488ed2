"""Sign-in throttling: after repeated failures an account, or a client address, is refused for a
while (429). Failures are rows in the database, so every app process behind a load balancer counts
the same ones and a restart forgets nothing.

Refused attempts are not counted as failures: the refusal lasts one window after the failure that
tripped it, however often an attacker keeps knocking, so the owner is never locked out for longer.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from backend.accounts.tables import LoginFailure, RateHit
from backend.clock import aware, now
from backend.db import write_transaction
from backend.errors import N_, TooManyRequests
from backend.settings import get_settings


def _window() -> timedelta:
    return timedelta(minutes=get_settings().login_throttle_minutes)


async def _seconds_refused(condition, limit: int, at: datetime, attempt_id: int) -> int:
    """How long the attempts matching ``condition`` (other than this one) still refuse sign-in
    (0: not refused). The refusal holds while ``limit`` of them lie in the window, i.e. until the
    oldest of the newest ``limit`` leaves it."""
    window = _window()
    rows = (
        await LoginFailure.select(LoginFailure.at)
        .where(condition & (LoginFailure.at > at - window) & (LoginFailure.id != attempt_id))
        .order_by(LoginFailure.at, ascending=False)
        .limit(limit)
    )
    if len(rows) < limit:
        return 0
    return max(1, math.ceil((aware(rows[-1]["at"]) + window - at).total_seconds()))


SIGN_IN_REFUSED = N_(
    "Too many failed sign-in attempts. Wait %(minutes)s min and try again, or reset your password."
)


async def attempt(
    email: str, client_address: str, message: str = SIGN_IN_REFUSED, field: str | None = None
) -> int:
    """Count a password attempt before the password is checked, and refuse it (TooManyRequests)
    while the account or the address is throttled. The attempt is written and committed first and
    the count taken after, so a burst of parallel guesses sees itself: at most the limit of them
    get as far as the password. Returns the attempt's id; it stays as a failure unless
    ``succeeded`` clears it."""
    settings = get_settings()
    at = now()
    async with write_transaction():
        # housekeeping: attempts past the window no longer count for anything
        await LoginFailure.delete().where(LoginFailure.at <= at - _window())
        rows = await LoginFailure.insert(
            LoginFailure(email=email[:254], client_address=client_address[:64], at=at)
        ).returning(LoginFailure.id)
    attempt_id = rows[0]["id"]
    # one address guessing one account is refused after LOGIN_FAILURES_PER_ACCOUNT; the account
    # as a whole only past the higher ceiling, so a stranger cannot keep its owner locked out
    account = LoginFailure.email == email[:254]
    seconds = await _seconds_refused(
        account & (LoginFailure.client_address == client_address[:64]),
        settings.login_failures_per_account,
        at,
        attempt_id,
    )
    seconds = max(
        seconds, await _seconds_refused(account, settings.login_failures_account_ceiling, at, attempt_id)
    )
    if client_address:
        seconds = max(
            seconds,
            await _seconds_refused(
                LoginFailure.client_address == client_address[:64],
                settings.login_failures_per_address,
                at,
                attempt_id,
            ),
        )
    if seconds:
        # a refused attempt is not a failure: the refusal never outlasts the window
        await LoginFailure.delete().where(LoginFailure.id == attempt_id)
        raise TooManyRequests(message, retry_after=seconds, field=field, minutes=math.ceil(seconds / 60))
    return attempt_id


async def succeeded(email: str) -> None:
    """A correct password clears the account's attempts (not the address's: one good account
    must not let an address go on guessing others)."""
    await LoginFailure.delete().where(LoginFailure.email == email[:254])


async def spend(bucket: str, key: str, limit: int) -> bool:
    """Count one use of ``bucket`` by ``key``; False once ``limit`` uses lie in the window."""
    at = now()
    async with write_transaction():
        await RateHit.delete().where(RateHit.at <= at - _window())
        used = await RateHit.count().where(
            (RateHit.bucket == bucket) & (RateHit.key == key[:254]) & (RateHit.at > at - _window())
        )
        if used >= limit:
            return False
        await RateHit.insert(RateHit(bucket=bucket, key=key[:254], at=at))
    return True


EMAIL_CHECKS_REFUSED = N_("Too many checks from your address. Wait %(minutes)s min and try again.")


async def spend_email_check(client_address: str) -> None:
    """Whether an address has an account is told at most EMAIL_CHECKS_PER_ADDRESS times a window
    per client address (the inline hint and registration alike)."""
    if not await spend("email_check", client_address, get_settings().email_checks_per_address):
        minutes = get_settings().login_throttle_minutes
        raise TooManyRequests(EMAIL_CHECKS_REFUSED, retry_after=minutes * 60, field="email", minutes=minutes)


ARES_LOOKUPS_REFUSED = N_(
    "Too many look-ups in ARES. Wait %(minutes)s min and try again, or fill in the details yourself."
)


async def spend_ares_lookup(key: str) -> None:
    """One look-up in ARES for ``key`` (a client address, or a user), at most
    ARES_LOOKUPS_PER_WINDOW a window: the portal must not be a way to scrape the register."""
    if not await spend("ares_lookup", key, get_settings().ares_lookups_per_window):
        minutes = get_settings().login_throttle_minutes
        raise TooManyRequests(ARES_LOOKUPS_REFUSED, retry_after=minutes * 60, field="ico", minutes=minutes)
