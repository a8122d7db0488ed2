"""What a person reads when a value breaks a Struct's constraints, for the API and forms alike.

msgspec reports the first broken constraint as text ("Expected `int` >= 1 - at `$.valid_months`");
this turns it into a translatable message about the field, with the bounds taken from the field's
own ``Meta``, so that a form and an API call that send the same bad value read the same sentence.
A field may name its own message with ``Meta(extra={"error": N_("...")})``.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec

from backend.errors import N_, InvalidInput, Money

MONEY = "czk"  # Meta(extra={"form": MONEY}): haléře in the API, crowns typed into a form
_PATH = re.compile(r" - at `\$\.(?P<path>[^`]+)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`")


@dataclass(frozen=True, slots=True)
class FieldType:
    """A Struct field's type with its Annotated metadata unwrapped."""

    base: Any
    optional: bool
    metas: tuple[msgspec.Meta, ...]

    def marker(self, key: str) -> Any:
        return next((meta.extra[key] for meta in self.metas if meta.extra and key in meta.extra), None)

    def bound(self, name: str) -> Any:
        return next((getattr(meta, name) for meta in self.metas if getattr(meta, name) is not None), None)

    @property
    def is_money(self) -> bool:
        return self.marker("form") == MONEY

    @property
    def is_struct(self) -> bool:
        return isinstance(self.base, type) and issubclass(self.base, msgspec.Struct)


def field_type(annotation: Any) -> FieldType:
    metas: list[msgspec.Meta] = []
    optional = False
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extras = get_args(annotation)
            metas.extend(extra for extra in extras if isinstance(extra, msgspec.Meta))
        elif get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation):
            optional = True
            rest = [arg for arg in get_args(annotation) if arg is not type(None)]
            annotation = rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007
        else:
            return FieldType(annotation, optional, tuple(metas))


def struct_fields(struct: type[msgspec.Struct]) -> dict[str, tuple[msgspec.structs.FieldInfo, FieldType]]:
    """By the name the field has on the wire (and in a form)."""
    return {info.encode_name: (info, field_type(info.type)) for info in msgspec.structs.fields(struct)}


# (money?, which bounds) -> the sentence; amounts are formatted in the reader's language (Money)
_RANGE_MESSAGES = {
    (True, "both"): N_("Enter an amount from %(min)s to %(max)s."),
    (True, "min"): N_("Enter an amount of at least %(min)s."),
    (True, "max"): N_("Enter an amount of at most %(max)s."),
    (False, "both"): N_("Enter a number from %(min)s to %(max)s."),
    (False, "min"): N_("Enter a number of at least %(min)s."),
    (False, "max"): N_("Enter a number of at most %(max)s."),
}


def _range(kind: FieldType) -> tuple[str, dict[str, Any]]:
    low = kind.bound("ge")
    high = kind.bound("le")
    if low is None and (gt := kind.bound("gt")) is not None:
        low = gt + 1
    if high is None and (lt := kind.bound("lt")) is not None:
        high = lt - 1
    wrap = Money if kind.is_money else int
    params = {name: wrap(value) for name, value in (("min", low), ("max", high)) if value is not None}
    bounds = "both" if len(params) == 2 else next(iter(params), "max")
    return _RANGE_MESSAGES[kind.is_money, bounds], params


def describe(kind: FieldType, reason: str) -> tuple[str, dict[str, Any]]:
    """The message (a msgid) and its parameters for one field that msgspec refused with ``reason``."""
    if own := kind.marker("error"):
        return own, {}
    if reason.startswith("Object missing required field"):
        return N_("Fill this in."), {}
    if "of length >=" in reason:
        return N_("Fill this in."), {}
    if "of length <=" in reason:
        return N_("Use at most %(max)s characters."), {"max": kind.bound("max_length")}
    if re.search(r"Expected `(int|float|decimal)` [<>]", reason):
        return _range(kind)
    if "Invalid enum value" in reason:
        return N_("Choose one of the offered options."), {}
    if "date" in reason.lower():
        return N_("Enter the date as YYYY-MM-DD."), {}
    if kind.is_money:
        return N_("Enter the amount as a whole number of haléře."), {}
    if kind.base is int:
        return N_("Enter a whole number."), {}
    if "decimal" in reason.lower() or "Expected `float`" in reason:
        return N_("Enter a number, for example 1,5."), {}
    return N_("This value is not valid."), {}


def _resolve(struct: Any, path: list[str]) -> FieldType | None:
    kind: FieldType | None = None
    for name in path:
        if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct)):
            return None
        found = struct_fields(struct).get(name)
        if found is None:
            return None
        kind = found[1]
        struct = kind.base
    return kind


def field_error(struct: Any, path: str, reason: str) -> InvalidInput:
    """An InvalidInput for the field at ``path`` ("valid_months", "company.ico") of ``struct``,
    named by its last part (forms are flat, and the domain names fields the same way)."""
    parts = [part for part in path.split(".") if part]
    if missing := _MISSING.match(reason):
        parts.append(missing.group("name"))
    kind = _resolve(struct, parts) or FieldType(Any, False, ())
    message, params = describe(kind, reason)
    return InvalidInput(message, field=parts[-1] if parts else None, **params)


def from_validation_error(struct: Any, error: msgspec.ValidationError) -> InvalidInput:
    text = str(error)
    match = _PATH.search(text)
    reason = text[: match.start()] if match else text
    return field_error(struct, match.group("path") if match else "", reason)
