"""Credit rules the database itself enforces: the balance never goes below zero (a CHECK on
PostgreSQL; SQLite cannot add a CHECK to an existing table, so triggers there), an idempotency
key books at most one entry per company, and indexes for the ledger and expiry scans."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

ID = "2026-11-25T20:22:36:859381"
VERSION = "1.38.0"
DESCRIPTION = "credit constraints"

POSTGRES = [
    "ALTER TABLE credit_account ADD CONSTRAINT credit_account_balance_not_negative CHECK (balance >= 0)",
    "ALTER TABLE credit_lot ADD CONSTRAINT credit_lot_remaining_in_range CHECK (remaining >= 0 AND remaining <= amount)",
]
SQLITE = [
    "CREATE TRIGGER credit_account_balance_not_negative_insert BEFORE INSERT ON credit_account "
    "WHEN NEW.balance < 0 BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: balance >= 0'); END",
    "CREATE TRIGGER credit_account_balance_not_negative_update BEFORE UPDATE OF balance ON credit_account "
    "WHEN NEW.balance < 0 BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: balance >= 0'); END",
    "CREATE TRIGGER credit_lot_remaining_in_range BEFORE UPDATE OF remaining ON credit_lot "
    "WHEN NEW.remaining < 0 OR NEW.remaining > NEW.amount "
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: 0 <= remaining <= amount'); END",
]
BOTH = [
    "CREATE UNIQUE INDEX credit_entry_company_idempotency_key ON credit_entry (company, idempotency_key)",
    "CREATE INDEX credit_entry_company_id ON credit_entry (company, id)",
    "CREATE INDEX credit_lot_company_expires ON credit_lot (company, expires_at, id)",
    "CREATE INDEX subscription_status ON subscription (status, requested_at)",
]


async def _run(statement: str) -> None:
    await engine_finder().run_querystring(QueryString(statement))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def create():
        engine_specific = POSTGRES if isinstance(engine_finder(), PostgresEngine) else SQLITE
        for statement in [*engine_specific, *BOTH]:
            await _run(statement)

    manager.add_raw(create)
    return manager
