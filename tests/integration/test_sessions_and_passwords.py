"""Sessions, sign-in throttling, password change and reset (ASVS V6 and V7)."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import timedelta

import httpx
import pytest

from backend.accounts.security import token_hash
from backend.accounts.tables import LoginFailure, PasswordReset, PortalUser, UserSession
from backend.clock import now
from backend.notifications.sender import send_all_due
from backend.notifications.tables import OutboxMessage
from tests.helpers import PASSWORD, login, make_client, refresh_csrf, register
from tests.integration.test_readiness import portal_server

pytestmark = pytest.mark.db

NEW_PASSWORD = "a much better passphrase"


async def fail_logins(client, email: str, times: int) -> list[int]:
    return [(await login(client, email, "wrong password!")).status_code for _ in range(times)]


async def test_repeated_failures_throttle_the_account_even_with_the_right_password(anonymous) -> None:
    anonymous.headers["accept-language"] = "en"
    await register(anonymous, email="victim@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    assert await fail_logins(anonymous, "victim@example.cz", 5) == [401] * 5

    refused = await login(anonymous, "victim@example.cz", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "15 min" in refused.json()["detail"] and "reset your password" in refused.json()["detail"]
    assert "portal_session" not in refused.cookies
    # the refusal itself is not counted, so knocking on does not lengthen it
    assert await LoginFailure.count() == 5

    # once the failures are older than the window, the right password works again
    await LoginFailure.update({LoginFailure.at: now() - timedelta(minutes=16)}).where(LoginFailure.id > 0)
    assert (await login(anonymous, "victim@example.cz", PASSWORD)).status_code == 200
    assert await LoginFailure.count() == 0


async def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit(anonymous) -> None:
    await register(anonymous, email="burst@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    answers = await asyncio.gather(
        *(login(anonymous, "burst@example.cz", "wrong password!") for _ in range(30))
    )
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 30, statuses
    assert await LoginFailure.count() == statuses.count(401)


async def test_unknown_addresses_are_throttled_the_same_way(anonymous) -> None:
    await register(anonymous, email="known@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    await fail_logins(anonymous, "known@example.cz", 5)
    await fail_logins(anonymous, "nobody@example.cz", 5)
    known = await login(anonymous, "known@example.cz")
    unknown = await login(anonymous, "nobody@example.cz")
    assert known.status_code == unknown.status_code == 429
    assert known.json()["detail"] == unknown.json()["detail"]


async def test_one_client_address_guessing_many_accounts_is_throttled(anonymous, app) -> None:
    await register(anonymous, email="other@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    for number in range(20):  # 20 different accounts, one failure each: no account is throttled
        assert (await login(anonymous, f"guess{number}@example.cz", "wrong password!")).status_code == 401
    assert (await login(anonymous, "other@example.cz")).status_code == 429
    # another address is not affected
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as elsewhere:
        csrf = (await elsewhere.get("/api/v1/auth/csrf")).json()["token"]
        elsewhere.headers["x-csrftoken"] = csrf
        assert (await login(elsewhere, "other@example.cz")).status_code == 200


async def test_the_sign_in_page_says_so_inline_without_blaming_the_fields(anonymous) -> None:
    await register(anonymous, email="page@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    await fail_logins(anonymous, "page@example.cz", 5)
    page = await anonymous.post(
        "/login",
        data={"email": "page@example.cz", "password": PASSWORD, "next": "/dashboard"},
        headers={"accept-language": "en"},
    )
    assert page.status_code == 429
    assert "Too many failed sign-in attempts" in page.text and 'role="alert"' in page.text
    assert 'href="/password/forgot"' in page.text
    assert 'aria-invalid="true"' not in page.text  # nothing is wrong with what was typed


async def test_the_throttle_holds_across_app_processes(anonymous) -> None:
    """Failures counted by this process refuse sign-in in another one: the count is in the
    database, not in a process's memory."""
    assert await fail_logins(anonymous, "shared@example.cz", 3) == [401] * 3
    async with portal_server(os.environ["DATABASE_URL"]) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as other_process:
            await refresh_csrf(other_process)
            assert await fail_logins(other_process, "shared@example.cz", 3) == [401, 401, 429]
    assert (await login(anonymous, "shared@example.cz")).status_code == 429


async def test_password_change_ends_every_other_session(anonymous, app) -> None:
    await register(anonymous, email="changer@example.cz")
    async with make_client(app) as laptop:
        assert (await login(laptop, "changer@example.cz")).status_code == 200
        old_cookie = anonymous.cookies.get("portal_session")

        changed = await anonymous.post(
            "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert changed.status_code == 200, changed.text
        assert anonymous.cookies.get("portal_session") != old_cookie  # the session id is replaced
        assert (await anonymous.get("/api/v1/me")).status_code == 200
        assert (await laptop.get("/api/v1/me")).status_code == 401  # the other browser is out
        assert await UserSession.count() == 1

    await anonymous.post("/api/v1/auth/logout")
    assert (await login(anonymous, "changer@example.cz", PASSWORD)).status_code == 401
    assert (await login(anonymous, "changer@example.cz", NEW_PASSWORD)).status_code == 200


async def test_password_change_needs_the_current_password_and_a_valid_new_one(anonymous) -> None:
    await register(anonymous, email="careful@example.cz", language="en")
    before = await PortalUser.select(PortalUser.password_hash).first()

    wrong = await anonymous.post(
        "/api/v1/me/password", json={"current_password": "not it at all", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == {"current_password": "The current password is not correct."}
    short = await anonymous.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert short.status_code == 422 and "new_password" in short.json()["errors"]
    same = await anonymous.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": PASSWORD}
    )
    assert same.status_code == 422 and "different" in same.json()["errors"]["new_password"]

    assert await PortalUser.select(PortalUser.password_hash).first() == before
    assert (await anonymous.get("/api/v1/me")).status_code == 200  # still signed in


async def test_sign_out_everywhere_else(anonymous, app) -> None:
    await register(anonymous, email="many@example.cz")
    async with make_client(app) as phone, make_client(app) as laptop:
        await login(phone, "many@example.cz")
        await login(laptop, "many@example.cz")
        listed = (await anonymous.get("/api/v1/me/sessions")).json()
        assert len(listed) == 3 and listed[0]["current"] and not any(s["current"] for s in listed[1:])

        assert (await anonymous.post("/api/v1/me/sessions/end-others")).status_code == 204
        assert (await phone.get("/api/v1/me")).status_code == 401
        assert (await laptop.get("/api/v1/me")).status_code == 401
        assert (await anonymous.get("/api/v1/me")).status_code == 200
        assert len((await anonymous.get("/api/v1/me/sessions")).json()) == 1


async def test_idle_and_absolute_session_timeouts(anonymous, app) -> None:
    await register(anonymous, email="sleepy@example.cz")
    assert (await anonymous.get("/api/v1/me")).status_code == 200
    # idle past SESSION_IDLE_MINUTES (120): the session ends
    await UserSession.update({UserSession.last_seen_at: now() - timedelta(minutes=121)}).where(
        UserSession.id > 0
    )
    assert (await anonymous.get("/api/v1/me")).status_code == 401
    assert await UserSession.count() == 0

    # active all the time, but past its absolute end (SESSION_ABSOLUTE_HOURS): it ends too
    assert (await login(anonymous, "sleepy@example.cz")).status_code == 200
    await UserSession.update({UserSession.expires_at: now() - timedelta(seconds=1)}).where(UserSession.id > 0)
    assert (await anonymous.get("/api/v1/me")).status_code == 401


async def test_password_reset_by_single_use_emailed_link(anonymous, app, smtp) -> None:
    anonymous.headers["accept-language"] = "en"
    await register(anonymous, email="forgetful@example.cz", language="en")
    async with make_client(app) as other_browser:
        await login(other_browser, "forgetful@example.cz")
        await anonymous.post("/api/v1/auth/logout")

        assert (
            await anonymous.post("/api/v1/auth/password-reset", json={"email": "Forgetful@Example.cz"})
        ).status_code == 202
        assert await send_all_due() == 1
        mail = smtp.inbox.messages[-1]
        assert mail["To"] == "forgetful@example.cz" and mail["Subject"] == "Reset your password"
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Choose a new password: http://" in text
        token = re.search(r"/password/reset/([\w-]+)", text).group(1)
        # only the hash is kept, and the link leaves the outbox once delivered
        assert await PasswordReset.exists().where(PasswordReset.token_hash == token_hash(token))
        outbox = await OutboxMessage.select(OutboxMessage.context).where(
            OutboxMessage.kind == "password_reset"
        )
        assert token not in str(outbox)

        short = await anonymous.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "x"}
        )
        assert short.status_code == 422  # a bad password does not use the link up
        done = await anonymous.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert done.status_code == 204
        assert (await other_browser.get("/api/v1/me")).status_code == 401  # every session ended

    again = await anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}
    )
    assert again.status_code == 422 and "not valid any more" in again.json()["detail"]
    assert (await login(anonymous, "forgetful@example.cz", NEW_PASSWORD)).status_code == 200


async def test_password_reset_links_expire_and_unknown_addresses_get_the_same_answer(anonymous, smtp) -> None:
    await register(anonymous, email="late@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    unknown = await anonymous.post("/api/v1/auth/password-reset", json={"email": "nobody@example.cz"})
    known = await anonymous.post("/api/v1/auth/password-reset", json={"email": "late@example.cz"})
    assert unknown.status_code == known.status_code == 202 and unknown.content == known.content
    await send_all_due()
    assert len(smtp.inbox.messages) == 1
    token = re.search(
        r"/password/reset/([\w-]+)", smtp.inbox.messages[0].get_body(("plain",)).get_content()
    ).group(1)

    await PasswordReset.update({PasswordReset.expires_at: now() - timedelta(seconds=1)}).where(
        PasswordReset.id > 0
    )
    expired = await anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert expired.status_code == 422
    assert (await login(anonymous, "late@example.cz", PASSWORD)).status_code == 200


async def test_a_password_change_ends_reset_links_asked_for_before_it(anonymous, smtp) -> None:
    await register(anonymous, email="both@example.cz", language="en")
    assert (
        await anonymous.post("/api/v1/auth/password-reset", json={"email": "both@example.cz"})
    ).status_code == 202
    await send_all_due()
    token = re.search(
        r"/password/reset/([\w-]+)", smtp.inbox.messages[0].get_body(("plain",)).get_content()
    ).group(1)
    changed = await anonymous.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    late = await anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}
    )
    assert late.status_code == 422
    await anonymous.post("/api/v1/auth/logout")
    assert (await login(anonymous, "both@example.cz", NEW_PASSWORD)).status_code == 200


async def test_reset_requests_cannot_flood_an_inbox(anonymous, smtp) -> None:
    await register(anonymous, email="flooded@example.cz")
    for _ in range(6):
        assert (
            await anonymous.post("/api/v1/auth/password-reset", json={"email": "flooded@example.cz"})
        ).status_code == 202
    await send_all_due()
    assert len(smtp.inbox.messages) == 3


async def test_account_page_changes_the_password_and_shows_sessions(anonymous) -> None:
    await register(anonymous, email="pages@example.cz", language="en")
    page = await anonymous.get("/account")
    assert page.status_code == 200
    assert "Where you are signed in" in page.text and "This device" in page.text
    assert page.headers["cache-control"] == "no-store"

    wrong = await anonymous.post(
        "/account/password", data={"current_password": "nope nope nope", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and "The current password is not correct." in wrong.text
    done = await anonymous.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?done=password"
    assert "You are signed out everywhere else" in (await anonymous.get("/account?done=password")).text


async def test_reset_pages(anonymous, smtp) -> None:
    await register(anonymous, email="web@example.cz", language="en")
    await anonymous.post("/logout")
    sent = await anonymous.post(
        "/password/forgot", data={"email": "web@example.cz"}, headers={"accept-language": "en"}
    )
    assert sent.status_code == 200 and "we have sent a link to that address" in sent.text
    await send_all_due()
    token = re.search(
        r"/password/reset/([\w-]+)", smtp.inbox.messages[0].get_body(("plain",)).get_content()
    ).group(1)

    form = await anonymous.get(f"/password/reset/{token}")
    assert form.status_code == 200 and 'name="password"' in form.text
    saved = await anonymous.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD})
    assert saved.status_code == 303 and saved.headers["location"] == "/login?reset=1"
    gone = await anonymous.get(f"/password/reset/{token}", headers={"accept-language": "en"})
    assert gone.status_code == 404 and "not valid any more" in gone.text
    assert "<h1>This link no longer works</h1>" in gone.text and 'name="password"' not in gone.text


async def test_the_reset_form_asks_for_an_address_inline(anonymous, smtp) -> None:
    for email in ("", "not an address"):
        page = await anonymous.post(
            "/password/forgot", data={"email": email}, headers={"accept-language": "en"}
        )
        assert page.status_code == 422 and 'aria-invalid="true"' in page.text
        assert "we have sent" not in page.text
    assert await OutboxMessage.count() == 0


async def test_guessing_the_current_password_is_throttled_inline_on_the_account_page(anonymous) -> None:
    await register(anonymous, email="guesser@example.cz", language="en")
    for _ in range(5):
        wrong = await anonymous.post(
            "/account/password", data={"current_password": "not the password", "new_password": NEW_PASSWORD}
        )
        assert wrong.status_code == 422
    throttled = await anonymous.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    assert "Too many wrong passwords. Wait 15 min" in throttled.text
    assert 'name="current_password"' in throttled.text  # the account page, not an error page
    api = await anonymous.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert api.status_code == 429 and api.json()["errors"]["current_password"].startswith("Too many")
