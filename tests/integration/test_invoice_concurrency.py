"""Invoice numbers under concurrency, on PostgreSQL: 50 invoices issued at once, and the SLA fee
schedule run by two processes at once, give gap-free, unique numbers and one invoice per source."""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import date, timedelta

import pytest

from backend.accounts.domain import Actor, Role
from backend.accounts.services import create_staff
from backend.accounts.tables import Company
from backend.invoices import domain, services
from backend.invoices.schemas import ManualInvoiceIn, ManualLineIn
from backend.invoices.tables import Invoice
from backend.plans.tables import Plan
from backend.sla.tables import SlaContract
from tests.helpers import PASSWORD, valid_ico
from tests.integration.invoicing import load_plans
from tests.processes import PORTAL, ROOT

pytestmark = [pytest.mark.db, pytest.mark.only_postgres]
YEAR = date.today().year


async def companies(count: int) -> list[int]:
    ids = []
    for n in range(count):
        rows = await Company.insert(
            Company(
                name=f"Firma {n} s.r.o.", ico=valid_ico(), street="Hlavní 1", city="Brno", postal_code="60200"
            )
        ).returning(Company.id)
        ids.append(rows[0]["id"])
    return ids


def numbers_are_gap_free(numbers: list[str], prefix: str, year: int) -> None:
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [
        domain.document_number(domain.Kind.INVOICE, year, n) for n in range(1, len(numbers) + 1)
    ]
    assert all(number.startswith(f"{prefix}-{year}-") for number in numbers)


async def test_fifty_invoices_issued_at_once_are_numbered_without_gaps(db) -> None:
    await load_plans()
    company_ids = await companies(5)
    admin = Actor(
        id=await create_staff("vedouci@example.cz", "Vedoucí", PASSWORD, admin=True),
        email="vedouci@example.cz",
        full_name="Vedoucí",
        role=Role.STAFF_ADMIN,
        company_id=None,
        language="cs",
    )

    async def one(n: int) -> int:
        data = ManualInvoiceIn(
            company_id=company_ids[n % 5],
            lines=[ManualLineIn(description=f"Práce {n}", quantity=1, unit_price=10_000 + n)],
        )
        return await services.issue_manual(admin, data)

    ids = await asyncio.gather(*(one(n) for n in range(50)))
    assert len(set(ids)) == 50
    rows = await Invoice.select(Invoice.number, Invoice.total_net)
    numbers_are_gap_free([row["number"] for row in rows], "FA", YEAR)
    assert sorted(row["total_net"] for row in rows) == [10_000 + n for n in range(50)]


async def test_sla_schedule_in_two_processes_at_once_issues_each_month_once(db) -> None:
    await load_plans()
    plan = await Plan.select(Plan.id).where(Plan.code == "SLA-BASIC").first()
    company_ids = await companies(40)
    for company_id in company_ids:
        await SlaContract.insert(
            SlaContract(
                company=company_id,
                plan=plan["id"],
                monthly_fee=900_000,
                valid_from=date.today() - timedelta(days=40),
            )
        )
    next_month = domain.month_end(date.today()) + timedelta(days=1)
    on = domain.first_working_day(next_month).isoformat()
    environment = {**os.environ, "INVOICE_INTERVAL_SECONDS": "0"}
    runs = [
        await asyncio.create_subprocess_exec(
            *PORTAL,
            "issue-invoices",
            "--on",
            on,
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(run.communicate() for run in runs)), 120)
    assert all(run.returncode == 0 for run in runs), outputs
    issued = [int(out.decode().split(": ")[1].split(" ")[0]) for out, _ in outputs]
    assert sum(issued) == 40, outputs  # between them, each contract's month exactly once
    rows = await Invoice.select(Invoice.number, Invoice.source_key, Invoice.company)
    assert len(rows) == 40
    assert sorted(row["company"] for row in rows) == sorted(company_ids)
    assert len({row["source_key"] for row in rows}) == 40
    numbers_are_gap_free([row["number"] for row in rows], "FA", next_month.year)
