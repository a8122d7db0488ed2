"""The `portal` command line as operators use it, in its own process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from backend.accounts.tables import Company, PortalUser
from backend.catalog.tables import Service
from backend.credit.tables import CreditAccount
from backend.demo import DEMO_PASSWORD
from backend.orders.tables import ServiceOrder
from tests.helpers import login

pytestmark = pytest.mark.db


def portal(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )


async def test_demo_data_is_idempotent_and_its_accounts_sign_in(anonymous) -> None:
    first = portal("demo-data")
    assert first.returncode == 0, first.stderr
    counts = (await Company.count(), await PortalUser.count())
    assert counts == (2, 5)
    assert await Service.count() == 7
    # today's three orders and a year of history, one order a month (demo_history.py)
    assert await ServiceOrder.count() == 3 + 11
    assert await ServiceOrder.count().where(ServiceOrder.status == "completed") == 11
    # two SBP-50 packages (a year ago and today) less 42 hours of work drawn at 1 150 Kč
    assert (await CreditAccount.select(CreditAccount.balance).first())["balance"] == 2 * 6_750_000 - 4_830_000
    second = portal("demo-data")
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert (await Company.count(), await PortalUser.count()) == counts
    assert (await login(anonymous, "spravce@vysocina.example", DEMO_PASSWORD)).status_code == 200


async def test_create_staff_reads_the_password_from_standard_input(anonymous) -> None:
    result = portal("create-staff", "--email", "Boss@Example.cz", "--admin", stdin="a long staff password\n")
    assert result.returncode == 0, result.stderr
    assert "staff admin" in result.stdout
    row = (
        await PortalUser.select(PortalUser.role, PortalUser.company)
        .where(PortalUser.email == "boss@example.cz")
        .first()
    )
    assert row == {"role": "staff_admin", "company": None}
    assert (await login(anonymous, "boss@example.cz", "a long staff password")).status_code == 200


async def test_create_staff_refuses_a_short_password_and_stores_nothing(db) -> None:
    result = portal("create-staff", "--email", "weak@example.cz", stdin="short\n")
    assert result.returncode == 2
    assert "at least 10 characters" in result.stderr
    assert await PortalUser.count() == 0


async def test_migrate_is_repeatable(db) -> None:
    result = portal("migrate")
    assert result.returncode == 0, result.stderr
