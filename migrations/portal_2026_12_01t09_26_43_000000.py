"""Paused business time to the second: the whole minutes counted so far become seconds, then the
minutes column goes. And every quote given before revisions were counted is revision 1, the one
its order's page shows. Raw SQL (the same on PostgreSQL and SQLite); it runs before the column is
dropped, as a migration's raw steps run first."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T09:26:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "ticket paused_minutes into paused_seconds; first quote revisions"


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def carry_over():
        await _run("UPDATE ticket SET paused_seconds = paused_minutes * 60")
        await _run("UPDATE service_order SET quote_revision = 1 WHERE quote_net IS NOT NULL")

    manager.add_raw(carry_over)
    manager.drop_column(
        table_class_name="Ticket",
        tablename="ticket",
        column_name="paused_minutes",
        db_column_name="paused_minutes",
        schema=None,
    )
    return manager
