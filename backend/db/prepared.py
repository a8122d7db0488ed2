"""Selects whose SQL is built once, and status predicates a partial index can be proven to match."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.query.methods.select import Select


def status_literal(column: Column, statuses: Iterable[str]) -> WhereRaw:
    """``column IN ('a', 'b')`` (or ``= 'a'``) with the values written into the SQL, sorted, rather
    than sent as parameters: a partial index with that predicate is then used by PostgreSQL's
    generic plans too (a prepared ``IN ($1, $2)`` cannot be proven to match it). For the portal's
    own status names only."""
    values = sorted(str(status) for status in statuses)  # StrEnum members read as their values
    if not values or not all(re.fullmatch(r"[a-z_]+", value) for value in values):
        raise ValueError(f"not status names: {values!r}")
    name = column._meta.get_full_name(with_alias=False)
    if len(values) == 1:
        return WhereRaw(f"{name} = '{values[0]}'")
    quoted = ", ".join(f"'{value}'" for value in values)
    return WhereRaw(f"{name} IN ({quoted})")


class Param:
    """Where a value goes in a query that ``Prepared`` builds once."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Prepared:
    """A Piccolo select whose SQL is built once and then run with new values each time.

    Piccolo builds a query's SQL again on every run, and for joined columns that costs more
    Python than the database needs to answer (docs/performance.md). Build the query with
    ``Param("name")`` where the values go, on first use (the SQL depends on the engine); each run
    binds the values by name and sends the same SQL. For selects of plain columns: rows come back
    as from ``Table.raw``, without Piccolo's output options (nested, JSON loading), and values are
    bound as given, without Piccolo's conversion (pass ints, strings, dates and datetimes, not
    enums, rows or dicts; no ``Param`` inside ``is_in``)."""

    __slots__ = ("_args", "_build", "_table", "_template")

    def __init__(self, build: Callable[[], Select]) -> None:
        self._build = build
        self._template: str | None = None

    def _compile(self) -> str:
        query = self._build()
        _end, fragments, self._args = query.querystrings[0].bundle(
            start_index=1, bundled=[], combined_args=[]
        )
        self._table = query.table
        return "".join(
            fragment.prefix.replace("{", "{{").replace("}", "}}") + ("" if fragment.no_arg else "{}")
            for fragment in fragments
        )

    async def rows(self, **values: Any) -> list[dict[str, Any]]:
        template = self._template or self._compile()
        self._template = template
        args = [values[arg.name] if isinstance(arg, Param) else arg for arg in self._args]
        return await self._table.raw(template, *args)

    async def first(self, **values: Any) -> dict[str, Any] | None:
        rows = await self.rows(**values)
        return rows[0] if rows else None
