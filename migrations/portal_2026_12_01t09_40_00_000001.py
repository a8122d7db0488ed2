"""The submission key is unique per company; orders without a key (all the older ones) are not
constrained: both engines let NULLs repeat in a unique index. Raw SQL, the same on PostgreSQL and
SQLite (IF NOT EXISTS: databases migrated before the column and the index were split have it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T09:40:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "service_order.submission_key unique per company"


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def add_index():
        await _run(
            "CREATE UNIQUE INDEX IF NOT EXISTS service_order_submission_key"
            " ON service_order (company, submission_key)"
        )

    async def drop_index():
        await _run("DROP INDEX IF EXISTS service_order_submission_key")

    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
