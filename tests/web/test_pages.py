"""The HTML pages: full loads and htmx fragments, on a real database."""

from __future__ import annotations

import re

import pytest

from backend.accounts.services import create_staff
from backend.accounts.tables import Company, PortalUser
from tests.helpers import (
    PASSWORD,
    invite_and_join,
    load_catalogue,
    make_client,
    register,
    valid_ico,
    wrong_check_digit,
)

pytestmark = pytest.mark.db

EN = {"accept-language": "en"}


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "Nová firma s.r.o.",
        "ico": valid_ico(),
        "dic": "",
        "street": "Dlouhá 1",
        "city": "Praha",
        "postal_code": "110 00",
        "full_name": "Jan Nový",
        "email": "jan@nova.example",
        "password": PASSWORD,
        **fields,
    }


async def test_landing_page_explains_the_four_levels_and_the_contact(anonymous) -> None:
    page = await anonymous.get("/", headers=EN)
    assert page.status_code == 200
    for code in ("ALC", "PAY", "SBP", "SLA"):
        assert f'data-level="{code}"' in page.text
    assert "Hotline" in page.text
    assert "mailto:michal.kopecky@dytron.cz" in page.text


async def test_pages_are_czech_by_default_and_english_on_request(anonymous) -> None:
    czech = await anonymous.get("/login")
    assert 'lang="cs"' in czech.text and "Přihlásit se" in czech.text
    english = await anonymous.get("/login", headers=EN)
    assert 'lang="en"' in english.text and "Sign in" in english.text


async def test_language_switch_is_remembered(anonymous) -> None:
    response = await anonymous.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert 'lang="en"' in (await anonymous.get("/login")).text


async def test_register_with_wrong_ico_shows_the_message_inline_and_stores_nothing(anonymous) -> None:
    bad = wrong_check_digit(valid_ico())
    page = await anonymous.post("/register", data=form(ico=bad), headers=EN)
    assert page.status_code == 422
    assert "check digit does not match" in page.text
    assert re.search(r'id="ico"[^>]*aria-invalid="true"', page.text, re.S)
    assert 'value="Nová firma s.r.o."' in page.text  # what the user typed is kept
    assert await Company.count() == 0
    assert await PortalUser.count() == 0


async def test_inline_ico_check_while_typing(anonymous) -> None:
    bad = wrong_check_digit(valid_ico())
    fragment = await anonymous.get(f"/register/check/ico?ico={bad}", headers={**EN, "hx-request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.startswith('<small id="ico-error"')
    assert "check digit" in fragment.text
    good = await anonymous.get(f"/register/check/ico?ico={valid_ico()}", headers={"hx-request": "true"})
    assert '<small id="ico-error" class="field-error" aria-live="polite" data-announce></small>' in good.text


async def test_inline_email_check_finds_a_taken_address(anonymous, app) -> None:
    async with make_client(app) as other:
        await register(other, email="taken@example.cz")
    fragment = await anonymous.get("/register/check/email?email=Taken@example.cz", headers=EN)
    assert "already exists" in fragment.text


async def test_register_signs_in_and_lands_on_the_company_page(anonymous) -> None:
    response = await anonymous.post("/register", data=form(email="jan@nova.example"), headers=EN)
    assert response.status_code == 303
    assert response.headers["location"] == "/company?welcome=1"
    page = await anonymous.get("/company?welcome=1", headers=EN)
    assert "Nová firma s.r.o." in page.text
    assert "jan@nova.example" in page.text
    assert "Invite a colleague" in page.text


async def test_login_page_flow_and_next_parameter(anonymous, app) -> None:
    async with make_client(app) as other:
        await register(other, email="login@example.cz")
    anonymous_page = await anonymous.get("/company")
    assert anonymous_page.status_code == 303
    assert anonymous_page.headers["location"] == "/login?next=/company"

    wrong = await anonymous.post(
        "/login", data={"email": "login@example.cz", "password": "nope-nope-nope"}, headers=EN
    )
    assert wrong.status_code == 401
    assert "not correct" in wrong.text

    right = await anonymous.post(
        "/login", data={"email": "login@example.cz", "password": PASSWORD, "next": "/company"}
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/company"


async def test_login_never_redirects_off_site(anonymous, app) -> None:
    async with make_client(app) as other:
        await register(other, email="safe@example.cz")
    response = await anonymous.post(
        "/login", data={"email": "safe@example.cz", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.headers["location"] == "/dashboard"


async def test_form_post_without_csrf_token_is_refused(anonymous) -> None:
    del anonymous.headers["x-csrftoken"]
    response = await anonymous.post("/register", data=form(), headers={"accept": "text/html"})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert await Company.count() == 0


async def test_form_field_csrf_token_is_accepted(anonymous) -> None:
    token = anonymous.headers.pop("x-csrftoken")
    response = await anonymous.post("/register", data={**form(), "_csrf_token": token})
    assert response.status_code == 303


async def test_manager_invites_from_the_page_and_the_link_works(anonymous, app) -> None:
    await register(anonymous)
    fragment = await anonymous.post(
        "/company/invitations", data={"email": "kolega@example.cz"}, headers={**EN, "hx-request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="company-invitations"')
    link = re.search(r"http://[^<\s]+/invitations/[\w-]+", fragment.text).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]

    async with make_client(app) as newcomer:
        page = await newcomer.get(path, headers=EN)
        assert "Join Test s.r.o." in page.text
        joined = await newcomer.post(path, data={"full_name": "Karel Kolega", "password": PASSWORD})
        assert joined.status_code == 303
        assert (await newcomer.get("/api/v1/me")).json()["user"]["role"] == "customer_member"
        reused = await newcomer.get(path, headers=EN)
        assert reused.status_code == 410


async def test_member_sees_no_manager_actions_and_cannot_post_them(anonymous, app) -> None:
    await register(anonymous, language="en")
    async with make_client(app) as member:
        await invite_and_join(anonymous, member, "clen@example.cz")
        page = await member.get("/company", headers=EN)
        assert page.status_code == 200
        assert "Invite a colleague" not in page.text
        assert "/deactivate" not in page.text
        refused = await member.post("/company/invitations", data={"email": "x@example.cz"}, headers=EN)
        assert refused.status_code == 403
        refused = await member.post("/company/details", data={"name": "Hijack"}, headers=EN)
        assert refused.status_code == 403


async def test_manager_cannot_deactivate_another_companys_user_from_the_page(anonymous, app) -> None:
    await register(anonymous)
    async with make_client(app) as other:
        victim = await register(other)
    response = await anonymous.post(f"/company/users/{victim['user']['id']}/deactivate", headers=EN)
    assert response.status_code == 404
    assert await PortalUser.exists().where(
        (PortalUser.id == victim["user"]["id"]) & (PortalUser.is_active == True)  # noqa: E712
    )


async def test_deactivate_in_place_with_htmx(anonymous, app) -> None:
    await register(anonymous, language="en")
    async with make_client(app) as member:
        joined = await invite_and_join(
            anonymous, member, "odchazi@example.cz", full_name="Odcházející Kolega"
        )
    assert 'hx-confirm="Deactivate Odcházející Kolega?' in (await anonymous.get("/company")).text
    fragment = await anonymous.post(
        f"/company/users/{joined['user']['id']}/deactivate", headers={**EN, "hx-request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="company-users"')
    assert "Odcházející Kolega has been deactivated" in fragment.text
    assert "/activate" in fragment.text


async def test_company_details_edit_in_place(anonymous) -> None:
    await register(anonymous, language="en")
    bad = await anonymous.post(
        "/company/details",
        data={"name": "Firma", "dic": "XX", "postal_code": ""},
        headers={**EN, "hx-request": "true"},
    )
    assert bad.status_code == 422
    assert "CZ followed by 8 to 10 digits" in bad.text
    good = await anonymous.post(
        "/company/details",
        data={"name": "Firma Nová", "dic": "CZ12345678"},
        headers={**EN, "hx-request": "true"},
    )
    assert good.status_code == 200
    assert "have been saved" in good.text
    assert (await anonymous.get("/api/v1/company")).json()["dic"] == "CZ12345678"


async def test_staff_home_is_for_staff_only(anonymous, app) -> None:
    await register(anonymous, name="Zákazník s.r.o.")
    assert (await anonymous.get("/staff")).status_code == 403
    await create_staff("admin@example.cz", "Vedoucí Oddělení", PASSWORD, admin=True)
    async with make_client(app) as staff:
        response = await staff.post("/login", data={"email": "admin@example.cz", "password": PASSWORD})
        assert response.headers["location"] == "/dashboard"
        assert (await staff.get("/dashboard")).headers["location"] == "/staff"
        home = await staff.get("/staff", headers=EN)
        assert home.status_code == 200
        assert "Zákazník s.r.o." in home.text
        assert "Žádná objednávka nečeká." in home.text  # the staff member reads Czech
        assert (await staff.get("/company")).status_code == 403


async def test_logout_from_the_page(anonymous) -> None:
    await register(anonymous)
    response = await anonymous.post("/logout")
    assert response.status_code == 303
    assert (await anonymous.get("/api/v1/me")).status_code == 401


async def test_unknown_page_is_a_friendly_404(anonymous) -> None:
    response = await anonymous.get("/no-such-page", headers={**EN, "accept": "text/html"})
    assert response.status_code == 404
    assert "There is nothing at this address." in response.text


@pytest.mark.parametrize("signed_in", [False, True])
async def test_the_forms_of_a_404_page_carry_a_token_that_works(app, signed_in) -> None:
    """No route answers the address, so the CSRF middleware never ran: the error page still gives
    its language switch (and sign-out) the browser's token, setting the cookie if it had none."""
    import re

    async with make_client(app) as browser:
        if signed_in:
            await register(browser, language="cs")
        browser.headers.pop("x-csrftoken", None)  # a browser's form sends the field, not the header
        page = await browser.get("/staff/nothing-here", headers={"accept": "text/html"})
        assert page.status_code == 404
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token is not None, "the header's forms have no token"
        switched = await browser.post(
            "/language", data={"_csrf_token": token.group(1), "language": "en", "next": "/"}
        )
        assert switched.status_code == 303, switched.text


async def test_static_assets_from_npm_are_served(anonymous) -> None:
    assert (await anonymous.get("/static/vendor/htmx.min.js")).status_code == 200
    assert (await anonymous.get("/static/vendor/pico.min.css")).status_code == 200
    assert (await anonymous.get("/static/portal.css")).status_code == 200


async def test_signed_in_users_stored_language_wins_over_the_browser(anonymous) -> None:
    await register(anonymous, language="en")
    page = await anonymous.get("/company", headers={"accept-language": "cs"})
    assert 'lang="en"' in page.text
    await anonymous.post("/language", data={"language": "cs", "next": "/company"})
    assert (await anonymous.get("/api/v1/me")).json()["user"]["language"] == "cs"
    assert 'lang="cs"' in (await anonymous.get("/company", headers=EN)).text


def attributes_of(html: str, element_id: str) -> dict[str, str | None]:
    """The attributes of the element with this id, as a browser's parser reads them."""
    from html.parser import HTMLParser

    found: dict[str, str | None] = {}

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if dict(attrs).get("id") == element_id and not found:
                found.update(attrs)

    Finder().feed(html)
    return found


async def test_invalid_fields_are_marked_for_browsers_and_screen_readers(anonymous) -> None:
    page = await anonymous.post("/register", data=form(ico="12345678", password="short"), headers=EN)
    ico = attributes_of(page.text, "ico")
    assert ico.get("aria-invalid") == "true" and "required" in ico
    assert attributes_of(page.text, "password").get("aria-invalid") == "true"
    assert "aria-invalid" not in attributes_of(page.text, "city")


async def test_language_switch_keeps_the_query_string(anonymous) -> None:
    page = await anonymous.get("/login?next=/company")
    assert attributes_of(page.text, "main") is not None
    assert 'name="next" value="/login?next=/company"' in page.text


async def test_head_answers_like_get_without_a_body(anonymous) -> None:
    """Monitors and link checkers ask with HEAD; a page must not answer 405 to them."""
    for path in ("/", "/services", "/login", "/static/portal.css"):
        got = await anonymous.get(path, headers=EN)
        head = await anonymous.head(path, headers=EN)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["content-length"] == got.headers["content-length"]
    assert (await anonymous.head("/company")).status_code == 303  # same guard as GET
    assert (await anonymous.head("/no-such-page")).status_code == 404


async def test_customer_dashboard_says_what_the_company_has_and_what_to_do(anonymous) -> None:
    await load_catalogue()
    await register(anonymous, name="Přehledná s.r.o.", language="en")
    empty = await anonymous.get("/dashboard")
    assert empty.status_code == 200
    assert "<h1>Přehledná s.r.o.</h1>" in empty.text
    assert "No active ALC contract." in empty.text  # no Hotline, and why
    assert "No prepaid credit yet." in empty.text and "No service contract." in empty.text
    assert "Your company has no orders yet." in empty.text and "Waiting for your answer" not in empty.text

    created = await anonymous.post(
        "/api/v1/orders", json={"service_code": "INSTALLATION", "quantity": "1", "description": "Install it."}
    )
    assert created.status_code == 201, created.text
    page = await anonymous.get("/dashboard")
    number = created.json()["number"]
    assert "Waiting for your answer" in page.text  # a flat-rate order is quoted at once
    assert page.text.count(f">{number}</a>") == 2  # in the callout and in the latest orders
