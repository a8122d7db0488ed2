"""Canaries: every private Piccolo, asyncpg or aiosqlite detail the portal relies on, one test each.

A Piccolo (or asyncpg) upgrade that changes one of these fails here, by name, instead of somewhere
deep in a page. The internals, and who relies on them:

- ``Column._meta`` (``ColumnMeta``): ``get_full_name(with_alias=False)`` (db.prepared.status_literal),
  ``name`` (sla/services.py audit diffs), ``db_column_name`` (bench/bulk.py);
  ``Table._meta``: ``tablename`` (numbering.py, tests/conftest.py, bench/bulk.py), ``columns``
  (bench/bulk.py).
- ``Query.querystrings[0].bundle(start_index=, bundled=, combined_args=)`` returning
  ``(end_index, fragments, args)``, fragments with ``prefix`` and ``no_arg``, and ``Select.table``
  (db.prepared.Prepared builds a query's SQL once from them).
- ``PostgresTransaction``: ``_parent`` (set for a nested transaction), ``connection`` (set by
  ``__aenter__``), ``context`` (the token of ``engine.current_transaction.set``), and
  ``PostgresEngine.current_transaction`` (a ContextVar; db.transactions._postgres_transaction and
  credit/services.py).
- ``PostgresEngine.pool`` (the asyncpg pool, read and cleared by db.lifespan) and
  ``start_connection_pool(**kwargs)`` passing ``reset=`` on to ``asyncpg.create_pool``, where it
  lands as ``Pool._reset`` and replaces asyncpg's RESET ALL on release (db.lifespan._keep_session).
- ``SQLiteEngine._run_in_new_connection(query, args, query_type, table)``: the private method
  db.sqlite_engine.KeptConnectionsSQLiteEngine overrides, called for every statement outside a
  transaction; ``SQLiteEngine.connection_kwargs`` and ``piccolo.engine.sqlite.dict_factory``
  (used to open the kept connections as Piccolo would).
- ``TransactionType.immediate`` for ``SQLiteEngine.transaction(transaction_type=)`` and
  ``Select.lock_rows()`` (db.transactions).
"""

from __future__ import annotations

import contextvars
import inspect

import asyncpg
import pytest
from piccolo.columns.base import ColumnMeta
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString

from backend.accounts.tables import Company, PortalUser
from backend.db import DB, Param
from backend.db.lifespan import _keep_session
from backend.db.sqlite_engine import KeptConnectionsSQLiteEngine

postgres_only = pytest.mark.only_postgres  # deselected on SQLite (tests/conftest.py)
sqlite_only = pytest.mark.only_sqlite  # deselected on PostgreSQL


def test_column_meta_names_a_column_and_table_meta_lists_a_tables_columns() -> None:
    meta = Company.name._meta
    assert isinstance(meta, ColumnMeta)
    assert meta.name == "name"
    assert meta.db_column_name == "name"
    assert meta.get_full_name(with_alias=False) == '"company"."name"'
    assert Company._meta.tablename == "company"
    assert Company.name in Company._meta.columns


def test_query_string_bundle_gives_fragments_with_prefix_and_no_arg_and_the_args() -> None:
    query = Company.select(Company.id).where(Company.name == Param("name"))
    assert query.table is Company
    end, fragments, args = query.querystrings[0].bundle(start_index=1, bundled=[], combined_args=[])
    assert isinstance(end, int)
    assert [type(arg) for arg in args] == [Param]
    assert all(isinstance(fragment.prefix, str) for fragment in fragments)
    assert sum(not fragment.no_arg for fragment in fragments) == len(args)
    sql = "".join(fragment.prefix + ("" if fragment.no_arg else "{}") for fragment in fragments)
    assert sql.startswith("SELECT") and sql.endswith('"company"."name" = {}')


def test_select_has_lock_rows_and_sqlite_has_immediate_transactions() -> None:
    assert callable(Company.select().lock_rows)
    assert TransactionType.immediate.value == "IMMEDIATE"
    assert "transaction_type" in inspect.signature(SQLiteEngine.transaction).parameters


@pytest.mark.db
@postgres_only
async def test_postgres_transaction_keeps_parent_connection_and_context_token(db) -> None:
    assert isinstance(DB, PostgresEngine)
    outer = DB.transaction()
    assert isinstance(outer, PostgresTransaction)
    assert outer._parent is None
    await outer.__aenter__()
    try:
        assert isinstance(outer.connection, asyncpg.connection.Connection)
        assert isinstance(outer.context, contextvars.Token)
        assert DB.current_transaction.get() is outer
        assert DB.transaction()._parent is outer  # nested: the outer one owns the connection
    finally:
        await outer.__aexit__(None, None, None)
    assert DB.current_transaction.get() is None


@pytest.mark.db
@postgres_only
async def test_postgres_transaction_can_be_forgotten_by_its_context_token(db) -> None:
    """What db.transactions._abandon does after a ROLLBACK that failed on a dead connection."""
    transaction = DB.transaction()
    await transaction.__aenter__()
    await DB.pool.release(transaction.connection)
    DB.current_transaction.reset(transaction.context)
    assert DB.current_transaction.get() is None


@pytest.mark.db
@postgres_only
async def test_the_pool_is_piccolos_asyncpg_pool_with_the_portals_reset(db) -> None:
    assert isinstance(DB.pool, asyncpg.Pool)
    assert DB.pool._reset is _keep_session  # start_connection_pool(reset=...) reached asyncpg
    assert "reset" in inspect.signature(asyncpg.create_pool).parameters


@pytest.mark.db
@postgres_only
async def test_a_custom_pool_reset_replaces_asyncpgs_reset_all() -> None:
    """Without the custom reset, asyncpg would RESET ALL on release (the round trip it saves)."""
    pool = await asyncpg.create_pool(DB.config["dsn"], min_size=1, max_size=1, reset=_keep_session)
    try:
        async with pool.acquire() as connection:
            await connection.execute("SET application_name = 'canary'")
        async with pool.acquire() as connection:
            assert await connection.fetchval("SHOW application_name") == "canary"
    finally:
        await pool.close()


def test_sqlite_run_in_new_connection_has_the_signature_the_portal_overrides() -> None:
    parameters = list(inspect.signature(SQLiteEngine._run_in_new_connection).parameters)
    assert parameters == ["self", "query", "args", "query_type", "table"]
    assert "connection_kwargs" in SQLiteEngine.__slots__
    assert callable(dict_factory)


@pytest.mark.db
@sqlite_only
async def test_sqlite_statements_outside_a_transaction_go_through_run_in_new_connection(db) -> None:
    assert isinstance(DB, KeptConnectionsSQLiteEngine)
    assert DB._idle is not None  # the test session runs inside the database lifespan
    for connection in DB._idle:
        await connection.close()
    DB._idle.clear()
    await PortalUser.count()
    await DB.run_querystring(QueryString("SELECT 1"))
    assert len(DB._idle) == 1  # both borrowed the one kept connection
    assert DB.connection_kwargs["database"] == DB.path
