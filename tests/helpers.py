"""Helpers shared by the integration and page tests."""

from __future__ import annotations

import itertools
from contextlib import asynccontextmanager
from typing import Any

import httpx

from backend.accounts.domain import ico_check_digit

PASSWORD = "correct horse battery"
_serial = itertools.count(1000001)


def valid_ico(seed: int | None = None) -> str:
    first_seven = f"{seed if seed is not None else next(_serial):07d}"[-7:]
    return first_seven + str(ico_check_digit(first_seven))


def wrong_check_digit(ico: str) -> str:
    return ico[:7] + str((int(ico[7]) + 1) % 10)


@asynccontextmanager
async def make_client(app, base_url: str = "http://testserver.local"):
    """An HTTP client on the app in the test's own event loop (the pool lives there too)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with PortalClient(transport=transport, base_url=base_url) as client:
        await refresh_csrf(client)
        yield client


class PortalClient(httpx.AsyncClient):
    """As the portal's pages do after signing in or out (a new page, a new token), the client
    sends its current session's CSRF token: once the csrftoken cookie changes, the default
    x-csrftoken header follows it. A header a test set by hand (forged, missing) stays as it is."""

    _seen: frozenset[str] = frozenset()

    async def send(self, request, **kwargs):
        default = self.headers.get("x-csrftoken")
        current = next((c.value for c in self.cookies.jar if c.name == "csrftoken"), None)
        if default and current and default != current and default in self._seen:
            if request.headers.get("x-csrftoken") == default:
                request.headers["x-csrftoken"] = current
            self.headers["x-csrftoken"] = current
        response = await super().send(request, **kwargs)
        self._seen = self._seen | {c.value for c in self.cookies.jar if c.name == "csrftoken"}
        return response


async def refresh_csrf(client) -> str:
    response = await client.get("/api/v1/auth/csrf")
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    client.headers["x-csrftoken"] = token
    return token


def registration(
    *, ico: str | None = None, email: str | None = None, name: str = "Test s.r.o.", **user: Any
) -> dict[str, Any]:
    ico = ico or valid_ico()
    return {
        "company": {"name": name, "ico": ico, "city": "Brno", "postal_code": "60200"},
        "user": {
            "email": email or f"manager-{ico}@example.cz",
            "password": user.get("password", PASSWORD),
            "full_name": user.get("full_name", "Jana Nováková"),
        },
    }


async def register(client, language: str = "cs", **kwargs: Any) -> dict[str, Any]:
    """Register through the API; the new user keeps ``language`` as their language."""
    response = await client.post(
        "/api/v1/auth/register", json=registration(**kwargs), headers={"accept-language": language}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def login(client, email: str, password: str = PASSWORD):
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def invite_and_join(manager_client, member_client, email: str, full_name: str = "Karel Člen") -> dict:
    """The manager invites ``email``; the member accepts through the link's token."""
    response = await manager_client.post("/api/v1/company/invitations", json={"email": email})
    assert response.status_code == 201, response.text
    token = response.json()["link"].rsplit("/", 1)[1]
    joined = await member_client.post(
        f"/api/v1/auth/invitations/{token}/accept", json={"full_name": full_name, "password": PASSWORD}
    )
    assert joined.status_code == 201, joined.text
    return joined.json()


async def load_catalogue() -> None:
    """The demo catalogue's seven services (TRAINING is hourly per day, INSTALLATION flat per piece)."""
    from backend.catalog.tables import Service
    from backend.demo import SERVICES

    for position, service in enumerate(SERVICES):
        await Service.insert(Service(**vars(service), sort_order=position))


@asynccontextmanager
async def signed_in_staff(
    app,
    email: str = "technik@example.cz",
    *,
    admin: bool = False,
    name: str = "Jana Technická",
    language: str = "en",
):
    """A client signed in as staff (the account is created when missing), speaking ``language``."""
    from backend.accounts.services import create_staff
    from backend.accounts.tables import PortalUser

    if not await PortalUser.exists().where(PortalUser.email == email):
        await create_staff(email, name, PASSWORD, admin=admin)
    async with make_client(app) as client:
        response = await login(client, email)
        assert response.status_code == 200, response.text
        await client.put("/api/v1/me/language", json={"language": language})
        yield client


def order_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "service_code": "TRAINING",
        "quantity": 2,
        "description": "Školení CATIA V5 pro tři konstruktéry: díly a sestavy.",
        "delivery": "onsite",
        "billing": "pay",
        **overrides,
    }


async def ledger_is_consistent(company_id: int) -> int:
    """The balance equals the sum of the ledger and of what remains in the lots, and the last
    entry's balance_after; it is never negative. Returns it."""
    from piccolo.query.functions.aggregate import Sum

    from backend.credit.tables import CreditAccount, CreditAllocation, CreditEntry, CreditLot

    account = await CreditAccount.select().where(CreditAccount.company == company_id).first()
    ledger = (
        await CreditEntry.select(Sum(CreditEntry.amount)).where(CreditEntry.company == company_id).first()
    )
    lots = await CreditLot.select(Sum(CreditLot.remaining)).where(CreditLot.company == company_id).first()
    last = (
        await CreditEntry.select(CreditEntry.balance_after)
        .where(CreditEntry.company == company_id)
        .order_by(CreditEntry.id, ascending=False)
        .first()
    )
    assert (
        account["balance"]
        == (ledger["sum"] or 0)
        == (lots["sum"] or 0)
        == (last["balance_after"] if last else 0)
    )
    assert account["balance"] >= 0
    # line by line: every lot has lost exactly what was allocated from it, every entry that took
    # credit (a draw, an expiry, a negative adjustment) took exactly its amount from lots, and the
    # running balance_after adds up entry by entry
    allocations = await CreditAllocation.select().where(
        CreditAllocation.lot.is_in(
            [row["id"] for row in await CreditLot.select(CreditLot.id).where(CreditLot.company == company_id)]
            or [0]
        )
    )
    by_lot: dict[int, int] = {}
    by_entry: dict[int, int] = {}
    for allocation in allocations:
        by_lot[allocation["lot"]] = by_lot.get(allocation["lot"], 0) + allocation["amount"]
        by_entry[allocation["entry"]] = by_entry.get(allocation["entry"], 0) + allocation["amount"]
    for lot in await CreditLot.select().where(CreditLot.company == company_id):
        assert lot["amount"] - lot["remaining"] == by_lot.get(lot["id"], 0), lot
    balance = 0
    for entry in await CreditEntry.select().where(CreditEntry.company == company_id).order_by(CreditEntry.id):
        balance += entry["amount"]
        assert entry["balance_after"] == balance, entry
        assert by_entry.get(entry["id"], 0) == (-entry["amount"] if entry["amount"] < 0 else 0), entry
    return account["balance"]
