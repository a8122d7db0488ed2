"""The staff queues read a page of the few rows still waiting for the team, in order, out of
100 000 orders and 50 000 tickets: partial indexes hold just those rows, in the queue's order,
so a page is an index range read instead of a scan and sort of every running ticket (280 ms on
the benchmark's L data set). They replace ticket_status_next_due, which could not give the order
across two statuses, and ticket_order: nearly every ticket has no order, and SQLite's statistics
then make an index on the column look useless, so it scanned all tickets for every page of
orders; the partial index holds only the tickets that were converted into orders. The predicates are written as the queries write them (sorted values), which
SQLite needs to use them. Raw SQL, the same on PostgreSQL and SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-25T22:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "staff queue partial indexes"

INDEXES = {
    "ticket_running_due": "ticket (next_due, id) WHERE status IN ('new', 'open')",
    "ticket_waiting": "ticket (id) WHERE status = 'waiting_on_customer'",
    "service_order_staff_queue": "service_order (id) WHERE status IN ('accepted', 'submitted')",
    "ticket_converted": 'ticket ("order") WHERE "order" IS NOT NULL',
}
REPLACED = {
    "ticket_status_next_due": "ticket (status, next_due, id)",
    "ticket_order": 'ticket ("order")',
}


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await _run(f"CREATE INDEX {name} ON {target}")
        for name in REPLACED:
            await _run(f"DROP INDEX IF EXISTS {name}")

    async def drop_indexes():
        for name in INDEXES:
            await _run(f"DROP INDEX IF EXISTS {name}")
        for name, target in REPLACED.items():
            await _run(f"CREATE INDEX {name} ON {target}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
