"""Companies, accounts, sessions and roles through the JSON API, on a real database."""

from __future__ import annotations

import asyncio

import pytest

from backend.accounts.tables import Company, Invitation, PortalUser, UserSession
from tests.helpers import (
    PASSWORD,
    invite_and_join,
    login,
    make_client,
    refresh_csrf,
    register,
    registration,
    valid_ico,
    wrong_check_digit,
)

pytestmark = pytest.mark.db


async def test_register_signs_in_as_customer_manager(anonymous) -> None:
    body = await register(anonymous, ico="27788644", email="Jana@Firma.cz")
    assert body["user"]["role"] == "customer_manager"
    assert body["user"]["email"] == "jana@firma.cz"
    assert body["company"]["ico"] == "27788644"
    me = await anonymous.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["company"]["name"] == "Test s.r.o."


async def test_wrong_ico_check_digit_is_refused_and_nothing_is_stored(anonymous) -> None:
    bad = wrong_check_digit(valid_ico())
    response = await anonymous.post("/api/v1/auth/register", json=registration(ico=bad))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "check digit" in problem["detail"] or "kontrolní číslice" in problem["detail"]
    assert "ico" in problem["errors"]
    assert await Company.count() == 0
    assert await PortalUser.count() == 0
    assert (await anonymous.get("/api/v1/me")).status_code == 401


async def test_problem_detail_follows_the_language(anonymous) -> None:
    bad = wrong_check_digit(valid_ico())
    english = await anonymous.post(
        "/api/v1/auth/register", json=registration(ico=bad), headers={"accept-language": "en"}
    )
    assert "check digit does not match" in english.json()["detail"]


async def test_every_invalid_field_is_reported_at_once(anonymous) -> None:
    payload = registration(ico="12345678", email="not-an-email")
    payload["user"]["password"] = "short"
    payload["company"]["dic"] = "XX1"
    response = await anonymous.post("/api/v1/auth/register", json=payload)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"ico", "email", "password", "dic"}


async def test_duplicate_ico_is_refused(anonymous, app) -> None:
    await register(anonymous, ico="45310076")
    async with make_client(app) as other:
        response = await other.post("/api/v1/auth/register", json=registration(ico="45310076"))
    assert response.status_code == 422
    assert "45310076" in response.json()["detail"]
    assert await Company.count() == 1


async def test_duplicate_email_is_refused_case_insensitively(anonymous, app) -> None:
    await register(anonymous, email="spravce@firma.cz")
    async with make_client(app) as other:
        response = await other.post("/api/v1/auth/register", json=registration(email="SPRAVCE@firma.cz"))
    assert response.status_code == 422
    assert response.json()["errors"].keys() == {"email"}
    assert await Company.count() == 1


async def test_concurrent_registrations_of_one_ico_store_one_company(app, db) -> None:
    ico = valid_ico()

    async def attempt(n: int) -> int:
        async with make_client(app) as client:
            response = await client.post(
                "/api/v1/auth/register", json=registration(ico=ico, email=f"racer{n}@example.cz")
            )
            return response.status_code

    statuses = await asyncio.gather(*(attempt(n) for n in range(5)))
    assert sorted(statuses).count(201) == 1
    assert all(status in (201, 409, 422) for status in statuses)
    assert await Company.count() == 1
    assert await PortalUser.count() == 1


async def test_login_answers_the_same_for_unknown_email_and_wrong_password(anonymous) -> None:
    await register(anonymous, email="known@example.cz")
    await anonymous.post("/api/v1/auth/logout")
    unknown = await login(anonymous, "nobody@example.cz")
    wrong = await login(anonymous, "known@example.cz", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]
    assert (await login(anonymous, "known@example.cz")).status_code == 200


async def test_session_id_from_before_login_stops_working(anonymous, app) -> None:
    await register(anonymous, email="first@example.cz")
    before = anonymous.cookies.get("portal_session")
    assert before

    relogin = await login(anonymous, "first@example.cz")
    assert relogin.status_code == 200
    after = anonymous.cookies.get("portal_session")
    assert after and after != before

    async with make_client(app) as replay:
        replay.cookies.set("portal_session", before)
        assert (await replay.get("/api/v1/me")).status_code == 401
        replay.cookies.set("portal_session", after)
        assert (await replay.get("/api/v1/me")).status_code == 200


async def test_logout_destroys_the_session_on_the_server(anonymous, app) -> None:
    await register(anonymous)
    token = anonymous.cookies.get("portal_session")
    assert (await anonymous.post("/api/v1/auth/logout")).status_code == 204
    assert await UserSession.count() == 0
    async with make_client(app) as replay:
        replay.cookies.set("portal_session", token)
        assert (await replay.get("/api/v1/me")).status_code == 401


async def test_session_cookie_is_httponly_and_samesite(anonymous) -> None:
    response = await anonymous.post("/api/v1/auth/register", json=registration())
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("portal_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


async def test_post_without_csrf_token_is_refused(anonymous) -> None:
    del anonymous.headers["x-csrftoken"]
    response = await anonymous.post("/api/v1/auth/register", json=registration())
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "CSRF" in response.json()["detail"]
    assert await Company.count() == 0


async def test_post_with_a_forged_csrf_token_is_refused(anonymous) -> None:
    anonymous.headers["x-csrftoken"] = "f" * 128
    response = await anonymous.post("/api/v1/auth/login", json={"email": "a@b.cz", "password": "x" * 10})
    assert response.status_code == 403


async def test_invitation_is_single_use_and_makes_a_member(anonymous, app) -> None:
    manager = await register(anonymous)
    invited = await anonymous.post("/api/v1/company/invitations", json={"email": "kolega@example.cz"})
    assert invited.status_code == 201
    link = invited.json()["link"]
    token = link.rsplit("/", 1)[1]
    assert await Invitation.exists().where(Invitation.token_hash == token) is False  # only the hash is kept

    async with make_client(app) as newcomer:
        joined = await newcomer.post(
            f"/api/v1/auth/invitations/{token}/accept",
            json={"full_name": "Karel Kolega", "password": PASSWORD},
        )
        assert joined.status_code == 201
        assert joined.json()["user"]["role"] == "customer_member"
        assert joined.json()["company"]["id"] == manager["company"]["id"]
    async with make_client(app) as second:
        again = await second.post(
            f"/api/v1/auth/invitations/{token}/accept",
            json={"full_name": "Someone Else", "password": PASSWORD},
        )
        assert again.status_code == 422
    assert await PortalUser.count() == 2


async def test_expired_invitation_is_refused(anonymous, app) -> None:
    from datetime import UTC, datetime, timedelta

    await register(anonymous)
    invited = await anonymous.post("/api/v1/company/invitations", json={"email": "late@example.cz"})
    token = invited.json()["link"].rsplit("/", 1)[1]
    await Invitation.update({Invitation.expires_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Invitation.email == "late@example.cz"
    )
    async with make_client(app) as late:
        response = await late.post(
            f"/api/v1/auth/invitations/{token}/accept", json={"full_name": "Late Comer", "password": PASSWORD}
        )
    assert response.status_code == 422
    assert "expired" in response.json()["detail"] or "platnost" in response.json()["detail"]
    assert await PortalUser.count() == 1


async def test_member_cannot_reach_manager_actions(anonymous, app) -> None:
    await register(anonymous)
    async with make_client(app) as member:
        await invite_and_join(anonymous, member, "member@example.cz")
        colleagues = (await member.get("/api/v1/company/users")).json()
        manager_id = next(c["id"] for c in colleagues if c["role"] == "customer_manager")

        assert (await member.get("/api/v1/company")).status_code == 200
        assert (
            await member.post("/api/v1/company/invitations", json={"email": "x@example.cz"})
        ).status_code == 403
        assert (await member.get("/api/v1/company/invitations")).status_code == 403
        assert (await member.post(f"/api/v1/company/users/{manager_id}/deactivate")).status_code == 403
        assert (
            await member.patch("/api/v1/company", json={"name": "Hijacked", "ico": "x"})
        ).status_code == 403
    assert (await anonymous.get("/api/v1/company")).json()["name"] == "Test s.r.o."


async def test_another_companys_data_is_not_found(anonymous, app) -> None:
    await register(anonymous, name="Alfa s.r.o.")
    async with make_client(app) as other_manager:
        await register(other_manager, name="Beta a.s.")
        other_users = (await other_manager.get("/api/v1/company/users")).json()
        other_invite = await other_manager.post("/api/v1/company/invitations", json={"email": "b@example.cz"})
    victim_id = other_users[0]["id"]
    invitation_id = other_invite.json()["id"]

    assert (await anonymous.post(f"/api/v1/company/users/{victim_id}/deactivate")).status_code == 404
    assert (await anonymous.post(f"/api/v1/company/invitations/{invitation_id}/revoke")).status_code == 404
    assert all(c["id"] != victim_id for c in (await anonymous.get("/api/v1/company/users")).json())
    assert await PortalUser.exists().where((PortalUser.id == victim_id) & (PortalUser.is_active == True))  # noqa: E712


async def test_deactivated_member_is_signed_out_and_cannot_sign_in(anonymous, app) -> None:
    await register(anonymous)
    async with make_client(app) as member:
        joined = await invite_and_join(anonymous, member, "leaving@example.cz")
        response = await anonymous.post(f"/api/v1/company/users/{joined['user']['id']}/deactivate")
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert (await member.get("/api/v1/me")).status_code == 401
        assert (await login(member, "leaving@example.cz")).status_code == 401


async def test_manager_cannot_deactivate_themselves(anonymous) -> None:
    me = await register(anonymous)
    response = await anonymous.post(f"/api/v1/company/users/{me['user']['id']}/deactivate")
    assert response.status_code == 422


async def test_company_details_can_be_edited_but_not_the_ico(anonymous) -> None:
    created = await register(anonymous, ico="27788644")
    changed = await anonymous.patch(
        "/api/v1/company", json={"name": "Nový název s.r.o.", "dic": "CZ27788644", "postal_code": "58601"}
    )
    assert changed.status_code == 200
    assert changed.json()["name"] == "Nový název s.r.o."
    assert changed.json()["postal_code"] == "586 01"
    assert changed.json()["city"] == "Brno"  # not sent, so kept
    moved = await anonymous.patch("/api/v1/company", json={"ico": "45310076", "id": 999})
    assert moved.status_code == 200  # identity fields are not editable: ignored
    assert (await anonymous.get("/api/v1/company")).json()["ico"] == created["company"]["ico"]
    refused = await anonymous.patch("/api/v1/company", json={"postal_code": "1"})
    assert refused.status_code == 422
    assert (await anonymous.get("/api/v1/company")).json()["postal_code"] == "586 01"


async def test_staff_have_no_company_and_cannot_use_customer_endpoints(anonymous) -> None:
    from backend.accounts.services import create_staff

    await create_staff("technik@example.cz", "Jana Technická", PASSWORD, admin=False)
    assert (await login(anonymous, "technik@example.cz")).status_code == 200
    me = (await anonymous.get("/api/v1/me")).json()
    assert me["user"]["role"] == "staff"
    assert me["company"] is None
    assert (await anonymous.get("/api/v1/company")).status_code == 403


async def test_anonymous_is_401_on_signed_in_endpoints(anonymous) -> None:
    response = await anonymous.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_malformed_json_is_a_400_problem(anonymous) -> None:
    response = await anonymous.post(
        "/api/v1/auth/register", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


async def test_openapi_schema_is_served(anonymous) -> None:
    schema = (await anonymous.get("/api/schema/openapi.json")).json()
    assert "/api/v1/auth/register" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]
    assert not any(not path.startswith("/api/") for path in schema["paths"])


async def test_language_choice_is_stored_on_the_user(anonymous) -> None:
    await register(anonymous)
    response = await anonymous.put("/api/v1/me/language", json={"language": "en"})
    assert response.status_code == 200
    assert (await anonymous.get("/api/v1/me")).json()["user"]["language"] == "en"
    refused = await anonymous.put("/api/v1/me/language", json={"language": "de"})
    assert refused.status_code == 400


async def test_csrf_token_endpoint_documents_the_header(anonymous) -> None:
    token = await refresh_csrf(anonymous)
    assert anonymous.cookies.get("csrftoken") == token
