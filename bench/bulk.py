"""Bulk inserts for the data generator: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of the table's columns (id first), with explicit ids, so the
generator can link rows without reading anything back. Columns a row leaves out take the
column's default from the Piccolo table, the same value an ORM insert would write.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Protocol

import asyncpg
from piccolo.columns import JSON
from piccolo.columns.defaults.base import Default

# importing the engine registers Piccolo's sqlite3 adapters (datetimes, dates as ISO text), so the
# rows written here read back exactly like rows the ORM wrote
from piccolo.engine.sqlite import SQLiteEngine  # noqa: F401
from piccolo.table import Table


class TableShape:
    """A table's column names and a row builder that fills in defaults."""

    def __init__(self, table: type[Table]) -> None:
        self.name = table._meta.tablename
        self.columns = [column._meta.db_column_name for column in table._meta.columns]
        self._json = {
            column._meta.db_column_name for column in table._meta.columns if isinstance(column, JSON)
        }
        self._defaults: dict[str, Any] = {}
        for column in table._meta.columns:
            name = column._meta.db_column_name
            if name == "id":
                continue
            default = column.get_default_value()
            # Default objects (TimestamptzNow …) give their Python value
            self._defaults[name] = default.python() if isinstance(default, Default) else default

    def row(self, **values: Any) -> tuple[Any, ...]:
        merged = {**self._defaults, **values}
        for name in self._json:
            if not isinstance(merged[name], str):
                merged[name] = json.dumps(merged[name])
        return tuple(merged[name] for name in self.columns)


class BulkWriter(Protocol):
    """Writes batches of rows into one database, in one transaction."""

    async def write(self, shape: TableShape, rows: list[tuple[Any, ...]]) -> None: ...

    async def finish(self, shapes: list[TableShape]) -> None: ...

    async def close(self) -> None: ...


class PostgresWriter:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection
        self.transaction = connection.transaction()

    @classmethod
    async def open(cls, dsn: str) -> PostgresWriter:
        writer = cls(await asyncpg.connect(dsn))
        await writer.transaction.start()
        return writer

    async def write(self, shape: TableShape, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            await self.connection.copy_records_to_table(shape.name, records=rows, columns=shape.columns)

    async def finish(self, shapes: list[TableShape]) -> None:
        # explicit ids leave the serial sequences behind: move them past the rows written
        for shape in shapes:
            table = shape.name
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
            await self.connection.execute(statement)
        await self.transaction.commit()
        # VACUUM too, as autovacuum would soon after a bulk load: it sets the visibility map, so
        # counts and lists that an index answers (the staff queues' totals) need not visit the
        # heap; measured right after the load without it, they read thousands of rows per page
        for shape in shapes:
            await self.connection.execute(f"VACUUM ANALYZE {shape.name}")

    async def close(self) -> None:
        await self.connection.close()


class SqliteWriter:
    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, timeout=30)
        self.connection.execute("BEGIN IMMEDIATE")

    async def write(self, shape: TableShape, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            names = ", ".join(f'"{name}"' for name in shape.columns)
            marks = ", ".join("?" for _ in shape.columns)
            statement = f"INSERT INTO {shape.name} ({names}) VALUES ({marks})"  # noqa: S608 - our table names
            self.connection.executemany(statement, rows)

    async def finish(self, shapes: list[TableShape]) -> None:
        self.connection.commit()
        self.connection.execute("ANALYZE")

    async def close(self) -> None:
        self.connection.close()
