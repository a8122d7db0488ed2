"""Bad input gets a clear 4xx and changes nothing; every answer carries the browser protections."""

from __future__ import annotations

import asyncio

import pytest

from backend.accounts.tables import Company, Invitation, PortalUser
from backend.orders.tables import ServiceOrder
from tests.helpers import PASSWORD, make_client, register, registration, signed_in_staff

pytestmark = pytest.mark.db


async def test_nul_characters_are_refused_before_they_reach_the_database(anonymous) -> None:
    payload = registration()
    payload["company"]["name"] = "Firma\u0000 s.r.o."
    response = await anonymous.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    login = await anonymous.post("/api/v1/auth/login", json={"email": "a\u0000@b.cz", "password": "x" * 12})
    assert login.status_code == 400
    assert (await anonymous.get("/register/check/email?email=a%00@b.cz")).status_code == 400
    form = await anonymous.post("/login", data={"email": "a\x00@b.cz", "password": "x"})
    assert form.status_code == 400
    assert await Company.count() == 0


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(anonymous) -> None:
    payload = registration(name="Cesta C:\\\\u0000 s.r.o.")
    response = await anonymous.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("user_id", ["2147483648", "9223372036854775808", "0", "-1", "abc"])
async def test_out_of_range_ids_are_4xx_not_500(anonymous, user_id: str) -> None:
    await register(anonymous)
    for path in (
        f"/api/v1/company/users/{user_id}/deactivate",
        f"/api/v1/company/invitations/{user_id}/revoke",
        f"/company/users/{user_id}/deactivate",
    ):
        response = await anonymous.post(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)


async def test_malformed_json_says_why(anonymous) -> None:
    response = await anonymous.post(
        "/api/v1/auth/login",
        content=b'{"email": "a@b.cz", "password": ',
        headers={"content-type": "application/json", "accept-language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request could not be read")


async def test_security_headers_on_pages_api_and_errors(anonymous) -> None:
    for path in ("/", "/api/v1/services", "/no-such-page", "/static/portal.css"):
        response = await anonymous.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_signed_in_pages_are_not_cached(anonymous) -> None:
    assert "no-store" not in (await anonymous.get("/")).headers.get("cache-control", "")
    await register(anonymous)
    assert (await anonymous.get("/company")).headers["cache-control"] == "no-store"
    assert (await anonymous.get("/api/v1/me")).headers["cache-control"] == "no-store"


async def test_htmx_errors_land_in_the_alert_area(anonymous) -> None:
    await register(anonymous, language="en")
    invitation = (await anonymous.post("/api/v1/company/invitations", json={"email": "x@example.cz"})).json()
    await anonymous.post(f"/api/v1/company/invitations/{invitation['id']}/revoke")
    again = await anonymous.post(
        f"/company/invitations/{invitation['id']}/revoke", headers={"hx-request": "true"}
    )
    assert again.status_code == 422
    assert again.headers["hx-retarget"] == "#alerts"
    assert again.text.lstrip().startswith('<div class="alert" role="alert">')
    assert "Only a pending invitation can be revoked." in again.text


async def test_htmx_request_after_sign_out_redirects_the_whole_page(anonymous, app) -> None:
    async with make_client(app) as stranger:
        response = await stranger.post(
            "/company/invitations",
            data={"email": "x@example.cz"},
            headers={"hx-request": "true", "hx-current-url": "http://testserver.local/company"},
        )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=/company"


async def test_an_invitation_accepted_twice_at_once_makes_one_account(anonymous, app) -> None:
    await register(anonymous)
    link = (await anonymous.post("/api/v1/company/invitations", json={"email": "race@example.cz"})).json()[
        "link"
    ]
    token = link.rsplit("/", 1)[1]

    async def accept(n: int) -> int:
        async with make_client(app) as client:
            response = await client.post(
                f"/api/v1/auth/invitations/{token}/accept",
                json={"full_name": f"Racer {n}", "password": PASSWORD},
            )
            return response.status_code

    statuses = await asyncio.gather(*(accept(n) for n in range(4)))
    assert sorted(statuses)[0] == 201 and statuses.count(201) == 1
    assert all(status in (201, 409, 422) for status in statuses)
    assert await PortalUser.count().where(PortalUser.email == "race@example.cz") == 1


async def test_a_revoked_invitation_cannot_be_accepted(anonymous, app) -> None:
    await register(anonymous)
    created = (await anonymous.post("/api/v1/company/invitations", json={"email": "late@example.cz"})).json()
    token = created["link"].rsplit("/", 1)[1]
    assert (await anonymous.post(f"/api/v1/company/invitations/{created['id']}/revoke")).status_code == 200
    async with make_client(app) as client:
        response = await client.post(
            f"/api/v1/auth/invitations/{token}/accept", json={"full_name": "Late", "password": PASSWORD}
        )
    assert response.status_code == 422
    assert await Invitation.count().where(Invitation.accepted_at.is_not_null()) == 0


async def test_hostile_bodies_are_4xx_problems_and_change_nothing(anonymous) -> None:
    """10 MB bodies, deep nesting, invalid UTF-8, huge numbers: each a 4xx problem, nothing stored."""
    await register(anonymous, language="en")
    orders_before = await ServiceOrder.count()
    json_header = {"content-type": "application/json"}
    cases = {
        "10 MB body": b'{"subject": "' + b"x" * (10 * 1024 * 1024) + b'"}',
        "deep nesting": b'{"subject": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "invalid UTF-8": b'{"service_code": "\xff\xfe\xfa", "quantity": "1"}',
        "huge number": b'{"service_code": "TRAINING", "quantity": 1' + b"0" * 5000 + b"}",
        "huge integer id": b'{"plan_code": 99999999999999999999999999999999999}',
        "not an object": b"[1, 2, 3]",
    }
    for name, body in cases.items():
        for path in ("/api/v1/orders", "/api/v1/tickets", "/api/v1/subscriptions"):
            response = await anonymous.post(path, content=body, headers=json_header)
            assert 400 <= response.status_code < 500, (name, path, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json"), (name, path)
            assert response.json()["detail"], (name, path)
    assert await ServiceOrder.count() == orders_before
    for form in (b"email=%FF%FE&password=x", b"email=\xff\xfe&password=x"):
        page = await anonymous.post(
            "/login", content=form, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert 400 <= page.status_code < 500 and "text/html" in page.headers["content-type"], page.status_code


async def test_huge_numbers_in_the_query_string_are_4xx(anonymous, app) -> None:
    await register(anonymous)
    async with signed_in_staff(app, admin=True) as admin:
        for path in (
            "/api/v1/staff/audit?company_id=99999999999999999999",
            "/api/v1/staff/audit?actor_id=2147483648",
            "/api/v1/staff/audit?object_id=-5",
            "/api/v1/staff/audit?limit=99999999999999999999999",
            "/api/v1/staff/audit?since=1700000000",
            "/api/v1/staff/audit?since=0001-01-01T00:00:00%2B01:00",
            "/api/v1/staff/audit?until=9999-12-31T23:59:59-01:00",
            "/staff/audit?until=9999-12-31",
            "/staff/audit?since=0001-01-01",
            "/api/v1/staff/orders?limit=-1",
            "/api/v1/staff/companies/99999999999999999999/credit",
        ):
            response = await admin.get(path)
            assert 400 <= response.status_code < 500, (path, response.status_code)
    for path in ("/api/v1/orders?limit=1e309", "/api/v1/credit?limit=0", "/api/v1/tickets?limit=NaN"):
        response = await anonymous.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "eyJpZCI6IDF9",  # base64 of JSON, but not one the portal wrote
        "MjAyNi0xMS0yNVQxMDowMDowMHw5OTk5OTk5OTk5OTk5OQ",  # a real shape with an id past 32 bits
        "%00",
        "A" * 5000,
    ],
)
async def test_tampered_pagination_cursors_are_4xx(anonymous, app, cursor: str) -> None:
    await register(anonymous)
    async with signed_in_staff(app, admin=True) as admin:
        for client, path in (
            (anonymous, "/api/v1/orders"),
            (anonymous, "/api/v1/credit"),
            (anonymous, "/api/v1/tickets"),
            (admin, "/api/v1/staff/orders"),
            (admin, "/api/v1/staff/audit"),
        ):
            response = await client.get(path, params={"cursor": cursor})
            assert 400 <= response.status_code < 500, (path, cursor, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json")
