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
    return PostgresEngine(config={"dsn": dsn})


DB = build_engine(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=["backend.piccolo_app"])
