"""/health and /ready against a real server process whose database goes away and comes back."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing, suppress
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from backend.db import is_postgres
from tests.processes import PORTAL, free_port, stop

pytestmark = pytest.mark.db


class TcpProxy:
    """A loopback TCP relay to the database that the test can switch off and on."""

    def __init__(self, target_host: str, target_port: int, listen_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = listen_port
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port, reuse_address=True)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.close()
        await self.server.wait_closed()
        self.writers.clear()

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers.update({client_writer, upstream_writer})

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with suppress(OSError, asyncio.CancelledError):
                while chunk := await reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
            writer.close()

        await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))


@asynccontextmanager
async def portal_server(database_url: str) -> AsyncIterator[str]:
    """`portal serve` in its own process, as operators run it."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "HOST": "127.0.0.1"}
    log = tempfile.NamedTemporaryFile(prefix="portal-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(  # noqa: ASYNC220 - a long-lived child, waited for below
        [*PORTAL, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            for _ in range(100):
                with suppress(httpx.HTTPError):
                    if (await client.get("/health")).status_code == 200:
                        break
                if process.poll() is not None:
                    raise AssertionError(Path(log.name).read_text())
                await asyncio.sleep(0.1)
        yield base
    finally:
        stop(process, log)


async def wait_for_status(base: str, expected: int, seconds: float = 15) -> int:
    status = 0
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(int(seconds / 0.2)):
            status = (await client.get("/ready")).status_code
            if status == expected:
                return status
            await asyncio.sleep(0.2)
    return status


async def test_ready_is_503_while_the_database_is_down_and_recovers(db) -> None:
    """PostgreSQL: the connection goes through a proxy that is switched off and on.
    SQLite: the database file's folder is moved away and back."""
    if is_postgres():
        await postgres_goes_away_and_returns()
    else:
        await sqlite_file_goes_away_and_returns()


async def postgres_goes_away_and_returns() -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 5432, free_port())
    await proxy.start()
    proxied = url._replace(netloc=f"{url.username}@127.0.0.1:{proxy.port}").geturl()
    async with portal_server(proxied) as base:
        assert await wait_for_status(base, 200) == 200
        await proxy.stop()
        assert await wait_for_status(base, 503) == 503
        async with httpx.AsyncClient(base_url=base, cookies={"portal_session": "some-session"}) as client:
            assert (await client.get("/health")).status_code == 200  # alive, just not ready
            # a request that needs the database (its session is looked up) says so, not 500
            page = await client.get("/company", headers={"accept-language": "en"})
            assert page.status_code == 503
            assert "database" in page.text
        await proxy.start()
        assert await wait_for_status(base, 200) == 200


async def sqlite_file_goes_away_and_returns() -> None:
    source = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    folder = Path(tempfile.mkdtemp(prefix="portal-ready-"))
    live = folder / "db"
    live.mkdir()
    # SQLite's backup, not a file copy: closing a plain file handle on the live database would
    # drop this process's SQLite locks on it, under the app's open connections
    with (
        closing(sqlite3.connect(source)) as original,
        closing(sqlite3.connect(live / "portal.sqlite3")) as copy,
    ):
        original.backup(copy)
    async with portal_server(f"sqlite:///{live / 'portal.sqlite3'}") as base:
        assert await wait_for_status(base, 200) == 200
        live.rename(folder / "away")
        assert await wait_for_status(base, 503) == 503
        (folder / "away").rename(live)
        assert await wait_for_status(base, 200) == 200
    shutil.rmtree(folder, ignore_errors=True)
