"""An order remembers the one-time key of the form (or API call) that placed it, so the same
submission sent twice (Back and send again, a double click, a retried request) finds the order it
already made instead of making a second one. Unique per company; orders without a key (all the
older ones) are not constrained: both engines let NULLs repeat in a unique index. Raw SQL, the
same on PostgreSQL and SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "service_order.submission_key"


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def add_key():
        await _run("ALTER TABLE service_order ADD COLUMN submission_key VARCHAR(100) NULL DEFAULT NULL")
        await _run(
            "CREATE UNIQUE INDEX service_order_submission_key ON service_order (company, submission_key)"
        )

    async def drop_key():
        await _run("DROP INDEX IF EXISTS service_order_submission_key")
        await _run("ALTER TABLE service_order DROP COLUMN submission_key")

    manager.add_raw(add_key)
    manager.add_raw_backwards(drop_key)
    return manager
