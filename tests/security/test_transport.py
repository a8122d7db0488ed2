"""Behind HTTPS: Secure cookies and HSTS; every host name outside ALLOWED_HOSTS refused; the same
work for an unknown e-mail as for a wrong password."""

from __future__ import annotations

import pytest

from backend.settings import get_settings
from tests.helpers import login, make_client, register, registration

pytestmark = pytest.mark.db


@pytest.fixture
def https_settings(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://podpora.example.cz")
    monkeypatch.setenv("ALLOWED_HOSTS", "podpora.example.cz")
    get_settings.cache_clear()
    yield get_settings()
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_over_https_cookies_are_secure_and_hsts_is_sent(https_settings, db) -> None:
    from backend.app import create_app

    async with make_client(create_app(), base_url="https://podpora.example.cz") as client:
        response = await client.post("/api/v1/auth/register", json=registration())
        assert response.status_code == 201, response.text
        cookies = response.headers.get_list("set-cookie")
        session = next(cookie for cookie in cookies if cookie.startswith("portal_session="))
        assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        client.cookies.clear()
        fresh = await client.get("/api/v1/auth/csrf")
        csrf = next(
            cookie for cookie in fresh.headers.get_list("set-cookie") if cookie.startswith("csrftoken=")
        )
        assert "Secure" in csrf


async def test_hosts_outside_allowed_hosts_are_refused(https_settings, db) -> None:
    from backend.app import create_app

    async with make_client(create_app(), base_url="https://podpora.example.cz") as client:
        assert (await client.get("/")).status_code == 200
        for host in ("evil.example", "podpora.example.cz.evil.example", "127.0.0.1"):
            response = await client.get("/", headers={"host": host})
            assert response.status_code == 400, host


async def test_unknown_email_costs_the_same_password_hashing_as_a_wrong_password(
    anonymous, monkeypatch
) -> None:
    """Both failures run one argon2 verification, so response time does not tell which it was."""
    from backend.accounts import security

    await register(anonymous, email="known@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    verified: list[str] = []
    hasher = security._hasher

    class CountingHasher:
        def verify(self, hash_value, password):
            verified.append(hash_value)
            return hasher.verify(hash_value, password)

    monkeypatch.setattr(security, "_hasher", CountingHasher())
    assert (await login(anonymous, "nobody@example.cz", "wrong password!")).status_code == 401
    assert (await login(anonymous, "known@example.cz", "wrong password!")).status_code == 401
    assert len(verified) == 2 and all(value.startswith("$argon2id$") for value in verified)


@pytest.fixture
def portal_host(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.cz:8443")
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.cz")
    get_settings.cache_clear()
    yield get_settings()
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_allowed_hosts_match_whatever_the_port_and_refuse_with_a_problem(portal_host, db) -> None:
    from backend.app import create_app

    async with make_client(create_app(), base_url="https://portal.example.cz:8443") as client:
        served = await client.get("/api/v1/services", headers={"host": "portal.example.cz:8443"})
        assert served.status_code == 200
        assert (await client.get("/", headers={"host": "PORTAL.example.cz"})).status_code == 200
        refused = await client.get("/api/v1/services", headers={"host": "evil.example"})
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "evil.example" in refused.json()["detail"]
        page = await client.get("/", headers={"host": "evil.example:8443", "accept-language": "en"})
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert "Unknown host" in page.text and len(page.text) < 1000
        assert (await client.get("/health", headers={"host": "evil.example"})).status_code == 400
