"""Every ticket gets its reply token (the secret in the plus-address its e-mails answer to):
the tickets opened before it existed get one now, and a unique index keeps two tickets from ever
sharing one. Raw SQL, the same on PostgreSQL and SQLite."""

import base64
import secrets

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-12-01T12:05:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "ticket.reply_token backfilled, unique"


def _token() -> str:
    # the same as backend.tickets.domain.new_reply_token, copied: a migration must not change
    # when the code it once ran with does
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def backfill():
        engine = engine_finder()
        rows = await engine.run_querystring(QueryString("SELECT id FROM ticket WHERE reply_token IS NULL"))
        for row in rows:
            await engine.run_querystring(
                QueryString("UPDATE ticket SET reply_token = {} WHERE id = {}", _token(), row["id"])
            )
        await engine.run_querystring(
            QueryString("CREATE UNIQUE INDEX ticket_reply_token ON ticket (reply_token)")
        )

    async def drop_index():
        await engine_finder().run_querystring(QueryString("DROP INDEX IF EXISTS ticket_reply_token"))

    manager.add_raw(backfill)
    manager.add_raw_backwards(drop_index)
    return manager
