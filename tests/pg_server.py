"""Finds the PostgreSQL the tests run against, or starts a throwaway one.

Order: ``PORTAL_TEST_DATABASE_URL`` if set; else a server on 127.0.0.1:5432 if it answers; else a
throwaway cluster from the local PostgreSQL binaries (initdb/pg_ctl), removed at the end.
With none of them the run fails with a message that says how to get one.
"""

from __future__ import annotations

import asyncio
import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from tests.processes import free_port

HOW_TO_GET_ONE = (
    "No PostgreSQL for the tests. Do one of: set PORTAL_TEST_DATABASE_URL=postgresql://user@host:port/db; "
    "start a server on 127.0.0.1:5432 (e.g. `docker compose up -d postgres`); or install the server "
    "binaries (`apt-get install postgresql`) so the tests can start a throwaway cluster."
)


class NoPostgres(RuntimeError):
    pass


async def _answers(url: str) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _start_throwaway() -> str:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise NoPostgres(HOW_TO_GET_ONE)
    prefix: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres user
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as error:
            raise NoPostgres(HOW_TO_GET_ONE + " (running as root needs a 'postgres' user)") from error
        os.chown(directory, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = directory / "data"
    port = free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-l",
            str(directory / "log"),
            "-o",
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def admin_url() -> str:
    """A URL with the right to create databases."""
    if url := os.environ.get("PORTAL_TEST_DATABASE_URL"):
        if not asyncio.run(_answers(url)):
            raise NoPostgres(f"PORTAL_TEST_DATABASE_URL={url} does not answer. " + HOW_TO_GET_ONE)
        return url
    if os.environ.get("PORTAL_TEST_PG") != "throwaway" and _port_open("127.0.0.1", 5432):
        for user in ("postgres", os.environ.get("USER") or "root"):
            url = f"postgresql://{user}@127.0.0.1:5432/postgres"
            if asyncio.run(_answers(url)):
                return url
    return _start_throwaway()


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def create_database(url: str, name: str) -> str:
    async def create() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return _with_database(url, name)


def drop_database(url: str, name: str) -> None:
    async def drop() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())
