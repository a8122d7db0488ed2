"""Pure rules about companies, people and roles: no framework, no database."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from backend.errors import N_, FieldErrors, InvalidInput, PermissionDenied

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256  # bounds the hashing work an attacker can ask for
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 200

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_DIC = re.compile(r"^CZ\d{8,10}$")
_POSTAL_CODE = re.compile(r"^\d{3} ?\d{2}$")


class Role(enum.StrEnum):
    CUSTOMER_MEMBER = "customer_member"
    CUSTOMER_MANAGER = "customer_manager"
    STAFF = "staff"
    STAFF_ADMIN = "staff_admin"

    @property
    def is_staff(self) -> bool:
        return self in (Role.STAFF, Role.STAFF_ADMIN)

    @property
    def is_customer(self) -> bool:
        return self in (Role.CUSTOMER_MEMBER, Role.CUSTOMER_MANAGER)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making the request: the signed-in user as every use case sees them."""

    id: int
    email: str
    full_name: str
    role: Role
    company_id: int | None
    language: str
    session_id: int | None = None
    via_token: bool = False  # a bearer request: no session, no CSRF, the token's scope applies
    # two-factor sign-in is required for this account and not set up: only enrolment is open
    needs_second_factor: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_staff_admin(self) -> bool:
        return self.role is Role.STAFF_ADMIN

    @property
    def is_customer_manager(self) -> bool:
        return self.role is Role.CUSTOMER_MANAGER

    def require_staff(self) -> None:
        if not self.is_staff:
            raise PermissionDenied(N_("This part of the portal is for the support team."))

    def require_staff_admin(self) -> None:
        if not self.is_staff_admin:
            raise PermissionDenied(N_("Only the head of the technical department can do this."))

    def company_scope(self) -> int:
        """The only company whose data this customer may touch."""
        if self.company_id is None or not self.role.is_customer:
            raise PermissionDenied(N_("This part of the portal is for customer accounts."))
        return self.company_id


def second_factor_required(role: Role, company_requires: bool, staff_required: bool) -> bool:
    """Staff when the setting says so (on in production); customers when their company says so."""
    return staff_required if role.is_staff else company_requires


# bidirectional overrides and isolates, which can make a name read backwards (RLO, U+202E), and
# characters that show nothing; a name made only of the latter is no name
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)


def check_visible_text(text: str, *, field: str) -> str:
    """Refuse direction controls anywhere and text that shows nothing at all."""
    if any(char in _BIDI_CONTROLS for char in text):
        raise InvalidInput(
            N_("Remove the invisible text-direction characters: they can make a name read differently."),
            field=field,
        )
    if text and all(char in _INVISIBLE or not char.isprintable() or char.isspace() for char in text):
        raise InvalidInput(N_("Enter a name made of visible letters."), field=field)
    return text


def ico_check_digit(first_seven: str) -> int:
    """The official mod-11 check digit of a Czech company ID (IČO)."""
    weighted = sum(int(digit) * weight for digit, weight in zip(first_seven, range(8, 1, -1), strict=True))
    return (11 - weighted % 11) % 10


def normalize_ico(raw: str) -> str:
    """Return the 8-digit IČO or raise InvalidInput that says what is wrong with it."""
    ico = re.sub(r"\s+", "", raw or "")
    if not ico:
        raise InvalidInput(N_("Enter the company ID (IČO)."), field="ico")
    if not ico.isdigit() or not ico.isascii():
        raise InvalidInput(N_("The company ID (IČO) may contain digits only."), field="ico")
    if len(ico) > 8:
        raise InvalidInput(N_("The company ID (IČO) has 8 digits."), field="ico")
    ico = ico.zfill(8)  # older IČOs are written without their leading zeros
    if int(ico[7]) != ico_check_digit(ico[:7]):
        raise InvalidInput(
            N_(
                "The company ID (IČO) %(ico)s is not valid: its check digit does not match. Check for a typo."
            ),
            field="ico",
            ico=ico,
        )
    return ico


def normalize_dic(raw: str | None) -> str | None:
    """VAT ID (DIČ): optional; ``CZ`` followed by 8 to 10 digits."""
    dic = re.sub(r"\s+", "", raw or "").upper()
    if not dic:
        return None
    if not _DIC.match(dic):
        raise InvalidInput(
            N_("The VAT ID (DIČ) must be CZ followed by 8 to 10 digits, e.g. CZ12345679."), field="dic"
        )
    return dic


def normalize_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise InvalidInput(N_("Enter an e-mail address."), field="email")
    if len(email) > EMAIL_MAX_LENGTH or not _EMAIL.match(email):
        raise InvalidInput(N_("Enter a valid e-mail address, e.g. name@company.cz."), field="email")
    return email


def check_password(password: str) -> str:
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise InvalidInput(
            N_("The password must have at least %(min)d characters."),
            field="password",
            min=PASSWORD_MIN_LENGTH,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidInput(
            N_("The password may have at most %(max)d characters."), field="password", max=PASSWORD_MAX_LENGTH
        )
    return password


def required_text(raw: str | None, *, field: str, message: str, max_length: int = NAME_MAX_LENGTH) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise InvalidInput(message, field=field)
    if len(text) > max_length:
        raise InvalidInput(N_("At most %(max)d characters, please."), field=field, max=max_length)
    return check_visible_text(text, field=field)


def optional_text(raw: str | None, *, field: str, max_length: int = NAME_MAX_LENGTH) -> str:
    text = " ".join((raw or "").split())
    if len(text) > max_length:
        raise InvalidInput(N_("At most %(max)d characters, please."), field=field, max=max_length)
    return check_visible_text(text, field=field)


def normalize_postal_code(raw: str | None) -> str:
    code = (raw or "").strip()
    if not code:
        return ""
    if not _POSTAL_CODE.match(code):
        raise InvalidInput(N_("The postal code has 5 digits, e.g. 602 00."), field="postal_code")
    digits = code.replace(" ", "")
    return f"{digits[:3]} {digits[3:]}"


def collect(**checks) -> dict:
    """Run each zero-argument check and report every failing field at once.

    ``checks`` maps a field name to a callable; the result maps it to the checked value.
    """
    values: dict = {}
    errors: dict[str, InvalidInput] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInput as error:
            errors[error.field or name] = error
    if errors:
        raise FieldErrors(errors)
    return values
