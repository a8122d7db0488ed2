"""Domain errors and the one table that maps them to HTTP statuses.

Services raise these; they never raise framework exceptions. Messages are gettext msgids
(marked with ``N_``) with ``%(name)s`` parameters, translated at the boundary into the
caller's language.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


class Msg(str):
    """A message parameter that is itself a msgid (a status name, say): translated with the message."""

    __slots__ = ()


class Money(int):
    """A message parameter that is an amount in haléře: formatted for the reader's language."""

    __slots__ = ()


class DomainError(Exception):
    """Base of every error a use case reports to its caller."""

    title = N_("Request failed")

    def __init__(self, message: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


class InvalidInput(DomainError):
    """The input breaks a business rule; nothing was changed."""

    title = N_("Invalid input")


class TooLarge(InvalidInput):
    """An upload over a size limit (a file, a ticket's files, a request): 413, nothing stored."""

    title = N_("Request too large")


class MalformedInput(DomainError):
    """The request cannot be read as meant (not a business rule): 400."""

    title = N_("Bad request")


class FieldErrors(InvalidInput):
    """Several fields are invalid at once; ``errors`` maps field to InvalidInput."""

    def __init__(self, errors: dict[str, InvalidInput]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message, field=first.field, **first.params)
        self.errors = errors


class NotAuthenticated(DomainError):
    title = N_("Sign-in required")


class PermissionDenied(DomainError):
    title = N_("Not allowed")


class NotFound(DomainError):
    title = N_("Not found")


class Conflict(DomainError):
    title = N_("Conflict")


class TooManyRequests(DomainError):
    """Refused for a while to slow down guessing; ``retry_after`` says how many seconds."""

    title = N_("Too many requests")

    def __init__(self, message: str, /, *, retry_after: int, field: str | None = None, **params: Any) -> None:
        super().__init__(message, field=field, **params)
        self.retry_after = max(1, retry_after)


class Unavailable(DomainError):
    title = N_("Service unavailable")


HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    TooLarge: 413,
    MalformedInput: 400,
    FieldErrors: 422,
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyRequests: 429,
    Unavailable: 503,
}


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400
