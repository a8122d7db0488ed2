"""Test set-up: a real database chosen before the app is imported.

``PORTAL_TEST_ENGINE=postgres`` (default) creates a fresh database on the PostgreSQL that
tests/pg_server.py finds or starts; ``PORTAL_TEST_ENGINE=sqlite`` uses a temporary SQLite file.
Migrations run once per session; every test that uses the database starts from empty tables.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ENGINE = os.environ.get("PORTAL_TEST_ENGINE", "postgres")
_state: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    from tests import pg_server

    if ENGINE == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="portal-test-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'portal.sqlite3'}"
    elif ENGINE == "postgres":
        try:
            admin = pg_server.admin_url()
        except pg_server.NoPostgres as missing:
            raise pytest.UsageError(str(missing)) from None
        name = f"portal_test_{uuid.uuid4().hex[:10]}"
        os.environ["DATABASE_URL"] = pg_server.create_database(admin, name)
        _state.update(admin=admin, name=name)
    else:
        raise pytest.UsageError(f"PORTAL_TEST_ENGINE must be postgres or sqlite, not {ENGINE!r}")
    os.environ.setdefault("PORTAL_ENV", "test")
    # tests write the catalogue straight into the tables: the app process must not keep a copy
    os.environ["CATALOGUE_CACHE_SECONDS"] = "0"
    # a real SMTP server on loopback takes this port in the tests that need one (tests/smtp.py)
    os.environ["SMTP_URL"] = f"smtp://127.0.0.1:{pg_server.free_port()}"
    os.environ["SECRET_KEY"] = "test-secret-" + "x" * 40
    # the in-process clients' host (tests/helpers.py) and the loopback names served portals use
    os.environ.setdefault("ALLOWED_HOSTS", "testserver.local,127.0.0.1,localhost")
    # webhook receivers in the tests listen on loopback
    os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "1")
    # no test reaches the real ARES: a loopback port nobody listens on, unless a test starts the
    # stand-in register (the ``ares`` fixture); served portals inherit this too
    os.environ["ARES_BASE_URL"] = f"http://127.0.0.1:{pg_server.free_port()}"

    from backend.migrate import migrate

    asyncio.run(migrate())
    config.addinivalue_line("markers", f"engine_{ENGINE}: ran on {ENGINE}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test of one engine's internals runs on that engine: deselected on the other, never skipped."""
    other = "sqlite" if ENGINE == "postgres" else "postgres"
    dropped = [item for item in items if item.get_closest_marker(f"only_{other}")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _state:
        from tests import pg_server

        pg_server.drop_database(_state["admin"], _state["name"])


def pytest_report_header(config: pytest.Config) -> str:
    return f"database engine: {ENGINE} ({os.environ.get('DATABASE_URL', '?')})"


async def _empty_tables() -> None:
    from piccolo.querystring import QueryString

    from backend.db import DB, is_postgres
    from backend.piccolo_app import TABLES

    names = [table._meta.tablename for table in TABLES]
    if is_postgres():
        await DB.run_querystring(QueryString(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(names):
            await DB.run_querystring(QueryString(f"DELETE FROM {name}"))


@pytest.fixture(scope="session")
async def database_pool() -> AsyncIterator[None]:
    """The app's database lifespan (the PostgreSQL pool), opened once in the session's loop."""
    from backend.db import database_lifespan

    async with database_lifespan(None):
        yield


@pytest.fixture
async def db(database_pool) -> AsyncIterator[None]:
    """Empty tables before the test."""
    await _empty_tables()
    yield


@pytest.fixture(scope="session")
def app():
    from backend.app import create_app

    return create_app()


@pytest.fixture
async def anonymous(app, db):
    """A browser-like client with no session yet; CSRF token fetched and sent as a header."""
    from tests.helpers import make_client

    async with make_client(app) as client:
        yield client


@pytest.fixture
def smtp():
    """A real SMTP server on loopback where SMTP_URL points; ``smtp.inbox.messages`` holds the mail."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ares_stub(monkeypatch):
    """The stand-in ARES on loopback (tests/ares_register.py), with a one-second timeout."""
    from backend.settings import get_settings
    from tests.ares_register import AresRegister

    with AresRegister() as register:
        monkeypatch.setenv("ARES_BASE_URL", register.url)
        monkeypatch.setenv("ARES_TIMEOUT_SECONDS", "1")
        get_settings.cache_clear()
        yield register
    monkeypatch.undo()
    get_settings.cache_clear()
