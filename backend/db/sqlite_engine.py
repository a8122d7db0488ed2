"""The embedded engine, with open connections kept for statements outside a transaction.

Piccolo's SQLiteEngine opens a new connection (and aiosqlite a new thread) for every statement
that runs outside a transaction, and closes it afterwards: on the benchmark's read pages that
was most of the time a request took. While the app runs (``keep_connections``, entered by the
database lifespan) such statements borrow one of a few open connections instead. Transactions
still get a connection of their own, as before. Outside the lifespan (the command line's one-off
commands) nothing is kept, so nothing is left open at exit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

KEPT_CONNECTIONS = 8


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] | None = None  # None: not keeping any
        self._loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def keep_connections(self) -> AsyncIterator[None]:
        self._idle, self._loop = [], asyncio.get_running_loop()
        try:
            yield
        finally:
            idle, self._idle, self._loop = self._idle, None, None
            for connection in idle:
                await connection.close()

    async def answers_afresh(self, query: str) -> None:
        """Run ``query`` on a new connection, as a check that the file itself is still there (a
        kept connection reads a file moved away or replaced as if nothing happened); when it
        is not, the kept connections are dropped, so none serves a file that is gone."""
        try:
            await super()._run_in_new_connection(query)
        except BaseException:
            idle, self._idle = self._idle, ([] if self._idle is not None else None)
            for connection in idle or []:
                await connection.close()
            raise

    async def _open(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        await connection.execute("PRAGMA foreign_keys = 1")
        connection.row_factory = dict_factory  # type: ignore[assignment]
        return connection

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        if self._idle is None or self._loop is not asyncio.get_running_loop():
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = self._idle.pop() if self._idle else await self._open()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                rows = await cursor.fetchall()
        except BaseException:
            await connection.close()  # whatever state it is in, it is not handed out again
            raise
        if self._idle is not None and len(self._idle) < KEPT_CONNECTIONS:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows
