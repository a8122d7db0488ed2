"""Free-text search of the staff queues: a few words matched against a few columns."""

from __future__ import annotations

from functools import reduce
from typing import Any

from piccolo.columns import Column

from backend.errors import N_, InvalidInput

MAX_SEARCH_LENGTH = 100


def search_terms(raw: str | None) -> list[str]:
    """The words of a search box, without LIKE's wildcards (a person means them literally, and
    LIKE has no portable escape); empty for a blank box. Each word must match somewhere."""
    text = (raw or "").strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise InvalidInput(
            N_("Search for at most %(max)s characters."), field="search", max=MAX_SEARCH_LENGTH
        )
    cleaned = text.replace("%", " ").replace("_", " ")
    return cleaned.split()


def matching(columns: tuple[Column, ...], terms: list[str]) -> Any:
    """A where clause: every term is contained in at least one of ``columns``, ignoring case
    (on SQLite LIKE ignores the case of ASCII letters only)."""

    def contains(column: Column, term: str) -> Any:
        pattern = f"%{term}%"
        return column.ilike(pattern) if column._meta.engine_type == "postgres" else column.like(pattern)

    def any_column(term: str) -> Any:
        return reduce(lambda left, right: left | right, (contains(column, term) for column in columns))

    return reduce(lambda left, right: left & right, (any_column(term) for term in terms))
