"""msgspec Structs at the boundary of the accounts feature (API bodies and service results)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

Short = Annotated[str, msgspec.Meta(max_length=300)]
Secret = Annotated[str, msgspec.Meta(max_length=1000)]
Language = Literal["cs", "en"]


class CompanyIn(msgspec.Struct):
    name: Short
    ico: Short
    dic: Short | None = None
    street: Short | None = None
    city: Short | None = None
    postal_code: Short | None = None


class CompanyChange(msgspec.Struct):
    """An edit of the company's details: fields left out stay as they are, "" clears an optional
    one. The IČO identifies the company and cannot be changed."""

    name: Short | None = None
    dic: Short | None = None
    street: Short | None = None
    city: Short | None = None
    postal_code: Short | None = None


class AresCompanyOut(msgspec.Struct):
    """A company as ARES, the Czech business register, knows it: the details a form fills in.
    ``street`` is written the Czech way (``Technická 2896/2``), ``postal_code`` as ``612 00``;
    ``address`` is the register's own one-line address."""

    ico: str
    name: str
    dic: str | None
    street: str
    city: str
    postal_code: str
    country_code: str
    address: str


class NewUserIn(msgspec.Struct):
    email: Short
    password: Secret
    full_name: Short


class RegisterIn(msgspec.Struct):
    company: CompanyIn
    user: NewUserIn


class LoginIn(msgspec.Struct):
    email: Short
    password: Secret


class CompanyOut(msgspec.Struct):
    id: int
    name: str
    ico: str
    dic: str | None
    street: str
    city: str
    postal_code: str
    require_two_factor: bool = False  # everyone in the company signs in with a second factor


class UserOut(msgspec.Struct):
    id: int
    email: str
    full_name: str
    role: str
    language: str


class MeOut(msgspec.Struct):
    user: UserOut
    company: CompanyOut | None


class ColleagueOut(msgspec.Struct):
    id: int
    email: str
    full_name: str
    role: str
    is_active: bool
    created_at: datetime


class InvitationIn(msgspec.Struct):
    email: Short


class InvitationOut(msgspec.Struct):
    id: int
    email: str
    status: Literal["pending", "accepted", "expired", "revoked"]
    created_at: datetime
    expires_at: datetime
    link: str | None = None  # present only in the answer that creates it: the token is not stored


class AcceptInvitationIn(msgspec.Struct):
    full_name: Short
    password: Secret


class LanguageIn(msgspec.Struct):
    language: Language


class CsrfOut(msgspec.Struct):
    token: str
    header_name: str
    cookie_name: str


class SessionOut(msgspec.Struct):
    id: int
    created_at: datetime
    last_seen_at: datetime
    client_address: str
    current: bool
    client: str = ""  # browser and system, e.g. "Firefox 133 · Windows 10"


class PasswordChangeIn(msgspec.Struct):
    current_password: Secret
    new_password: Secret


class PasswordResetRequestIn(msgspec.Struct):
    email: Short


class PasswordResetIn(msgspec.Struct):
    token: Annotated[str, msgspec.Meta(max_length=100)]
    password: Secret


class TokenIn(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scope: Literal["read", "read_write"]
    expires_on: date  # the last day it works, within a year


class TokenOut(msgspec.Struct):
    id: int
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    last_used_address: str


class TokenCreatedOut(msgspec.Struct):
    token: str  # shown this once: only its hash is kept
    details: TokenOut


class SecondFactorOut(msgspec.Struct):
    """The password was right; send a code with ``challenge`` to /api/v1/auth/login/code."""

    second_factor_required: bool
    challenge: str
    expires_at: datetime


class SecondFactorIn(msgspec.Struct):
    challenge: Annotated[str, msgspec.Meta(max_length=100)]
    code: Annotated[str, msgspec.Meta(max_length=40)]  # six digits, or a recovery code


class CodeIn(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(max_length=40)]


class EnrolmentOut(msgspec.Struct):
    secret: str  # to type in when the QR code cannot be scanned
    otpauth_uri: str
    qr_svg: str


class RecoveryCodesOut(msgspec.Struct):
    codes: list[str]  # shown once: only their hashes are kept


class DisableSecondFactorIn(msgspec.Struct):
    password: Secret
    code: Annotated[str, msgspec.Meta(max_length=40)]


class RequireSecondFactorIn(msgspec.Struct):
    required: bool


class TwoFactorStatusOut(msgspec.Struct):
    enabled: bool
    required: bool
    recovery_codes_left: int
