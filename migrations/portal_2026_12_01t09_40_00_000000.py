"""An order remembers the one-time key of the form (or API call) that placed it, so the same
submission sent twice (Back and send again, a double click, a retried request) finds the order it
already made instead of making a second one. The column through the migration manager, so later
auto migrations know it is there; its unique index is the next migration (raw SQL runs before a
manager's columns)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "service_order.submission_key"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ServiceOrder",
        tablename="service_order",
        column_name="submission_key",
        db_column_name="submission_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
