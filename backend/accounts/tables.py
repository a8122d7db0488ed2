"""Piccolo tables of companies, their people, invitations and sign-in sessions."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Company(Table, tablename="company"):
    name = Varchar(length=200)
    ico = Varchar(length=8, unique=True)
    dic = Varchar(length=12, null=True, default=None)
    street = Varchar(length=200, default="")
    city = Varchar(length=100, default="")
    postal_code = Varchar(length=10, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    require_two_factor = Boolean(default=False)  # the company manager's choice for its people


class PortalUser(Table, tablename="portal_user"):
    email = Varchar(length=254, unique=True)
    full_name = Varchar(length=200)
    password_hash = Varchar(length=200)
    role = Varchar(length=20, index=True)
    company = ForeignKey(references=Company, null=True, on_delete=OnDelete.restrict, index=True)
    language = Varchar(length=5, default="cs")
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = Timestamptz(default=TimestamptzNow())
    # two-factor sign-in (TOTP): the secret while enrolling and after; on once confirmed
    totp_secret = Varchar(length=64, null=True, default=None)
    totp_enabled_at = Timestamptz(null=True, default=None)
    totp_last_step = Integer(default=0)  # the last 30-second step accepted: no replay


class Invitation(Table, tablename="invitation"):
    company = ForeignKey(references=Company, on_delete=OnDelete.cascade, index=True)
    email = Varchar(length=254)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class UserSession(Table, tablename="user_session"):
    """A signed-in browser or API client. The cookie holds the token; only its hash is stored."""

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=PortalUser, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    client_address = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")  # summarised on "My account"


class LoginFailure(Table, tablename="login_failure"):
    """A failed sign-in, kept for the throttling window. In the database, so every app process
    counts the same failures."""

    email = Varchar(length=254, index=True)
    client_address = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class PasswordReset(Table, tablename="password_reset"):
    """A single-use, expiring password-reset link sent by e-mail; only the token's hash is stored."""

    user = ForeignKey(references=PortalUser, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    client_address = Varchar(length=64, default="")


class ApiToken(Table, tablename="api_token"):
    """A personal API token for an integration: sent as ``Authorization: Bearer``, shown once,
    only its hash kept. It acts as its owner, narrowed to reading when its scope is ``read``."""

    user = ForeignKey(references=PortalUser, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    scope = Varchar(length=10)  # read | read_write
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    last_used_address = Varchar(length=64, default="")
    revoked_at = Timestamptz(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code"):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    user = ForeignKey(references=PortalUser, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)


class RateHit(Table, tablename="rate_hit"):
    """One use of a throttled thing (``bucket``) by ``key`` (a client address, an e-mail)."""

    bucket = Varchar(length=20)
    key = Varchar(length=254, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)


class SignInChallenge(Table, tablename="sign_in_challenge"):
    """The password was right; the second factor is still to come. Short-lived, single-use,
    only the token's hash kept."""

    user = ForeignKey(references=PortalUser, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    wrong_codes = Integer(default=0)
