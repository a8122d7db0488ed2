"""Database lifecycle and the one helper for writes that must not interleave."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.base import Query
from piccolo.query.methods.select import Select
from piccolo.querystring import QueryString

from backend.errors import N_, Conflict
from backend.piccolo_conf import DB
from backend.sqlite_engine import KeptConnectionsSQLiteEngine

POOL_MAX_SIZE = 10
POOL_CLOSE_TIMEOUT_SECONDS = 5.0
READY_TIMEOUT_SECONDS = 2.0

Q = TypeVar("Q", bound=Query)


def is_postgres() -> bool:
    return isinstance(DB, PostgresEngine)


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


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writes that read-then-modify rows.

    On PostgreSQL, combine it with ``locked(query)`` to take row locks (SELECT … FOR UPDATE).
    On SQLite, row locks do not exist; the transaction starts IMMEDIATE instead, taking the
    database's write lock up front so two writers queue rather than fail with
    "database is locked" half-way through.

    A UNIQUE constraint that refuses a write (the race no pre-check can close) becomes a
    Conflict, after the rollback.
    """
    try:
        if isinstance(DB, SQLiteEngine):
            async with DB.transaction(transaction_type=TransactionType.immediate):
                yield
        else:
            async with _postgres_transaction():
                yield
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict(
                N_("Someone has just made the same change. Reload the page and try again.")
            ) from error
        raise


@asynccontextmanager
async def _postgres_transaction() -> AsyncIterator[None]:
    """Piccolo's transaction, made safe for a connection that dies half-way (a database restart,
    a network cut). Piccolo's own exit gives the connection back to the pool and forgets the
    transaction only after its ROLLBACK or COMMIT succeeds; on a dead connection both fail, and
    the pool would lose a connection for good while the task kept a dead transaction as current."""
    transaction = DB.transaction()
    if transaction._parent is not None:  # nested: the outer transaction owns the connection
        yield
        return
    try:
        await transaction.__aenter__()
    except BaseException:
        if getattr(transaction, "connection", None) is not None:
            await _give_back(transaction)
        raise
    try:
        yield
    except BaseException as error:
        try:
            await transaction.__aexit__(type(error), error, error.__traceback__)
        except Exception:
            await _abandon(transaction)
        raise
    try:
        await transaction.__aexit__(None, None, None)
    except BaseException:
        await _abandon(transaction)
        raise


async def _give_back(transaction: Any) -> None:
    with contextlib.suppress(Exception):
        if DB.pool:
            await DB.pool.release(transaction.connection)
        else:
            await transaction.connection.close()


async def _abandon(transaction: Any) -> None:
    """After a failed ROLLBACK/COMMIT: the connection goes back (the pool discards a closed one)
    and the transaction stops being the current one."""
    await _give_back(transaction)
    DB.current_transaction.reset(transaction.context)


def locked(query: Q) -> Q:
    """Lock the selected rows until the surrounding ``write_transaction`` ends (PostgreSQL only;
    on SQLite the immediate transaction already serialises writers)."""
    if is_postgres():
        return query.lock_rows()  # type: ignore[attr-defined]
    return query


async def database_ready() -> bool:
    """True when the migrated database answers within a short time (an empty SQLite file that
    appeared in place of the real one is not ready)."""
    probe = "SELECT 1 FROM migration LIMIT 1"
    try:
        if isinstance(DB, KeptConnectionsSQLiteEngine):
            await asyncio.wait_for(DB.answers_afresh(probe), READY_TIMEOUT_SECONDS)
        else:
            await asyncio.wait_for(DB.run_querystring(QueryString(probe)), READY_TIMEOUT_SECONDS)
    except Exception:  # any failure means "not ready"; /ready reports it, the app stays up
        return False
    return True


async def _close_pool(db: PostgresEngine) -> None:
    """Close gracefully, but never let a connection the network left half-open hold up shutdown."""
    pool = db.pool
    if pool is None:
        return
    try:
        await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT_SECONDS)
    except TimeoutError:
        pool.terminate()
    db.pool = None


async def _keep_session(_connection: object) -> None:
    """What the pool does to a connection given back, besides rolling back a transaction left
    open (asyncpg always does that): nothing. asyncpg's default sends "SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL" after every statement run outside
    a transaction, a second round trip per query; the portal takes no advisory locks, keeps no
    cursors or listeners open and changes no session setting, so there is nothing to undo."""


@asynccontextmanager
async def database_lifespan(_app: object) -> AsyncIterator[None]:
    """Open the PostgreSQL pool for the life of the app; keep SQLite connections open for it."""
    if isinstance(DB, PostgresEngine):
        # min_size=0: the app starts (and /ready says 503) even while the database is down
        await DB.start_connection_pool(min_size=0, max_size=POOL_MAX_SIZE, reset=_keep_session)
        try:
            yield
        finally:
            await _close_pool(DB)
    elif isinstance(DB, KeptConnectionsSQLiteEngine):
        async with DB.keep_connections():
            yield
    else:
        yield


def is_unique_violation(error: BaseException) -> bool:
    """A UNIQUE constraint refused the write (the race a pre-check cannot close)."""
    import sqlite3

    import asyncpg

    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)


def json_value(value: Any) -> Any:
    """A JSON column's value as Python data (Piccolo hands JSON back as text)."""
    return json.loads(value) if isinstance(value, str) else value
