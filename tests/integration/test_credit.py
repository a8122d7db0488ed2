"""SBP credit on a real database: plans, the ledger, draws from work, expiry, idempotency,
concurrency, and the database's own refusal of a negative balance."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.accounts.domain import Actor, Role
from backend.audit.tables import AuditEvent
from backend.credit import changes
from backend.credit import services as credit
from backend.credit.domain import EntryKind, InsufficientCredit
from backend.credit.tables import CreditAccount, CreditAllocation, CreditEntry, CreditLot
from backend.errors import Conflict
from backend.notifications.tables import OutboxMessage
from backend.orders.tables import ServiceOrder, WorkLog
from tests.helpers import (
    ledger_is_consistent,
    load_catalogue,
    login,
    make_client,
    order_payload,
    register,
    signed_in_staff,
)
from tests.processes import served_portal

pytestmark = pytest.mark.db


@pytest.fixture
async def plans(db) -> None:
    from backend.demo import PLANS
    from backend.plans.tables import Plan

    await load_catalogue()
    for position, plan in enumerate(PLANS):
        await Plan.insert(Plan(**vars(plan), kind="sbp", sort_order=position))


async def top_up(admin, company_id: int, amount: int, key: str, **extra):
    return await admin.post(
        f"/api/v1/staff/companies/{company_id}/credit",
        json={"amount": amount, "idempotency_key": key, **extra},
    )


async def test_sbp_journey_plan_approval_order_without_quote_work_draws_credit(anonymous, app, plans) -> None:
    me = await register(anonymous, language="en")
    company_id = me["company"]["id"]
    listed = (await anonymous.get("/api/v1/plans")).json()
    assert {p["code"] for p in listed} == {"SBP-20", "SBP-50", "SBP-100"}
    requested = await anonymous.post("/api/v1/subscriptions", json={"plan_code": "SBP-20"})
    assert requested.status_code == 201
    assert requested.json()["status"] == "requested" and requested.json()["plan_code"] == "SBP-20"

    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        pending = (await admin.get("/api/v1/staff/subscriptions")).json()
        assert [p["id"] for p in pending] == [requested.json()["id"]]
        approved = await admin.post(f"/api/v1/staff/subscriptions/{requested.json()['id']}/approve")
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        again = await admin.post(f"/api/v1/staff/subscriptions/{requested.json()['id']}/approve")
        assert again.status_code == 409

    view = (await anonymous.get("/api/v1/credit")).json()
    assert view["balance"] == 2_700_000
    assert view["entries"][0]["kind"] == "topup"
    assert len(view["expiring"]) == 1

    estimate = (await anonymous.get("/api/v1/orders/estimate?service_code=MACROS&quantity=10")).json()
    assert estimate["support_level"] == "sbp" and estimate["sbp_estimate"] == 1_350_000
    order = await anonymous.post(
        "/api/v1/orders", json=order_payload(service_code="MACROS", quantity=10, billing="sbp")
    )
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    assert order.json()["status"] == "submitted" and order.json()["quote"] is None

    async with signed_in_staff(app) as staff:
        assert (
            await staff.post(
                f"/api/v1/staff/orders/{order_id}/quote",
                json={"net": 1, "valid_until": (datetime.now(UTC) + timedelta(days=5)).date().isoformat()},
            )
        ).status_code == 409
        assert (await staff.post(f"/api/v1/staff/orders/{order_id}/approve")).json()["status"] == "approved"
        logged = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 90, "note": "Makro"}
        )
        assert logged.status_code == 201, logged.text
        # 90 minutes at 1 350 Kč per hour
        assert logged.json()["credit_drawn"] == 202_500
        assert logged.json()["work_logs"][0]["credit_drawn"] == 202_500

    view = (await anonymous.get("/api/v1/credit")).json()
    assert view["balance"] == 2_700_000 - 202_500
    draw = view["entries"][0]
    assert draw["kind"] == "draw" and draw["amount"] == -202_500 and draw["order_id"] == order_id
    assert await ledger_is_consistent(company_id) == 2_497_500


async def test_work_beyond_the_balance_draws_it_to_zero_and_the_rest_is_pay(anonymous, app, plans) -> None:
    me = await register(anonymous, language="en")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        assert (await top_up(admin, me["company"]["id"], 300_000, "k1")).status_code == 201
    order = await anonymous.post(
        "/api/v1/orders", json=order_payload(service_code="MACROS", quantity=2, billing="sbp")
    )
    order_id = order.json()["id"]
    async with signed_in_staff(app) as staff:
        await staff.post(f"/api/v1/staff/orders/{order_id}/approve")
        logged = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 180, "note": "Beyond the credit"}
        )
        assert logged.status_code == 201, logged.text
        # 1 350 Kč an hour is 22,50 Kč a minute: 3 000 Kč covers 133⅓ minutes, so the credit pays
        # 134 of them (to exactly zero) and 46 minutes are PAY at 1 650 Kč an hour: 1 265 Kč net
        work = logged.json()["work_logs"][0]
        assert (work["credit_drawn"], work["pay_minutes"], work["pay_net"]) == (300_000, 46, 126_500)
        assert logged.json()["credit_drawn"] == 300_000 and logged.json()["logged_minutes"] == 180
        page = await staff.get(f"/staff/orders/{order_id}")
        assert "46 min" in page.text and "1,265.00" in page.text
    customer_page = await anonymous.get(f"/orders/{order_id}")
    assert "46 min" in customer_page.text and "1,265.00" in customer_page.text
    assert await ledger_is_consistent(me["company"]["id"]) == 0
    told = await OutboxMessage.select(OutboxMessage.kind, OutboxMessage.context).where(
        OutboxMessage.kind.is_in(["work_beyond_credit", "work_beyond_credit_staff"])
    )
    assert sorted(row["kind"] for row in told) == ["work_beyond_credit", "work_beyond_credit_staff"]
    contexts = [
        json.loads(row["context"]) if isinstance(row["context"], str) else row["context"] for row in told
    ]
    assert all(context["minutes"] == 46 and context["amount"] == 126_500 for context in contexts)


async def test_sbp_order_needs_credit_that_covers_it(anonymous, plans) -> None:
    await register(anonymous, language="en")
    refused = await anonymous.post("/api/v1/orders", json=order_payload(billing="sbp"))
    assert refused.status_code == 422 and "does not cover" in refused.json()["detail"]
    assert await ServiceOrder.count() == 0


async def test_flat_sbp_service_draws_once_on_completion(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, me["company"]["id"], 1_000_000, "k1")
    order_id = (
        await anonymous.post(
            "/api/v1/orders", json=order_payload(service_code="INSTALLATION", quantity=2, billing="sbp")
        )
    ).json()["id"]
    async with signed_in_staff(app) as staff:
        for action in ("approve", "start"):
            await staff.post(f"/api/v1/staff/orders/{order_id}/{action}")
        logged = await staff.post(
            f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 60, "note": "x"}
        )
        assert logged.json()["credit_drawn"] == 0  # flat work is not drawn per minute
        done = await staff.post(f"/api/v1/staff/orders/{order_id}/complete")
        assert done.json()["status"] == "completed" and done.json()["credit_drawn"] == 480_000
    assert await ledger_is_consistent(me["company"]["id"]) == 520_000


async def test_expiry_books_exactly_the_unused_part_of_an_old_top_up(anonymous, app, plans) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 500_000, "old", valid_months=1)
        await top_up(admin, company_id, 200_000, "new", valid_months=12)
    manager = Actor(
        id=me["user"]["id"],
        email="",
        full_name="M",
        role=Role.CUSTOMER_MANAGER,
        company_id=company_id,
        language="cs",
    )
    # soonest-expiring first: 150 000 comes out of the old top-up
    await credit.draw(company_id, 150_000, credit.Booking(EntryKind.DRAW, actor=manager, note="work"))
    later = datetime.now(UTC) + timedelta(days=40)
    assert await credit.expire_credit(at=later) == 1
    expiry = await CreditEntry.select().where(CreditEntry.kind == "expiry").first()
    assert expiry["amount"] == -350_000
    assert await credit.expire_credit(at=later) == 0  # idempotent
    assert await credit.expire_credit(at=later + timedelta(days=1)) == 0
    assert await ledger_is_consistent(company_id) == 200_000


async def test_idempotent_top_up_sent_50_times_at_once_books_one_entry(anonymous, app, plans) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        responses = await asyncio.gather(
            *(top_up(admin, company_id, 1_000_000, "same-key") for _ in range(50))
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["entry"]["id"] for r in responses}) == 1
        assert sum(r.headers["idempotent-replayed"] == "false" for r in responses) == 1
        different = await top_up(admin, company_id, 999, "same-key")
        assert different.status_code == 409
    assert await CreditEntry.count() == 1
    assert await ledger_is_consistent(company_id) == 1_000_000


async def test_200_concurrent_draws_asking_twice_the_balance_never_overspend(anonymous, app, plans) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 100_000, "k1")
    actor = Actor(
        id=me["user"]["id"], email="", full_name="M", role=Role.STAFF, company_id=None, language="cs"
    )

    async def one_draw(n: int) -> bool:
        try:
            await credit.draw(
                company_id, 1_000, credit.Booking(EntryKind.DRAW, actor=actor, note=f"draw {n}")
            )
        except InsufficientCredit:
            return False
        return True

    results = await asyncio.gather(*(one_draw(n) for n in range(200)))
    assert sum(results) == 100
    assert await CreditEntry.count().where(CreditEntry.kind == "draw") == 100
    assert await ledger_is_consistent(company_id) == 0


async def test_concurrent_changes_share_transactions_yet_each_is_decided_on_its_own(
    anonymous, app, plans, monkeypatch
) -> None:
    """40 adjustments at once, each with its own key, asking 1.2 × the balance: they are booked
    in fewer transactions than requests (group commit), and exactly those that fit succeed."""
    company_id = (await register(anonymous))["company"]["id"]
    batches: list[int] = []
    write = changes.credit_changes._write

    async def counted(key, changes):
        batches.append(len(changes))
        return await write(key, changes)

    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 1_000_000, "start")
        monkeypatch.setattr(changes.credit_changes, "_write", counted)
        responses = await asyncio.gather(
            *(
                top_up(admin, company_id, -30_000, f"d{n}", kind="adjustment", note="Oprava")
                for n in range(40)
            )
        )
    statuses = [response.status_code for response in responses]
    assert statuses.count(201) == 33 and statuses.count(422) == 7  # 33 × 300 Kč fit in 10 000 Kč
    assert all("prepaid credit is left" in r.json()["detail"] for r in responses if r.status_code == 422)
    assert sum(batches) == 40 and len(batches) < 40
    assert await ledger_is_consistent(company_id) == 10_000
    entry_ids = {r.json()["entry"]["id"] for r in responses if r.status_code == 201}
    events = await AuditEvent.select(AuditEvent.object_id).where(AuditEvent.action == "credit.adjustment")
    assert {row["object_id"] for row in events} == entry_ids


async def staff_admin() -> Actor:
    """A staff admin as the credit services see one, for writing batches directly."""
    from backend.accounts.services import create_staff

    admin_id = await create_staff("admin@example.cz", "Admin", "a long password", admin=True)
    return Actor(
        id=admin_id,
        email="admin@example.cz",
        full_name="A",
        role=Role.STAFF_ADMIN,
        company_id=None,
        language="cs",
    )


async def test_a_batch_warns_the_managers_each_time_the_balance_falls_below_their_threshold(
    anonymous, plans
) -> None:
    from backend.credit.changes import Change, book_changes

    company_id = (await register(anonymous))["company"]["id"]
    assert (await anonymous.put("/api/v1/credit/threshold", json={"threshold": 25_000})).status_code == 200
    admin = await staff_admin()
    amounts = [50_000, -30_000, 30_000, -10_000, -30_000]  # 50 → 20 (below) → 50 → 40 → 10 (below)
    kinds = [
        EntryKind.TOPUP,
        EntryKind.ADJUSTMENT,
        EntryKind.TOPUP,
        EntryKind.ADJUSTMENT,
        EntryKind.ADJUSTMENT,
    ]
    results = await book_changes(
        company_id,
        [
            Change(admin, kind, amount, "Oprava", f"k{n}", 12, "")
            for n, (kind, amount) in enumerate(zip(kinds, amounts, strict=True))
        ],
    )
    assert all(not isinstance(result, Exception) for result in results)
    warnings = await OutboxMessage.select(OutboxMessage.context).where(OutboxMessage.kind == "low_credit")
    assert len(warnings) == 2
    assert await ledger_is_consistent(company_id) == 10_000


async def test_batches_of_two_app_processes_on_one_company_never_overspend(anonymous, app, plans) -> None:
    """Group commit batches within a process; across processes the account lock still orders
    the batches. 30 adjustments from this process and 30 from a `portal serve` at once, asking
    1.8 × the balance: exactly those that fit succeed, whichever process sent them."""
    company_id = (await register(anonymous))["company"]["id"]

    def adjustments(client, prefix: str):
        return [
            top_up(client, company_id, -30_000, f"{prefix}{n}", kind="adjustment", note="Oprava")
            for n in range(30)
        ]

    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as here:
        await top_up(here, company_id, 1_000_000, "start")
        with served_portal(os.environ["DATABASE_URL"]) as base:
            async with httpx.AsyncClient(base_url=base, timeout=30) as there:
                there.headers["x-csrftoken"] = (await there.get("/api/v1/auth/csrf")).json()["token"]
                assert (await login(there, "vedouci@example.cz")).status_code == 200
                there.headers["x-csrftoken"] = there.cookies["csrftoken"]  # signing in rotated it
                responses = await asyncio.gather(*adjustments(here, "here-"), *adjustments(there, "there-"))
    statuses = [response.status_code for response in responses]
    assert statuses.count(201) == 33 and statuses.count(422) == 27, statuses
    assert await ledger_is_consistent(company_id) == 10_000


async def test_a_batch_decides_its_changes_in_arrival_order(anonymous, plans) -> None:
    """One batch as the writer gets it: a repeated key replays, a key reused for another amount is
    a conflict, a draw beyond what the earlier changes left is refused, a top-up in the middle
    counts for the draws after it; the ledger reads as if booked one by one."""
    from backend.credit.changes import Change, book_changes

    company_id = (await register(anonymous))["company"]["id"]
    admin = await staff_admin()

    def change(amount: int, key: str, kind: EntryKind = EntryKind.ADJUSTMENT) -> Change:
        return Change(admin, kind, amount, "Oprava", key, 12, "192.0.2.1")

    results = await book_changes(
        company_id,
        [
            change(50_000, "top", EntryKind.TOPUP),
            change(-20_000, "a"),
            change(-20_000, "a"),  # the same request again
            change(-1_000, "a"),  # the same key, another amount
            change(-40_000, "b"),  # 30 000 left: refused
            change(30_000, "top-2", EntryKind.TOPUP),
            change(-40_000, "c"),  # 60 000 left now
        ],
    )
    top, drawn, replayed, conflict, refused, top_2, later = results
    assert top[1] and drawn[1] and top_2[1] and later[1]
    assert replayed == (drawn[0], False)
    assert isinstance(conflict, Conflict) and isinstance(refused, InsufficientCredit)
    assert [entry[0]["balance_after"] for entry in (top, drawn, top_2, later)] == [
        50_000,
        30_000,
        60_000,
        20_000,
    ]
    assert await ledger_is_consistent(company_id) == 20_000
    lots = {
        row["entry"]: row["id"]
        for row in await CreditLot.select(CreditLot.id, CreditLot.entry).where(
            CreditLot.company == company_id
        )
    }
    took = await CreditAllocation.select(CreditAllocation.lot, CreditAllocation.amount).where(
        CreditAllocation.entry == later[0]["id"]
    )
    # the rest of the first lot, then the lot the same batch opened
    assert sorted((row["lot"], row["amount"]) for row in took) == [
        (lots[top[0]["id"]], 30_000),
        (lots[top_2[0]["id"]], 10_000),
    ]

    events = await AuditEvent.select(
        AuditEvent.action, AuditEvent.actor_name, AuditEvent.client_address
    ).where(
        (AuditEvent.object_type == "credit_entry")
        & AuditEvent.object_id.is_in([entry[0]["id"] for entry in (top, drawn, top_2, later)])
    )
    assert {(e["action"], e["actor_name"], e["client_address"]) for e in events} == {
        ("credit.topup", "admin@example.cz", "192.0.2.1"),
        ("credit.adjustment", "admin@example.cz", "192.0.2.1"),
    } and len(events) == 4

    # a batch in which nothing is booked changes nothing
    assert isinstance((await book_changes(company_id, [change(-30_000, "d")]))[0], InsufficientCredit)
    assert await CreditEntry.count().where(CreditEntry.company == company_id) == 4


async def test_the_database_refuses_a_negative_balance(anonymous, plans) -> None:
    me = await register(anonymous)
    await CreditAccount.insert(CreditAccount(company=me["company"]["id"], balance=0))
    with pytest.raises(Exception, match=r"(?i)check"):
        await CreditAccount.update({CreditAccount.balance: -1}).where(
            CreditAccount.company == me["company"]["id"]
        )
    assert (await CreditAccount.select(CreditAccount.balance).first())["balance"] == 0


async def test_adjustments_need_a_reason_and_customers_cannot_book(anonymous, app, plans) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    assert (await top_up(anonymous, company_id, 100, "x")).status_code == 403
    async with signed_in_staff(app) as staff:
        assert (await top_up(staff, company_id, 100, "x")).status_code == 403
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 10_000, "t")
        no_reason = await top_up(admin, company_id, -500, "a1", kind="adjustment")
        assert no_reason.status_code == 422
        adjusted = await top_up(admin, company_id, -500, "a2", kind="adjustment", note="Oprava zápisu")
        assert adjusted.status_code == 201 and adjusted.json()["balance"] == 9_500
        too_much = await top_up(admin, company_id, -50_000, "a3", kind="adjustment", note="x")
        assert too_much.status_code == 422
        assert (
            await admin.post(
                "/api/v1/staff/companies/999999/credit", json={"amount": 1, "idempotency_key": "z"}
            )
        ).status_code == 404
    assert await ledger_is_consistent(company_id) == 9_500


async def test_ledger_pages_with_a_cursor_and_refuses_a_tampered_one(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        for n in range(7):
            await top_up(admin, me["company"]["id"], 1_000 + n, f"k{n}")
    first = (await anonymous.get("/api/v1/credit?limit=5")).json()
    assert len(first["entries"]) == 5 and first["next_cursor"]
    second = (await anonymous.get(f"/api/v1/credit?limit=5&cursor={first['next_cursor']}")).json()
    assert len(second["entries"]) == 2 and second["next_cursor"] is None
    assert (await anonymous.get("/api/v1/credit?cursor=AAAA")).status_code == 422
    assert len(first["history"]) == 13 and first["history"][-1]["balance"] == first["balance"]


async def test_other_companies_credit_is_not_visible(anonymous, app, plans) -> None:
    me = await register(anonymous)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, me["company"]["id"], 5_000, "k")
    async with make_client(app) as other:
        await register(other)
        assert (await other.get("/api/v1/credit")).json()["balance"] == 0
        assert (await other.get(f"/api/v1/staff/companies/{me['company']['id']}/credit")).status_code == 403


async def test_low_balance_and_expiry_warnings_go_to_the_outbox(anonymous, app, plans) -> None:
    me = await register(anonymous)
    company_id = me["company"]["id"]
    assert (await anonymous.put("/api/v1/credit/threshold", json={"threshold": 50_000})).status_code == 200
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 100_000, "k", valid_months=1)
    actor = Actor(
        id=me["user"]["id"], email="", full_name="M", role=Role.STAFF, company_id=None, language="cs"
    )
    await credit.draw(company_id, 40_000, credit.Booking(EntryKind.DRAW, actor=actor))
    assert await OutboxMessage.count().where(OutboxMessage.kind == "low_credit") == 0
    await credit.draw(company_id, 20_000, credit.Booking(EntryKind.DRAW, actor=actor))
    await credit.draw(company_id, 1_000, credit.Booking(EntryKind.DRAW, actor=actor))
    assert await OutboxMessage.count().where(OutboxMessage.kind == "low_credit") == 1  # on crossing only
    await credit.expire_credit(at=datetime.now(UTC) + timedelta(days=5))
    await credit.expire_credit(at=datetime.now(UTC) + timedelta(days=6))
    warnings = await OutboxMessage.select().where(OutboxMessage.kind == "credit_expiring")
    assert len(warnings) == 1 and warnings[0]["recipient_email"] == me["user"]["email"]


async def test_concurrent_work_logs_on_sbp_orders_never_overspend(anonymous, app, plans) -> None:
    """The real path: each log locks its order, then the company's credit account."""
    me = await register(anonymous)
    company_id = me["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await top_up(admin, company_id, 135_000 * 3, "k")  # three hours of macros at the SBP rate
    order_ids = []
    for n in range(4):
        created = await anonymous.post(
            "/api/v1/orders",
            json=order_payload(service_code="MACROS", quantity=0.75, billing="sbp", description=f"Makro {n}"),
        )
        order_ids.append(created.json()["id"])
    async with signed_in_staff(app) as staff:
        for order_id in order_ids:
            assert (await staff.post(f"/api/v1/staff/orders/{order_id}/approve")).status_code == 200
        responses = await asyncio.gather(
            *(
                staff.post(
                    f"/api/v1/staff/orders/{order_id}/work-logs", json={"minutes": 30, "note": f"část {n}"}
                )
                for n in range(4)
                for order_id in order_ids
            )
        )
    assert [r.status_code for r in responses] == [201] * 16  # beyond the credit, work is PAY
    assert await ledger_is_consistent(company_id) == 0
    logged = await ServiceOrder.select(ServiceOrder.logged_minutes, ServiceOrder.credit_drawn)
    assert sum(row["logged_minutes"] for row in logged) == 480
    assert sum(row["credit_drawn"] for row in logged) == 135_000 * 3  # never more than there was
    # 22,50 Kč a minute divides the 4 050 Kč exactly: 180 minutes on credit, the other 300 PAY
    work = await WorkLog.select(WorkLog.minutes, WorkLog.pay_minutes, WorkLog.credit_drawn)
    assert sum(row["pay_minutes"] for row in work) == 300
    assert all(row["credit_drawn"] == 2_250 * (row["minutes"] - row["pay_minutes"]) for row in work)
