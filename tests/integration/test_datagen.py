"""The benchmark's data generator writes what the services expect: the sizes asked for, a ledger
that adds up for every company, accounts that sign in, and the same rows for the same seed."""

from __future__ import annotations

import pytest

from backend.accounts.tables import Company
from backend.credit.tables import CreditAccount, CreditEntry
from backend.orders.tables import OrderEvent, ServiceOrder
from backend.tickets.tables import Ticket
from bench.datagen import BENCH_PASSWORD, HEAVY_MANAGER, SIZES, STAFF_ADMIN, write_data_set
from tests.conftest import _empty_tables
from tests.helpers import ledger_is_consistent, login

pytestmark = pytest.mark.db


async def _seeded_rows() -> tuple[list, list]:
    orders = await ServiceOrder.select(
        ServiceOrder.status, ServiceOrder.billing, ServiceOrder.quantity
    ).order_by(ServiceOrder.id)
    ledger = await CreditEntry.select(CreditEntry.kind, CreditEntry.amount).order_by(CreditEntry.id)
    return orders, ledger


async def test_s_has_its_sizes_a_consistent_ledger_and_accounts_that_sign_in(anonymous) -> None:
    size = SIZES["S"]
    counts = await write_data_set(size, seed=3)
    assert counts["company"] == await Company.count() == size.companies
    assert counts["service_order"] == await ServiceOrder.count() == size.orders
    assert counts["credit_entry"] == await CreditEntry.count() == size.ledger_entries
    assert counts["ticket"] == await Ticket.count() == size.tickets
    assert await ServiceOrder.count().where(ServiceOrder.company == 1) == size.heavy_orders
    assert await CreditEntry.count().where(CreditEntry.company == 1) == size.heavy_entries
    # every order's history ends in its status
    for order in await ServiceOrder.select(ServiceOrder.id, ServiceOrder.status):
        last = (
            await OrderEvent.select(OrderEvent.to_status)
            .where(OrderEvent.order == order["id"])
            .order_by(OrderEvent.id, ascending=False)
            .first()
        )
        assert last["to_status"] == order["status"]
    for account in await CreditAccount.select(CreditAccount.company):
        await ledger_is_consistent(account["company"])
    for email in (HEAVY_MANAGER, STAFF_ADMIN):
        assert (await login(anonymous, email, BENCH_PASSWORD)).status_code == 200


async def test_the_same_seed_writes_the_same_rows(db) -> None:
    await write_data_set(SIZES["S"], seed=5)
    first = await _seeded_rows()
    await _empty_tables()
    await write_data_set(SIZES["S"], seed=5)
    assert await _seeded_rows() == first
    await _empty_tables()
    await write_data_set(SIZES["S"], seed=6)
    assert await _seeded_rows() != first
