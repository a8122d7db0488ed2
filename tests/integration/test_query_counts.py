"""Lists cost a fixed number of queries, whatever the number of orders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from backend.db import DB
from backend.orders.tables import OrderEvent, ServiceOrder
from bench.datagen import BENCH_PASSWORD, HEAVY_MANAGER, SIZES, STAFF, Size, write_data_set
from tests.helpers import load_catalogue, order_payload, register, signed_in_staff

pytestmark = pytest.mark.db


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Every statement the app sends to the database while the block runs."""
    statements: list[str] = []
    engine_class = type(DB)  # engines use __slots__: wrap the method on the class
    original = engine_class.run_querystring

    async def counting(self, querystring, *args, **kwargs):
        statements.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    try:
        yield statements
    finally:
        engine_class.run_querystring = original  # type: ignore[method-assign]


async def add_orders(company_id: int, user_id: int, service_id: int, count: int, start: int) -> None:
    """Bulk-insert submitted orders with their first history entry."""
    orders = [
        ServiceOrder(
            number=f"OBJ-2000-{start + n:05d}",
            company=company_id,
            service=service_id,
            created_by=user_id,
            status="submitted",
            billing="pay",
            quantity=100,
            unit="day",
            description=f"Bulk {n}",
            delivery="remote",
            unit_price=1_800_000,
            vat_rate=21,
            estimate_net=1_800_000,
            estimate_vat=378_000,
            estimate_gross=2_178_000,
        )
        for n in range(count)
    ]
    ids = [row["id"] for row in await ServiceOrder.insert(*orders).returning(ServiceOrder.id)]
    await OrderEvent.insert(
        *(
            OrderEvent(order=order_id, actor=user_id, actor_name="Bulk", to_status="submitted")
            for order_id in ids
        )
    )


async def query_counts(customer, staff) -> dict[str, int]:
    counts = {}
    for name, client, path in (
        ("api orders", customer, "/api/v1/orders"),
        ("orders page", customer, "/orders"),
        ("api staff queue", staff, "/api/v1/staff/orders"),
        ("staff queue page", staff, "/staff/orders"),
    ):
        with counted_queries() as statements:
            response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        counts[name] = len(statements)
    return counts


async def test_order_lists_run_the_same_queries_with_10_and_1000_orders(anonymous, app, db) -> None:
    await load_catalogue()
    me = await register(anonymous)
    first = await anonymous.post("/api/v1/orders", json=order_payload())
    service_id = (await ServiceOrder.select(ServiceOrder.service).first())["service"]
    assert first.status_code == 201
    await add_orders(me["company"]["id"], me["user"]["id"], service_id, 9, start=1)
    async with signed_in_staff(app) as staff:
        with_10 = await query_counts(anonymous, staff)
        await add_orders(me["company"]["id"], me["user"]["id"], service_id, 990, start=100)
        assert await ServiceOrder.count() == 1000
        with_1000 = await query_counts(anonymous, staff)
    assert with_10 == with_1000
    # the session and the page of orders; the API adds their history entries and linked tickets,
    # which the pages do not show; the staff page adds the engineers to assign
    assert with_1000 == {"api orders": 4, "orders page": 2, "api staff queue": 4, "staff queue page": 3}


# --- every page and list the benchmark loads: the same queries on the S and the L data set ------------

# The L data set (100 000 orders, 1 000 000 ledger entries) takes minutes to write, too long for the
# suite; this is its shape at a twentieth: the heavy customer holds several pages of orders, ledger
# entries and tickets, the staff queues are full pages, where S has fewer rows than a page.
L_SHAPE = Size(
    "L/20", companies=50, orders=5_000, ledger_entries=50_000, tickets=2_500,
    heavy_orders=250, heavy_entries=2_500, heavy_tickets=125,
)  # fmt: skip
BENCH_PAGES = (
    ("customer", "/api/v1/services"),
    ("customer", "/company"),
    ("customer", "/orders"),
    ("customer", "/api/v1/orders"),
    ("customer", "/tickets"),
    ("customer", "/api/v1/tickets"),
    ("customer", "/credit"),
    ("customer", "/api/v1/credit"),
    ("staff", "/staff/orders"),
    ("staff", "/api/v1/staff/orders"),
    ("staff", "/staff/tickets"),
    ("staff", "/api/v1/staff/tickets"),
)


async def bench_page_counts(app, size: Size) -> dict[str, int]:
    from tests.conftest import _empty_tables
    from tests.helpers import login, make_client

    await _empty_tables()
    await write_data_set(size, seed=7)
    counts = {}
    async with make_client(app) as customer, make_client(app) as staff:
        for client, email in ((customer, HEAVY_MANAGER), (staff, STAFF)):
            response = await login(client, email, BENCH_PASSWORD)
            assert response.status_code == 200, response.text
        clients = {"customer": customer, "staff": staff}
        for who, path in BENCH_PAGES:
            await clients[who].get(path)  # a first visit may book due expiry or touch the session
            with counted_queries() as statements:
                response = await clients[who].get(path)
            assert response.status_code == 200, (path, response.text[:500])
            counts[path] = len(statements)
    return counts


async def test_benchmarked_pages_run_the_same_queries_on_s_and_on_the_l_shape(app, db) -> None:
    small = await bench_page_counts(app, SIZES["S"])
    large = await bench_page_counts(app, L_SHAPE)
    assert small == large
