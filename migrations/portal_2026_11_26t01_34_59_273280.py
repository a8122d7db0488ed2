from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-26T01:34:59:273280"
VERSION = "1.38.0"
DESCRIPTION = "credit_lot: no plain company index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="CreditLot",
        tablename="credit_lot",
        column_name="company",
        db_column_name="company",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
