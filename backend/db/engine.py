"""The database engine, chosen from the settings: PostgreSQL by URL, else the embedded SQLite.

``backend.piccolo_conf`` (Piccolo's configuration module) hands this same ``DB`` to Piccolo."""

from __future__ import annotations

import json
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from backend.db.sqlite_engine import KeptConnectionsSQLiteEngine
from backend.settings import get_settings

SQLITE_BUSY_TIMEOUT_SECONDS = 30

# asyncpg prepares every statement; PostgreSQL's default then plans each run afresh for as long as
# its generic plan looks dearer than the custom ones, and planning the order list's four joins
# took 1.5-3 ms against 0.2 ms of execution (docs/performance.md). The portal's queries select by
# keys and indexed columns, whose generic plans use the same indexes; the partial indexes'
# predicates are written into the SQL (db.status_literal, LOT_IS_OPEN), so generic plans use them.
POSTGRES_SESSION = {"plan_cache_mode": "force_generic_plan"}


def build_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        # timeout: a writer waits for the lock instead of failing with "database is locked"
        return KeptConnectionsSQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    dsn = database_url.replace("postgres+asyncpg://", "postgresql://", 1)
    return PostgresEngine(config={"dsn": dsn, "server_settings": POSTGRES_SESSION})


DB = build_engine(get_settings().database_url)


def is_postgres() -> bool:
    return isinstance(DB, PostgresEngine)


def json_value(value: Any) -> Any:
    """A JSON column's value as Python data (Piccolo hands JSON back as text)."""
    return json.loads(value) if isinstance(value, str) else value
