"""db.Prepared: a select built once answers exactly as Piccolo's select does, each run with its
own values, inside the caller's transaction when there is one."""

from __future__ import annotations

import pytest

from backend.accounts.tables import Company, PortalUser, UserSession
from backend.db import Param, Prepared, write_transaction
from backend.orders.queries import _order_columns
from backend.orders.tables import ServiceOrder
from tests.helpers import load_catalogue, make_client, order_payload, register

pytestmark = pytest.mark.db

ORDERS_OF = Prepared(
    lambda: (
        ServiceOrder.select(*_order_columns())
        .where(ServiceOrder.company == Param("company"))
        .order_by(ServiceOrder.id, ascending=False)
        .limit(10)
    )
)


async def test_rows_are_those_of_the_same_piccolo_select_with_each_runs_values(anonymous, app, db) -> None:
    """Joined columns, dates, timestamps, numbers, texts and NULLs come back the same."""
    await load_catalogue()
    mine = (await register(anonymous))["company"]["id"]
    for payload in (order_payload(), order_payload(service_code="MACROS", quantity=3, preferred_date=None)):
        assert (await anonymous.post("/api/v1/orders", json=payload)).status_code == 201
    async with make_client(app) as other:
        theirs = (await register(other))["company"]["id"]
        assert (await other.post("/api/v1/orders", json=order_payload())).status_code == 201

    for company in (mine, theirs):
        expected = (
            await ServiceOrder.select(*_order_columns())
            .where(ServiceOrder.company == company)
            .order_by(ServiceOrder.id, ascending=False)
            .limit(10)
        )
        assert await ORDERS_OF.rows(company=company) == expected
    assert len(await ORDERS_OF.rows(company=mine)) == 2
    assert await ORDERS_OF.first(company=0) is None


async def test_a_session_row_keeps_its_types(anonymous, db) -> None:
    await register(anonymous)
    session = Prepared(
        lambda: (
            UserSession.select(UserSession.expires_at, UserSession.user.is_active.as_alias("active"))
            .where(UserSession.user.email == Param("email"))
            .first()
        )
    )
    email = (await PortalUser.select(PortalUser.email).first())["email"]
    row = await session.first(email=email)
    assert (
        row
        == await UserSession.select(
            UserSession.expires_at, UserSession.user.is_active.as_alias("active")
        ).first()
    )
    assert row["active"] is True and row["expires_at"].tzinfo is not None


async def test_it_runs_inside_the_callers_transaction(db) -> None:
    company_named = Prepared(lambda: Company.select(Company.name).where(Company.ico == Param("ico")).first())

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback):
        async with write_transaction():
            await Company.insert(Company(name="Nová s.r.o.", ico="27074358"))
            assert await company_named.first(ico="27074358") == {"name": "Nová s.r.o."}
            raise Rollback
    assert await company_named.first(ico="27074358") is None


async def test_json_columns_come_back_as_piccolos_select_gives_them(anonymous, app, db) -> None:
    """The ALC contract's products list (a JSON column) read by the dashboard."""
    from backend.alc.tables import AlcContract
    from tests.helpers import signed_in_staff

    company = (await register(anonymous))["company"]["id"]
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        created = await admin.post(
            f"/api/v1/staff/companies/{company}/alc-contracts",
            json={
                "products": ["CATIA V5", "ENOVIA"],
                "valid_from": "2026-01-01",
                "valid_until": "2030-12-31",
            },
        )
        assert created.status_code == 201, created.text
    contracts = Prepared(lambda: AlcContract.select().where(AlcContract.company == Param("company")))
    rows = await contracts.rows(company=company)
    assert rows == await AlcContract.select().where(AlcContract.company == company)
    assert len(rows) == 1 and "ENOVIA" in str(rows[0]["products"])
