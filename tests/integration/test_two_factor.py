"""Two-factor sign-in (TOTP): enrolment, the code step, no replay, recovery codes once, throttling
of wrong codes, disabling, the staff admin's reset, and staff refused without it when required."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from backend.clock import now
from backend.settings import get_settings
from tests.helpers import PASSWORD, login, make_client, register, signed_in_staff

pytestmark = pytest.mark.db


async def enrol(client) -> tuple[str, list[str]]:
    started = await client.post("/api/v1/me/two-factor/enrolment")
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["qr_svg"].startswith("<svg") and body["secret"] in body["otpauth_uri"]
    confirmed = await client.post(
        "/api/v1/me/two-factor/confirm", json={"code": pyotp.TOTP(body["secret"]).now()}
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return body["secret"], codes


def next_code(secret: str) -> str:
    """The confirmation took the current step; the next one (accepted a step early) is new."""
    return pyotp.TOTP(secret).at(now() + timedelta(seconds=30))


async def password_step(client, email: str) -> str:
    response = await login(client, email)
    assert response.status_code == 202, response.text
    assert "portal_session" not in response.cookies
    return response.json()["challenge"]


async def test_enrolment_then_sign_in_with_a_code_and_no_replay(app, db) -> None:
    async with make_client(app) as client:
        email = (await register(client))["user"]["email"]
        secret, _codes = await enrol(client)
        assert (await client.get("/api/v1/me/two-factor")).json()["enabled"] is True
        await client.post("/api/v1/auth/logout")
        challenge = await password_step(client, email)
        code = next_code(secret)
        signed_in = await client.post("/api/v1/auth/login/code", json={"challenge": challenge, "code": code})
        assert signed_in.status_code == 200, signed_in.text
        assert (await client.get("/api/v1/me")).status_code == 200
        await client.post("/api/v1/auth/logout")
        again = await password_step(client, email)
        replayed = await client.post("/api/v1/auth/login/code", json={"challenge": again, "code": code})
        assert replayed.status_code == 422
        assert (await client.get("/api/v1/me")).status_code == 401


async def test_recovery_codes_work_once(app, db) -> None:
    async with make_client(app) as client:
        email = (await register(client))["user"]["email"]
        _secret, codes = await enrol(client)
        await client.post("/api/v1/auth/logout")
        first = await client.post(
            "/api/v1/auth/login/code",
            json={"challenge": await password_step(client, email), "code": codes[0]},
        )
        assert first.status_code == 200, first.text
        assert (await client.get("/api/v1/me/two-factor")).json()["recovery_codes_left"] == 9
        await client.post("/api/v1/auth/logout")
        second = await client.post(
            "/api/v1/auth/login/code",
            json={"challenge": await password_step(client, email), "code": codes[0]},
        )
        assert second.status_code == 422


async def test_wrong_codes_are_throttled_like_passwords(app, db) -> None:
    """Password steps and wrong codes count together; a new challenge does not reset the count."""
    async with make_client(app) as client:
        email = (await register(client))["user"]["email"]
        await enrol(client)
        await client.post("/api/v1/auth/logout")
        answers = []
        for _ in range(4):
            step = await login(client, email)
            answers.append(step.status_code)
            if step.status_code != 202:
                continue
            for _ in range(2):
                wrong = await client.post(
                    "/api/v1/auth/login/code", json={"challenge": step.json()["challenge"], "code": "000000"}
                )
                answers.append(wrong.status_code)
        limit = get_settings().login_failures_per_account
        assert all(status in (202, 422) for status in answers[:limit]), answers
        assert set(answers[limit:]) == {429}, answers


async def test_disabling_needs_the_password_and_a_code(app, db) -> None:
    async with make_client(app) as client:
        await register(client)
        _secret, codes = await enrol(client)
        no_code = await client.post(
            "/api/v1/me/two-factor/disable", json={"password": PASSWORD, "code": "123456"}
        )
        assert no_code.status_code == 422
        bad_password = await client.post(
            "/api/v1/me/two-factor/disable", json={"password": "not the password", "code": codes[1]}
        )
        assert bad_password.status_code == 422
        off = await client.post(
            "/api/v1/me/two-factor/disable", json={"password": PASSWORD, "code": codes[2]}
        )
        assert off.status_code == 204, off.text
        assert (await client.get("/api/v1/me/two-factor")).json()["enabled"] is False


@pytest.fixture
def staff_must_use_two_factor(monkeypatch):
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_FOR_STAFF", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_staff_are_refused_without_a_second_factor_when_it_is_required(
    app, db, staff_must_use_two_factor
) -> None:
    async with signed_in_staff(app) as staff:
        refused = await staff.get("/api/v1/staff/orders")
        assert refused.status_code == 403
        assert (await staff.get("/staff/orders")).status_code == 403
        token = await staff.post(
            "/api/v1/me/tokens", json={"name": "x", "scope": "read", "expires_on": "2099-01-01"}
        )
        assert token.status_code in (403, 422)
        await enrol(staff)
        assert (await staff.get("/api/v1/staff/orders")).status_code == 200
        off = await staff.post("/api/v1/me/two-factor/disable", json={"password": PASSWORD, "code": "x"})
        assert off.status_code == 403


async def test_the_staff_admin_resets_a_second_factor_audited_and_emailed(app, db, smtp) -> None:
    from backend.audit.tables import AuditEvent
    from backend.notifications.sender import send_all_due

    async with make_client(app) as client:
        me = await register(client)
        await enrol(client)
        async with signed_in_staff(app, "sef@example.cz", admin=True) as boss:
            reset = await boss.post(f"/api/v1/staff/users/{me['user']['id']}/two-factor/reset")
            assert reset.status_code == 204, reset.text
        assert (await client.get("/api/v1/me/two-factor")).json()["enabled"] is False
        assert await AuditEvent.exists().where(AuditEvent.action == "user.two_factor_reset")
        await send_all_due()
        assert any(m["To"] == me["user"]["email"] for m in smtp.inbox.messages)
        again = await login(client, me["user"]["email"])
        assert again.status_code == 200
