"""Paused business time to the second: the whole minutes counted so far become seconds, then the
minutes column goes. Raw SQL for the copy (the same on PostgreSQL and SQLite); it runs before
the column is dropped, as a migration's raw steps run first."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T09:26:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "ticket paused_minutes into paused_seconds"


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def minutes_to_seconds():
        await _run("UPDATE ticket SET paused_seconds = paused_minutes * 60")

    manager.add_raw(minutes_to_seconds)
    manager.drop_column(
        table_class_name="Ticket",
        tablename="ticket",
        column_name="paused_minutes",
        db_column_name="paused_minutes",
        schema=None,
    )
    return manager
