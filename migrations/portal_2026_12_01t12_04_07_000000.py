"""Work logged before work_log.billing existed: on SBP orders it drew credit (or billed its rest as
PAY minutes), so it was SBP work and only its pay_minutes are invoiced. The same SQL on both
engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T12:04:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "work_log.billing of older SBP work"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def backfill():
        await engine_finder().run_querystring(
            QueryString("UPDATE work_log SET billing = 'sbp' WHERE credit_drawn > 0 OR pay_minutes > 0")
        )

    manager.add_raw(backfill)
    return manager
