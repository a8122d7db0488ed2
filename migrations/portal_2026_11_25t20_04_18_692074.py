"""Composite indexes for keyset pagination of order lists: a page costs the same with 100 or
100 000 orders (Piccolo columns declare single-column indexes only, hence raw SQL; it is the same
on PostgreSQL and SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-25T20:04:18:692074"
VERSION = "1.38.0"
DESCRIPTION = "order list indexes"

INDEXES = {
    "service_order_company_id": "service_order (company, id)",
    "service_order_company_status_id": "service_order (company, status, id)",
    "service_order_status_created": "service_order (status, created_at, id)",
}


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await _run(f"CREATE INDEX {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await _run(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
