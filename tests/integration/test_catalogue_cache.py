"""The catalogue list an app process keeps for a few seconds: a change made through the portal is
seen at once, and the kept list costs no query."""

from __future__ import annotations

import dataclasses

import pytest

from backend.catalog import services
from backend.catalog.schemas import ServiceChange
from backend.settings import get_settings
from tests.helpers import load_catalogue
from tests.integration.test_query_counts import counted_queries

pytestmark = pytest.mark.db


@pytest.fixture
def kept_for_a_minute(monkeypatch):
    settings = dataclasses.replace(get_settings(), catalogue_cache_seconds=60)
    monkeypatch.setattr(services, "get_settings", lambda: settings)
    services.forget_listed_services()
    yield
    services.forget_listed_services()


async def test_a_kept_catalogue_costs_no_query_and_a_change_is_seen_at_once(db, kept_for_a_minute) -> None:
    from backend.accounts.services import actor_from_row, create_staff
    from backend.accounts.tables import PortalUser

    await load_catalogue()
    first = await services.list_services()
    with counted_queries() as statements:
        again = await services.list_services()
    assert statements == [] and again == first

    await create_staff("admin@example.cz", "Admin", "correct horse battery", admin=True)
    admin = actor_from_row(await PortalUser.select().where(PortalUser.email == "admin@example.cz").first())
    await services.change_service(admin, "TRAINING", ServiceChange(pay_price=1_900_000))
    training = next(s for s in await services.list_services() if s.code == "TRAINING")
    assert training.pay_price == 1_900_000
