"""Indexes the benchmark's L data set showed missing (docs/performance.md): the order list's
linked tickets (ticket."order" had none, so every page scanned all tickets), the staff ticket
queue's order (status, then due time), and the open lots a credit draw reads (a partial index:
a company with years of top-ups has thousands of used-up lots and a few open ones). Raw SQL,
the same on PostgreSQL and SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-25T22:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "benchmark indexes"

INDEXES = {
    "ticket_order": 'ticket ("order")',
    "ticket_status_next_due": "ticket (status, next_due, id)",
    "credit_lot_open": "credit_lot (company, expires_at, id) WHERE remaining > 0",
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
