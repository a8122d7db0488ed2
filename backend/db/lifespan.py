"""The database for the life of the app (the PostgreSQL pool, SQLite's kept connections) and
the readiness probe behind /ready."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from backend.db.engine import DB
from backend.db.sqlite_engine import KeptConnectionsSQLiteEngine

POOL_MAX_SIZE = 10
POOL_CLOSE_TIMEOUT_SECONDS = 5.0
READY_TIMEOUT_SECONDS = 2.0


async def database_ready() -> bool:
    """True when the migrated database answers within a short time (an empty SQLite file that
    appeared in place of the real one is not ready)."""
    probe = "SELECT 1 FROM migration LIMIT 1"
    try:
        if isinstance(DB, KeptConnectionsSQLiteEngine):
            await asyncio.wait_for(DB.answers_afresh(probe), READY_TIMEOUT_SECONDS)
        else:
            await asyncio.wait_for(DB.run_querystring(QueryString(probe)), READY_TIMEOUT_SECONDS)
    except Exception:  # any failure means "not ready"; /ready reports it, the app stays up
        return False
    return True


async def _close_pool(db: PostgresEngine) -> None:
    """Close gracefully, but never let a connection the network left half-open hold up shutdown."""
    pool = db.pool
    if pool is None:
        return
    try:
        await asyncio.wait_for(pool.close(), POOL_CLOSE_TIMEOUT_SECONDS)
    except TimeoutError:
        pool.terminate()
    db.pool = None


async def _keep_session(_connection: object) -> None:
    """What the pool does to a connection given back, besides rolling back a transaction left
    open (asyncpg always does that): nothing. asyncpg's default sends "SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL" after every statement run outside
    a transaction, a second round trip per query; the portal takes no advisory locks, keeps no
    cursors or listeners open and changes no session setting, so there is nothing to undo."""


@asynccontextmanager
async def database_lifespan(_app: object) -> AsyncIterator[None]:
    """Open the PostgreSQL pool for the life of the app; keep SQLite connections open for it."""
    if isinstance(DB, PostgresEngine):
        # min_size=0: the app starts (and /ready says 503) even while the database is down
        await DB.start_connection_pool(min_size=0, max_size=POOL_MAX_SIZE, reset=_keep_session)
        try:
            yield
        finally:
            await _close_pool(DB)
    elif isinstance(DB, KeptConnectionsSQLiteEngine):
        async with DB.keep_connections():
            yield
    else:
        yield
