"""The accounts and catalogue forms read through the API's Structs: a bad value gets the same
field message in the page as in the API, in either language, and nothing is stored."""

from __future__ import annotations

import html

import pytest

from backend.accounts.tables import Company, Invitation, PortalUser
from backend.catalog.tables import Service
from backend.i18n import LANGUAGE_COOKIE
from tests.helpers import PASSWORD, load_catalogue, register, registration, signed_in_staff, valid_ico

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}
HTMX = {"hx-request": "true"}
LANGUAGES = ("cs", "en")
TOO_LONG = "x" * 301  # Short: max_length=300


def shown(page) -> str:
    return html.unescape(page.text)


def flat(payload: dict) -> dict[str, str]:
    """The registration form: company and user fields side by side, as the page sends them."""
    return {name: str(value) for part in payload.values() for name, value in part.items()}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_registration_refuses_a_too_long_name_as_the_api_does(anonymous, language) -> None:
    payload = registration(name=TOO_LONG, ico=valid_ico())
    api = await anonymous.post("/api/v1/auth/register", json=payload, headers={"accept-language": language})
    assert api.status_code == 400
    message = api.json()["errors"]["name"]
    page = await anonymous.post("/register", data=flat(payload), headers={"accept-language": language})
    assert page.status_code == 422
    assert message in shown(page)
    assert 'value="' + TOO_LONG + '"' in page.text  # what was typed stays in the field
    assert PASSWORD not in page.text  # but never the password
    assert await Company.count() == 0 and await PortalUser.count() == 0


async def test_login_form_marks_a_too_long_address_like_the_api(anonymous) -> None:
    api = await anonymous.post(
        "/api/v1/auth/login", json={"email": TOO_LONG, "password": PASSWORD}, headers=EN
    )
    page = await anonymous.post("/login", data={"email": TOO_LONG, "password": PASSWORD}, headers=EN)
    assert page.status_code == 422
    assert api.json()["errors"]["email"] in page.text and 'aria-invalid="true"' in page.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_invitation_form_refuses_a_too_long_address_as_the_api_does(anonymous, language) -> None:
    await register(anonymous, language=language)
    api = await anonymous.post("/api/v1/company/invitations", json={"email": TOO_LONG})
    assert api.status_code == 400
    page = await anonymous.post("/company/invitations", data={"email": TOO_LONG}, headers=HTMX)
    assert page.status_code == 422
    assert api.json()["errors"]["email"] in shown(page)
    assert await Invitation.count() == 0


async def test_password_change_form_refuses_a_too_long_password_as_the_api_does(anonymous) -> None:
    await register(anonymous, language="en")
    change = {"current_password": PASSWORD, "new_password": "x" * 1001}
    api = await anonymous.post("/api/v1/me/password", json=change)
    assert api.status_code == 400
    page = await anonymous.post("/account/password", data=change)
    assert page.status_code == 422 and api.json()["errors"]["new_password"] in shown(page)
    assert (await anonymous.get("/api/v1/me")).status_code == 200  # still signed in: nothing changed


async def test_company_details_form_clears_what_is_emptied_and_keeps_what_is_not_sent(anonymous) -> None:
    await register(anonymous, language="en")  # Brno, 60200
    saved = await anonymous.post("/company/details", data={"name": "Firma", "street": ""}, headers=HTMX)
    assert saved.status_code == 200
    company = (await anonymous.get("/api/v1/company")).json()
    assert (company["name"], company["street"], company["city"]) == ("Firma", "", "Brno")
    api = await anonymous.patch("/api/v1/company", json={"city": TOO_LONG})
    page = await anonymous.post("/company/details", data={"city": TOO_LONG}, headers=HTMX)
    assert page.status_code == 422 and api.json()["errors"]["city"] in shown(page)
    assert (await anonymous.get("/api/v1/company")).json()["city"] == "Brno"


async def test_an_unknown_language_falls_back_to_the_default(anonymous) -> None:
    response = await anonymous.post("/language", data={"language": "de", "next": "/login"})
    assert response.status_code == 303 and response.cookies[LANGUAGE_COOKIE] == "cs"


async def test_ending_other_sessions_from_htmx_reloads_the_page(anonymous) -> None:
    await register(anonymous)
    response = await anonymous.post("/account/sessions/end-others", headers=HTMX)
    assert response.status_code == 204 and response.headers["hx-redirect"] == "/account?done=sessions"


def rate_form(**fields: str) -> dict[str, str]:
    return {
        "name_cs": "Makra",
        "name_en": "Macros",
        "category": "development",
        "rate_type": "hourly",
        "unit": "hour",
        "pay_price": "1 700",
        "sbp_price": "1 400",
        "active": "on",
        **fields,
    }


async def test_a_rate_that_could_mean_two_amounts_is_refused_and_nothing_changes(app, db) -> None:
    await load_catalogue()
    before = await Service.select(Service.pay_price).where(Service.code == "MACROS").first()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        page = await admin.post("/staff/services/MACROS", data=rate_form(pay_price="1.500"), headers=HTMX)
        assert page.status_code == 422
        assert "write 1 500 or 1,50" in shown(page)
        assert 'value="1.500"' in page.text
        read = await admin.post("/staff/services/MACROS", data=rate_form(pay_price="1 500,50"), headers=HTMX)
        assert read.status_code == 200
    assert before != {"pay_price": 150_050}
    after = await Service.select(Service.pay_price).where(Service.code == "MACROS").first()
    assert after == {"pay_price": 150_050}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_negative_rate_gets_the_apis_message(app, db, language) -> None:
    await load_catalogue()
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        api = await admin.patch("/api/v1/staff/services/MACROS", json={"sbp_price": -500})
        assert api.status_code == 400
        page = await admin.post("/staff/services/MACROS", data=rate_form(sbp_price="-5"), headers=HTMX)
        assert page.status_code == 422
        assert api.json()["errors"]["sbp_price"] in shown(page)
    stored = await Service.select(Service.sbp_price).where(Service.code == "MACROS").first()
    assert stored["sbp_price"] >= 0
