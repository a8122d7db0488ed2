"""Faults on PostgreSQL: the database connection dropped in the middle of a use case, and the app
process killed in the middle of requests. Nothing half-written, nothing committed lost.

(The database going away and coming back, with /ready and the error pages, is in
tests/integration/test_readiness.py; SMTP being down, in tests/integration/test_notifications.py.)
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta

import asyncpg
import httpx
import pytest
from piccolo.query.functions.aggregate import Sum

from backend.accounts.tables import Company
from backend.audit.tables import AuditEvent
from backend.credit.tables import CreditAccount, CreditEntry, CreditLot
from backend.db import is_postgres
from backend.demo import DEMO_PASSWORD
from backend.notifications.tables import OutboxMessage
from backend.orders.tables import OrderEvent, ServiceOrder, WorkLog
from backend.piccolo_conf import DB
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff
from tests.processes import served_portal


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    # these faults are PostgreSQL's (a backend process to terminate); the suite runs them there
    assert is_postgres(), "run with PORTAL_TEST_ENGINE=postgres"


def connection_dies_in(monkeypatch, module, name: str) -> list[int]:
    """The first call of ``module.name`` (made inside a use case's transaction) has the database
    terminate that transaction's backend first, as a crash or a network cut would."""
    original = getattr(module, name)
    killed: list[int] = []

    async def dying(*args, **kwargs):
        if not killed:
            pid = (await AuditEvent.raw("SELECT pg_backend_pid() AS pid"))[0]["pid"]
            admin = await asyncpg.connect(os.environ["DATABASE_URL"])
            try:
                assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
            finally:
                await admin.close()
            killed.append(pid)
            await asyncio.sleep(0.2)  # the server has closed the socket before the next statement
        return await original(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)
    return killed


def connections_in_use() -> int:
    """Pool connections not given back. A leaked one stays "in use" for good, and after
    POOL_MAX_SIZE of them every request would wait for a connection forever."""
    return DB.pool.get_size() - DB.pool.get_idle_size()


async def counts() -> dict[str, int]:
    return {
        "events": await OrderEvent.count(),
        "audit": await AuditEvent.count(),
        "outbox": await OutboxMessage.count(),
        "work_logs": await WorkLog.count(),
        "entries": await CreditEntry.count(),
    }


async def test_connection_lost_during_an_approval_leaves_nothing_half_written(
    anonymous, app, db, monkeypatch
) -> None:
    import backend.orders.history as order_history

    await load_catalogue()
    await register(anonymous)
    order_id = (await anonymous.post("/api/v1/orders", json=order_payload())).json()["id"]
    async with signed_in_staff(app) as staff:
        valid_until = (date.today() + timedelta(days=14)).isoformat()
        quoted = await staff.post(
            f"/api/v1/staff/orders/{order_id}/quote", json={"net": 3_000_000, "valid_until": valid_until}
        )
        assert quoted.status_code == 200, quoted.text
        assert (await anonymous.post(f"/api/v1/orders/{order_id}/accept")).status_code == 200
        before = await counts()
        killed = connection_dies_in(monkeypatch, order_history, "record")
        failed = await staff.post(f"/api/v1/staff/orders/{order_id}/approve", json={"note": "Schváleno."})
        assert killed, f"the fault was not injected: {failed.status_code} {failed.text}"
        assert failed.status_code == 503
        assert connections_in_use() == 0  # the dead connection went back to the pool
        assert failed.headers["content-type"].startswith("application/problem+json")
        # the status change written before the connection died was rolled back with the rest
        order = await ServiceOrder.select(ServiceOrder.status).where(ServiceOrder.id == order_id).first()
        assert order["status"] == "accepted"
        assert await counts() == before

        monkeypatch.undo()  # the pool replaces the dead connection: the same request now works
        again = await staff.post(f"/api/v1/staff/orders/{order_id}/approve", json={"note": "Schváleno."})
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "approved"


async def test_connection_lost_during_a_credit_draw_leaves_the_ledger_whole(
    anonymous, app, db, monkeypatch
) -> None:
    import backend.credit.ledger as credit_ledger
    from backend.demo import PLANS
    from backend.plans.tables import Plan

    await load_catalogue()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))
    company_id = (await register(anonymous))["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        topped = await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": 1_000_000, "idempotency_key": "k1"},
        )
        assert topped.status_code == 201, topped.text
        order = await anonymous.post(
            "/api/v1/orders", json=order_payload(service_code="MACROS", billing="sbp")
        )
        order_id = order.json()["id"]
        assert (await admin.post(f"/api/v1/staff/orders/{order_id}/approve")).status_code == 200

        before = await counts()
        # dies after the entry, the lots and the balance are written, before the audit event
        killed = connection_dies_in(monkeypatch, credit_ledger, "record_all")
        failed = await admin.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 60, "note": "x"}
        )
        assert killed and failed.status_code == 503
        assert connections_in_use() == 0
        assert await counts() == before
        account = await CreditAccount.select().where(CreditAccount.company == company_id).first()
        lots = await CreditLot.select(Sum(CreditLot.remaining)).where(CreditLot.company == company_id).first()
        assert account["balance"] == lots["sum"] == 1_000_000

        monkeypatch.undo()
        again = await admin.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 60, "note": "x"}
        )
        assert again.status_code == 201, again.text
        account = await CreditAccount.select().where(CreditAccount.company == company_id).first()
        assert account["balance"] == 1_000_000 - 135_000


async def test_a_process_killed_mid_requests_loses_no_committed_data(db) -> None:
    """Credit top-ups fly at a real `portal serve` that is SIGKILLed half-way. Every top-up that
    was answered 201 is in the ledger; retrying all of them with the same idempotency keys on a
    new process books each exactly once."""
    url = os.environ["DATABASE_URL"]
    started: list = []
    answered: dict[str, int] = {}
    keys = [f"kill-{n}" for n in range(60)]

    async def top_up(client, company_id: int, key: str) -> None:
        try:
            response = await client.post(
                f"/api/v1/staff/companies/{company_id}/credit",
                json={"amount": 10_000, "idempotency_key": key},
            )
            answered[key] = response.status_code
        except httpx.HTTPError:
            pass  # the process died under this request: its outcome is unknown to the client

    @asynccontextmanager
    async def signed_in_admin(base: str) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            client.headers["x-csrftoken"] = (await client.get("/api/v1/auth/csrf")).json()["token"]
            login = await client.post(
                "/api/v1/auth/login", json={"email": "vedouci@podpora.example", "password": DEMO_PASSWORD}
            )
            assert login.status_code == 200, login.text
            client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # signing in rotated it
            yield client

    with served_portal(url, demo_data=True, started=started) as base:
        company_id = (await Company.select(Company.id).where(Company.ico == "45310076").first())["id"]
        async with signed_in_admin(base) as client:
            waiting = list(keys)

            async def sender() -> None:
                # six at a time, one after another: the credit writer books whatever arrives
                # together in one batch, so 60 sent at once would all be answered in the same
                # instant and the kill would come after the last of them, not half-way
                while waiting:
                    await top_up(client, company_id, waiting.pop(0))

            async def killer() -> None:
                while sum(1 for status in answered.values() if status == 201) < 20:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
                started[0].send_signal(signal.SIGKILL)

            # bounded: if the top-ups stopped succeeding, the test fails instead of waiting forever
            await asyncio.wait_for(asyncio.gather(killer(), *(sender() for _ in range(6))), 120)
    assert 20 <= sum(1 for status in answered.values() if status == 201) < len(keys)

    booked = {row["idempotency_key"] for row in await CreditEntry.select(CreditEntry.idempotency_key)}
    assert {key for key, status in answered.items() if status == 201} <= booked  # nothing committed is lost

    with served_portal(url) as base:
        async with signed_in_admin(base) as client:
            answered.clear()
            await asyncio.gather(*(top_up(client, company_id, key) for key in keys))
    assert set(answered.values()) == {201}  # a replay answers as the first booking did
    entries = await CreditEntry.select(CreditEntry.amount).where(CreditEntry.company == company_id)
    assert len(entries) == len(keys) and sum(row["amount"] for row in entries) == 10_000 * len(keys)
    account = (
        await CreditAccount.select(CreditAccount.balance).where(CreditAccount.company == company_id).first()
    )
    assert account["balance"] == 10_000 * len(keys)
