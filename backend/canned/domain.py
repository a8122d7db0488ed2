"""Canned replies' placeholders: which exist, checked when a reply is saved, filled when it is
inserted into a ticket's reply box."""

from __future__ import annotations

import re
import string

from backend.errors import N_, InvalidInput

PLACEHOLDERS = ("customer_name", "ticket_number", "engineer_name")
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
_FIELD = re.compile(r"\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    """The placeholders a text names, as written: ``{name}``; ``{{`` and ``}}`` are literal braces."""
    try:
        return [
            # "{name!r}" or "{name:>9}" are not placeholders a person writes: read them as unknown
            name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError as error:  # a lone "{" or "}"
        raise InvalidInput(
            N_(
                "A brace that opens a placeholder must close it: {customer_name}. Write {{ or }} for a brace."
            ),
        ) from error


def check_body(text: str, *, field: str, required: bool) -> str:
    body = text.strip()
    if required and not body:
        raise InvalidInput(N_("Write the text of the reply."), field=field)
    if len(body) > BODY_MAX_LENGTH:
        raise InvalidInput(N_("At most %(max)d characters, please."), field=field, max=BODY_MAX_LENGTH)
    try:
        names = placeholders_in(body)
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field) from None
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        raise InvalidInput(
            N_("Unknown placeholder {%(name)s}. You can use %(known)s."),
            field=field,
            name=unknown[0],
            known=", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
        )
    return body


def check_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise InvalidInput(N_("Give the reply a title the team will recognise."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise InvalidInput(N_("At most %(max)d characters, please."), field="title", max=TITLE_MAX_LENGTH)
    return title


def fill(text: str, *, customer_name: str, ticket_number: str, engineer_name: str) -> str:
    """The text with its placeholders filled in (a checked text names no others)."""
    return text.format(customer_name=customer_name, ticket_number=ticket_number, engineer_name=engineer_name)
