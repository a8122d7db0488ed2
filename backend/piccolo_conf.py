"""Chooses the database engine from the settings: PostgreSQL by URL, else the embedded SQLite."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from backend.settings import get_settings
from backend.sqlite_engine import KeptConnectionsSQLiteEngine

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def build_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        # timeout: a writer waits for the lock instead of failing with "database is locked"
        return KeptConnectionsSQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    dsn = database_url.replace("postgres+asyncpg://", "postgresql://", 1)
    return PostgresEngine(config={"dsn": dsn, "server_settings": POSTGRES_SESSION})


# asyncpg prepares every statement; PostgreSQL's default then plans each run afresh for as long as
# its generic plan looks dearer than the custom ones, and planning the order list's four joins
# took 1.5-3 ms against 0.2 ms of execution (docs/performance.md). The portal's queries select by
# keys and indexed columns, whose generic plans use the same indexes; the partial indexes'
# predicates are written into the SQL (db.status_literal, LOT_IS_OPEN), so generic plans use them.
POSTGRES_SESSION = {"plan_cache_mode": "force_generic_plan"}


DB = build_engine(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["backend.piccolo_app"])
