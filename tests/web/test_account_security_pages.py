"""The security parts of My account as pages: two-factor set-up and sign-in in two steps, API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from backend.clock import now, today
from tests.helpers import PASSWORD, make_client, register

pytestmark = pytest.mark.db


async def test_set_up_two_factor_and_sign_in_in_two_steps(app, db) -> None:
    async with make_client(app) as browser:
        email = (await register(browser, language="en"))["user"]["email"]
        started = await browser.post("/account/two-factor/start")
        assert started.status_code == 200 and "<svg" in started.text
        secret = re.search(r"<code>([A-Z2-7]{32})</code>", started.text).group(1)
        wrong = await browser.post("/account/two-factor/confirm", data={"code": "000000"})
        assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text
        done = await browser.post("/account/two-factor/confirm", data={"code": pyotp.TOTP(secret).now()})
        assert done.status_code == 200
        assert len(re.findall(r"<li><code>[0-9a-f]{5}-[0-9a-f]{5}</code></li>", done.text)) == 10
        again = await browser.get("/account")
        assert "<li><code>" not in again.text  # shown once
        await browser.post("/logout")
        step = await browser.post("/login", data={"email": email, "password": PASSWORD, "next": "/account"})
        assert step.status_code == 200 and 'action="/login/code"' in step.text
        assert "portal_session" not in step.cookies
        code = pyotp.TOTP(secret).at(now() + timedelta(seconds=30))
        signed_in = await browser.post("/login/code", data={"code": code, "next": "/account"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/account"
        assert (await browser.get("/account")).status_code == 200


async def test_create_and_revoke_an_api_token_on_the_page(app, db) -> None:
    async with make_client(app) as browser:
        await register(browser, language="en")
        expires = (today() + timedelta(days=30)).isoformat()
        bad = await browser.post("/account/tokens", data={"name": "", "scope": "read", "expires_on": expires})
        assert bad.status_code == 422
        created = await browser.post(
            "/account/tokens", data={"name": "Účetnictví", "scope": "read", "expires_on": expires}
        )
        assert created.status_code == 200
        token = re.search(r'<code class="token">(ptk_[^<]+)</code>', created.text).group(1)
        listed = await browser.get("/account")
        assert "Účetnictví" in listed.text and token not in listed.text
        token_id = re.search(r"/account/tokens/(\d+)/revoke", listed.text).group(1)
        revoked = await browser.post(f"/account/tokens/{token_id}/revoke")
        assert revoked.status_code == 303
        assert "Účetnictví" not in (await browser.get("/account")).text


async def test_a_manager_requires_two_factor_for_the_company(app, db) -> None:
    from tests.helpers import invite_and_join

    async with make_client(app) as manager, make_client(app) as member:
        await register(manager, language="en")
        await invite_and_join(manager, member, "clen@example.cz")
        assert (await member.get("/api/v1/orders")).status_code == 200
        first = await manager.post("/company/two-factor", data={"required": "1"})
        assert first.status_code == 403  # the manager sets it up for themselves first
        from tests.integration.test_two_factor import enrol

        await enrol(manager)
        saved = await manager.post("/company/two-factor", data={"required": "1"})
        assert saved.status_code == 303
        company = (await manager.get("/api/v1/company")).json()
        assert company.get("require_two_factor") is True, company
        assert (await member.get("/api/v1/orders")).status_code == 403
        assert (await member.get("/account")).status_code == 200  # where it is set up
