"""The database: the engine (engine.py, sqlite_engine.py), write transactions and row locks
(transactions.py), selects built once (prepared.py), the pool's lifespan and readiness
(lifespan.py). Every private Piccolo or asyncpg detail these rely on has a canary test in
tests/integration/test_piccolo_internals.py."""

from backend.db.engine import DB, is_postgres, json_value
from backend.db.lifespan import database_lifespan, database_ready
from backend.db.prepared import Param, Prepared, status_literal
from backend.db.transactions import is_unique_violation, locked, on_rollback, write_transaction

__all__ = [
    "DB",
    "Param",
    "Prepared",
    "database_lifespan",
    "database_ready",
    "is_postgres",
    "is_unique_violation",
    "json_value",
    "locked",
    "on_rollback",
    "status_literal",
    "write_transaction",
]
