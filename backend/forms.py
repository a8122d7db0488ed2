"""One input path: a submitted form becomes the same msgspec Struct that the API takes.

A form sends text. Each field is read as a person writes it in this country (a decimal comma,
spaces between thousands, an amount in crowns where the API takes haléře), then checked against
the Struct's own constraints, so a rule lives once: in the Struct or in the domain. Every field is
checked, and all that fail are reported together, as the page shows them inline.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from backend.errors import N_, FieldErrors, InvalidInput
from backend.validation import FieldType, describe, struct_fields

S = TypeVar("S", bound=msgspec.Struct)

_SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2009": " "})
_WHOLE = re.compile(r"\d{1,3}(?: \d{3})+|\d+")
_AMOUNT = re.compile(rf"(?P<sign>-?)(?P<whole>{_WHOLE.pattern})(?:(?P<sep>[.,])(?P<fraction>\d+))?")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_CHECKED = {"on", "true", "1", "yes"}


class Refused(ValueError):
    """A value that cannot be read as meant; ``message`` and ``params`` say how to write it."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def _normalised(text: str) -> str:
    return " ".join(text.translate(_SPACES).split())


def parse_money(text: str) -> int:
    """Haléře from crowns as written: `1 500`, `1500`, `1 500,50`, `1500.50`, `-200`, `1 500 Kč`.

    In Czech a dot also separates thousands, so `1.500` or `1,500` could be 1,50 Kč or 1 500 Kč:
    such a value is refused with a message that shows both ways to write it, never guessed."""
    cleaned = _normalised(text)
    for unit in ("Kč", "CZK"):
        cleaned = cleaned.removesuffix(unit).removeprefix(unit).strip()
    match = _AMOUNT.fullmatch(cleaned.replace("- ", "-"))
    if match is None or not cleaned.isascii():
        raise Refused(N_("Enter the amount in crowns, for example 1 500 or 1 500,50."))
    fraction = match.group("fraction") or ""
    if len(fraction) == 3 and " " not in match.group("whole") and len(match.group("whole")) <= 3:
        raise Refused(
            N_("%(value)s could mean two amounts: write %(thousands)s or %(decimal)s."),
            value=cleaned,
            thousands=f"{match.group('whole')} {fraction}",
            decimal=f"{match.group('whole')},{fraction[:2]}",
        )
    if len(fraction) > 2:
        raise Refused(N_("Enter at most two decimal places (haléře)."))
    crowns = int(match.group("whole").replace(" ", ""))
    halere = crowns * 100 + int(fraction.ljust(2, "0"))
    return -halere if match.group("sign") else halere


def parse_decimal(text: str) -> Decimal:
    """A quantity as written: `2`, `1,5`, `1.25`, `1 000`. ASCII digits only: no exponents, no
    `NaN`, no digits of other scripts, which `Decimal()` itself would take."""
    cleaned = _normalised(text).replace(" ", "")
    if not cleaned.isascii() or not _NUMBER.fullmatch(cleaned):
        raise Refused(N_("Enter a number, for example 1,5."))
    return Decimal(cleaned.replace(",", "."))


def parse_whole(text: str) -> int:
    cleaned = _normalised(text).replace(" ", "")
    if not cleaned.isascii() or not re.fullmatch(r"-?\d+", cleaned):
        raise Refused(N_("Enter a whole number."))
    return int(cleaned)


def _text(form: dict[str, Any], name: str) -> str | None:
    value = form.get(name)
    if isinstance(value, list):  # a repeated field: the last one, as browsers mean it
        value = value[-1] if value else None
    return None if value is None else str(value)


def _read(kind: FieldType, raw: str) -> Any:
    """The form's text as the value the field's type takes (constraints are checked after)."""
    if kind.is_money:
        return parse_money(raw)
    if kind.base is int:
        return parse_whole(raw)
    if kind.base is Decimal:
        return parse_decimal(raw)
    if kind.base is date:
        return raw.strip()
    return raw


def decode_form(form: dict[str, Any], struct: type[S]) -> S:
    """The Struct the API would take, from a form's fields (named as the Struct's wire names;
    a nested Struct reads its fields from the same flat form). Raises FieldErrors with every
    field that is wrong, each with the message the API gives for the same value."""
    values, errors = _collect(form, struct)
    if errors:
        raise FieldErrors(errors)
    try:
        return msgspec.convert(values, type=struct, strict=False)
    except msgspec.ValidationError as error:  # a rule across fields (__post_init__)
        raise InvalidInput(N_("This value is not valid.")) from error


def _collect(
    form: dict[str, Any], struct: type[msgspec.Struct]
) -> tuple[dict[str, Any], dict[str, InvalidInput]]:
    values: dict[str, Any] = {}
    errors: dict[str, InvalidInput] = {}
    for name, (info, kind) in struct_fields(struct).items():
        if kind.is_struct:
            values[name], inner = _collect(form, kind.base)
            errors.update(inner)
            continue
        if kind.base is bool:
            values[name] = (_text(form, name) or "").strip().lower() in _CHECKED
            continue
        raw = _text(form, name)
        has_default = info.default is not msgspec.NODEFAULT or info.default_factory is not msgspec.NODEFAULT
        if raw is None or (raw.strip() == "" and kind.base is not str):
            if kind.optional and raw is not None:
                values[name] = None
            elif not has_default:  # what the API says of the field missing from its body
                message, params = describe(kind, f"Object missing required field `{name}`")
                errors[name] = InvalidInput(message, field=name, **params)
            continue
        try:
            value = _read(kind, raw)
            values[name] = msgspec.convert(value, type=info.type, strict=False)
        except Refused as refused:
            errors[name] = InvalidInput(refused.message, field=name, **refused.params)
        except msgspec.ValidationError as error:
            message, params = describe(kind, str(error))
            errors[name] = InvalidInput(message, field=name, **params)
    return values, errors
