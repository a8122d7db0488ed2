"""Applies the committed migrations to the configured database (never create_table at run time)."""

from __future__ import annotations

import sqlite3

from piccolo.apps.migrations.commands.forwards import run_forwards

from backend.settings import get_settings


def prepare_sqlite_file() -> None:
    """Create the embedded database's folder and switch the file to WAL, so readers never wait
    for a writer. WAL is a property of the file: set once, it stays."""
    settings = get_settings()
    if not settings.uses_sqlite:
        return
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


async def migrate() -> None:
    prepare_sqlite_file()
    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")
