"""Browser tests: Chromium from the operating system drives `portal serve` on loopback.

The portal runs as operators run it (`portal migrate`, `portal demo-data`, `portal serve`) in its
own process, on its own fresh database (PostgreSQL or SQLite, as the test run's engine), so the
tables the other tests empty are not the ones the browser sees. Playwright's own browser download
does not work on these machines: the browser is the system's Chromium (`PORTAL_CHROMIUM`, default
/usr/bin/chromium). Without it the tests fail and say how to install it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.ares_register import AresRegister
from tests.browser.support import DESKTOP, PortalPage
from tests.processes import served_portal

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def portal_database() -> Iterator[str]:
    """A database of the browser tests' own, dropped at the end."""
    from tests import conftest, pg_server

    if conftest.ENGINE == "postgres":
        # pg_server's helpers call asyncio.run, which refuses to run inside pytest-asyncio's loop
        with ThreadPoolExecutor(max_workers=1) as thread:
            admin = thread.submit(pg_server.admin_url).result()
            name = f"portal_browser_{uuid.uuid4().hex[:10]}"
            url = thread.submit(pg_server.create_database, admin, name).result()
            yield url
            thread.submit(pg_server.drop_database, admin, name).result()
    else:
        directory = Path(tempfile.mkdtemp(prefix="portal-browser-"))
        yield f"sqlite:///{directory / 'portal.sqlite3'}"
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def portal_url(portal_database: str) -> Iterator[str]:
    """The portal with the demo data, served by `portal serve` on a free loopback port, asking
    the stand-in ARES on loopback about IČOs."""
    with (
        AresRegister() as ares,
        served_portal(
            portal_database,
            migrate=True,
            demo_data=True,
            NOTIFICATION_INTERVAL_SECONDS="0",  # e-mail is not what these tests look at
            PORTAL_ENV="test",
            ARES_BASE_URL=ares.url,
        ) as base,
    ):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module. Playwright's sync API runs its own event loop in this thread
    while it is open; closing it after each module keeps pytest-asyncio's tests that follow free to
    run theirs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}. Install it from the system packages "
            "(`apt-get install chromium`; .ci/run does this) or set PORTAL_CHROMIUM to its path. "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield chromium
        chromium.close()


@pytest.fixture(params=["cs", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def portal(browser, portal_url: str, language: str) -> Iterator[PortalPage]:
    """A fresh browser profile whose browser asks for ``language``; fails the test on any console
    error (a Content-Security-Policy violation, a failed request, a script error)."""
    context = browser.new_context(
        base_url=portal_url,
        locale="cs-CZ" if language == "cs" else "en-GB",
        timezone_id="Europe/Prague",
        viewport=DESKTOP,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    portal_page = PortalPage(page, language)
    yield portal_page
    context.close()
    assert not portal_page.console_errors, "the browser console reported:\n" + "\n".join(
        portal_page.console_errors
    )
