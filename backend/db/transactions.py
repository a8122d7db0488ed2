"""The one helper for writes that must not interleave, and the row locks that go with it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.base import Query

from backend.db.engine import DB, is_postgres
from backend.errors import N_, Conflict

Q = TypeVar("Q", bound=Query)
# what to undo outside the database if the outermost write_transaction rolls back (files written)
_undo: ContextVar[list[Callable[[], None]] | None] = ContextVar("undo_on_rollback", default=None)


def on_rollback(undo: Callable[[], None]) -> None:
    """Run ``undo`` if the surrounding write_transaction rolls back (or its commit fails): for
    what the database cannot take back itself, such as a file written under a new name."""
    pending = _undo.get()
    if pending is None:
        raise RuntimeError("on_rollback() outside write_transaction()")
    pending.append(undo)


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
    if _undo.get() is not None:  # nested: the outermost one commits, or undoes
        async with _write_transaction():
            yield
        return
    pending: list[Callable[[], None]] = []
    token = _undo.set(pending)
    try:
        async with _write_transaction():
            yield
    except BaseException:
        for undo in reversed(pending):
            with contextlib.suppress(Exception):
                undo()
        raise
    finally:
        _undo.reset(token)


@asynccontextmanager
async def _write_transaction() -> AsyncIterator[None]:
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


def is_unique_violation(error: BaseException) -> bool:
    """A UNIQUE constraint refused the write (the race a pre-check cannot close)."""
    import sqlite3

    import asyncpg

    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
