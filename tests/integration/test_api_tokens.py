"""Personal API tokens: a read token reads and cannot write; revoked, expired or of a deactivated
owner, a token is 401 at once; bearer requests need no CSRF token and get no cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.clock import today
from tests.helpers import invite_and_join, make_client, register

pytestmark = pytest.mark.db


async def new_token(client, scope: str = "read", days: int = 30) -> str:
    response = await client.post(
        "/api/v1/me/tokens",
        json={
            "name": "Účetnictví",
            "scope": scope,
            "expires_on": (today() + timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


async def bearer(app, token: str):
    """A client that has never had a cookie nor a CSRF token."""
    import httpx

    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", headers={"authorization": f"Bearer {token}"}
    )


async def test_a_read_token_reads_and_cannot_write(app, anonymous) -> None:
    me = await register(anonymous)
    token = await new_token(anonymous)
    async with await bearer(app, token) as integration:
        got = await integration.get("/api/v1/me")
        assert got.status_code == 200 and got.json()["user"]["id"] == me["user"]["id"]
        assert "set-cookie" not in got.headers
        refused = await integration.patch("/api/v1/company", json={"city": "Praha"})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await anonymous.get("/api/v1/company")).json()["city"] == "Brno"


async def test_a_read_write_token_writes_without_csrf_and_gets_no_cookie(app, anonymous) -> None:
    await register(anonymous)
    token = await new_token(anonymous, scope="read_write")
    async with await bearer(app, token) as integration:
        changed = await integration.patch("/api/v1/company", json={"city": "Praha"})
        assert changed.status_code == 200, changed.text
        assert changed.json()["city"] == "Praha"
        assert "set-cookie" not in changed.headers
        # a token cannot manage the account's security
        assert (await integration.post("/api/v1/me/tokens", json={})).status_code in (400, 403)


async def test_revoked_and_expired_tokens_are_401_at_once(app, anonymous) -> None:
    await register(anonymous)
    token = await new_token(anonymous)
    listed = (await anonymous.get("/api/v1/me/tokens")).json()
    async with await bearer(app, token) as integration:
        assert (await integration.get("/api/v1/me")).status_code == 200
        revoked = await anonymous.post(f"/api/v1/me/tokens/{listed[0]['id']}/revoke")
        assert revoked.status_code == 204
        assert (await integration.get("/api/v1/me")).status_code == 401
    other = await new_token(anonymous)
    from backend.accounts.tables import ApiToken
    from backend.clock import now

    await ApiToken.update({ApiToken.expires_at: now() - timedelta(seconds=1)}).where(
        ApiToken.revoked_at.is_null()
    )
    async with await bearer(app, other) as integration:
        answer = await integration.get("/api/v1/me")
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_deactivated_owner_s_token_stops_working(app, db) -> None:
    async with make_client(app) as manager, make_client(app) as member:
        await register(manager)
        joined = await invite_and_join(manager, member, "clen@example.cz")
        token = await new_token(member)
        async with await bearer(app, token) as integration:
            assert (await integration.get("/api/v1/orders")).status_code == 200
            off = await manager.post(f"/api/v1/company/users/{joined['user']['id']}/deactivate")
            assert off.status_code == 200
            assert (await integration.get("/api/v1/orders")).status_code == 401


async def test_token_rules(anonymous) -> None:
    await register(anonymous)
    too_long = await anonymous.post(
        "/api/v1/me/tokens",
        json={"name": "x", "scope": "read", "expires_on": (today() + timedelta(days=400)).isoformat()},
    )
    assert too_long.status_code == 422
    token = await new_token(anonymous)
    listed = (await anonymous.get("/api/v1/me/tokens")).json()
    assert token not in str(listed) and listed[0]["scope"] == "read"


async def test_sessions_say_which_browser_and_system(app, db) -> None:
    async with make_client(app) as browser:
        browser.headers["user-agent"] = (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
        )
        await register(browser)
        sessions = (await browser.get("/api/v1/me/sessions")).json()
        assert sessions[0]["client"] == "Firefox 133 · Windows 10"
        page = await browser.get("/account")
        assert "Firefox 133 · Windows 10" in page.text


async def test_a_stranger_cannot_keep_the_owner_locked_out(app, db) -> None:
    """Failures count per account and address; the owner's own address still signs in."""
    import httpx

    from tests.helpers import PASSWORD, PortalClient, login, refresh_csrf

    async with make_client(app) as owner:
        email = (await register(owner))["user"]["email"]
        await owner.post("/api/v1/auth/logout")
        stranger_transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
        async with PortalClient(transport=stranger_transport, base_url="http://testserver.local") as stranger:
            await refresh_csrf(stranger)
            answers = [(await login(stranger, email, "wrong password!")).status_code for _ in range(8)]
            assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
        signed_in = await login(owner, email, PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
