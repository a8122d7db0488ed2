"""The smaller holes found from outside (issue 19, item 6): each test here failed before its fix."""

from __future__ import annotations

import pytest

from backend.accounts.middleware import SESSION_COOKIE
from tests.helpers import PASSWORD, invite_and_join, login, make_client, register, registration

pytestmark = pytest.mark.db


async def test_the_email_check_is_throttled_per_client_address(app, anonymous) -> None:
    """30 probes for known addresses from one client: the hint stops well before 30, and it never
    says who the account belongs to."""
    known = [(await register(anonymous))["user"]["email"] for _ in range(3)]
    anonymous.cookies.clear()
    answered = 0
    for attempt in range(30):
        page = await anonymous.get(
            "/register/check/email", params={"email": known[attempt % 3]}, headers={"accept-language": "en"}
        )
        assert page.status_code in (200, 429)
        if "already exists" in page.text:
            answered += 1
    assert answered <= 10, answered


async def test_invitations_do_not_tell_a_manager_who_has_an_account_elsewhere(app, db) -> None:
    async with make_client(app) as other, make_client(app) as manager:
        stranger = (await register(other))["user"]["email"]
        await register(manager)
        response = await manager.post("/api/v1/company/invitations", json={"email": stranger})
        # the same answer as for an address nobody uses: the mailbox's owner learns the rest
        assert response.status_code == 201, response.text


async def test_a_foreign_origin_is_refused_on_unsafe_requests(anonymous) -> None:
    response = await anonymous.post(
        "/api/v1/auth/register", json=registration(), headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    referred = await anonymous.post(
        "/api/v1/auth/register", json=registration(), headers={"referer": "https://evil.example/x"}
    )
    assert referred.status_code == 403
    same = await anonymous.post(
        "/api/v1/auth/register", json=registration(), headers={"origin": "http://testserver.local"}
    )
    assert same.status_code == 201, same.text


async def test_a_csrf_token_from_another_session_is_refused(app, db) -> None:
    async with make_client(app) as victim, make_client(app) as attacker:
        await register(victim)
        await register(attacker)
        # the attacker's own (valid, signed) token, planted with the victim's session
        victim.headers["x-csrftoken"] = attacker.headers["x-csrftoken"]
        victim.cookies.set("csrftoken", attacker.cookies["csrftoken"])
        response = await victim.post("/api/v1/me/sessions/end-others")
        assert response.status_code == 403, response.text


async def test_the_csrf_token_is_rotated_at_sign_in(app, anonymous) -> None:
    email = (await register(anonymous))["user"]["email"]
    before = anonymous.cookies["csrftoken"]
    await anonymous.post("/api/v1/auth/logout")
    signed_in = await login(anonymous, email)
    assert signed_in.status_code == 200, signed_in.text
    assert anonymous.cookies["csrftoken"] != before


@pytest.mark.parametrize(
    "name", ["Evil\u202eeciovni s.r.o.", "\u200b\u200b\u2060", "\u2067ACME\u2069", "\u00ad\u200d"]
)
async def test_bidi_controls_and_invisible_only_names_are_refused(anonymous, name) -> None:
    for where in ("company", "user"):
        body = registration()
        body[where]["name" if where == "company" else "full_name"] = name
        response = await anonymous.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422, (where, response.text)
        assert response.json()["errors"]


async def test_invitations_of_a_deactivated_inviter_stop_working(app, db) -> None:
    async with make_client(app) as boss, make_client(app) as deputy, make_client(app) as newcomer:
        await register(boss)
        joined = await invite_and_join(boss, deputy, "deputy@example.cz")
        # the deputy becomes a manager and invites someone, then the boss deactivates the deputy
        from backend.accounts.tables import PortalUser

        await PortalUser.update({PortalUser.role: "customer_manager"}).where(
            PortalUser.id == joined["user"]["id"]
        )
        invited = await deputy.post("/api/v1/company/invitations", json={"email": "new@example.cz"})
        assert invited.status_code == 201, invited.text
        token = invited.json()["link"].rsplit("/", 1)[1]
        off = await boss.post(f"/api/v1/company/users/{joined['user']['id']}/deactivate")
        assert off.status_code == 200, off.text
        accepted = await newcomer.post(
            f"/api/v1/auth/invitations/{token}/accept", json={"full_name": "Nový", "password": PASSWORD}
        )
        assert accepted.status_code in (404, 410, 422), accepted.text
        assert SESSION_COOKIE not in accepted.cookies
        page = await newcomer.get(f"/invitations/{token}")
        assert page.status_code == 410


def test_answers_do_not_name_the_server() -> None:
    """uvicorn, the default and the Docker image's server (granian has no switch for its header)."""
    import os

    import httpx

    from tests.processes import served_portal

    with served_portal(os.environ["DATABASE_URL"], PORTAL_SERVER="uvicorn") as base:
        for path in ("/health", "/", "/api/v1/services"):
            response = httpx.get(base + path)
            assert response.status_code == 200
            assert "server" not in response.headers, (path, response.headers["server"])
