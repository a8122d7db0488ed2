"""The registration form and the company page fill the company's details in from ARES (the
stand-in register on loopback), with htmx and without: filled and still editable, what ARES
replaced shown, an unknown IČO or a register that does not answer said inline, never a 500, and
registration never blocked."""

from __future__ import annotations

import html
import re

import pytest

from backend.accounts.tables import Company
from backend.settings import get_settings
from tests.ares_register import KNOWN_ICO, MALFORMED_ICO, SLOW_ICO, UNKNOWN_ICO, VILLAGE_ICO
from tests.helpers import PASSWORD, register, valid_ico, wrong_check_digit

pytestmark = pytest.mark.db

HTMX = {"hx-request": "true"}
LANGUAGES = ("cs", "en")
FILLED = {
    "cs": "Údaje jsme doplnili z ARES; zkontrolujte je.",
    "en": "We filled in the details from ARES; check them.",
}
UNKNOWN = {
    "cs": f"ARES nezná IČO {UNKNOWN_ICO}; vyplňte údaje ručně.",
    "en": f"ARES does not know the company ID (IČO) {UNKNOWN_ICO}; fill in the details yourself.",
}
AWAY = {
    "cs": "ARES teď neodpovídá; vyplňte údaje ručně, nebo to zkuste za chvíli.",
    "en": "ARES is not answering right now; fill in the details yourself, or try again in a while.",
}


def shown(page) -> str:
    return html.unescape(page.text)


def value_of(page, name: str) -> str:
    match = re.search(rf'<input id="[^"]*" name="{name}"[^>]*?value="([^"]*)"', page.text, re.S)
    if match is None:
        match = re.search(rf'name="{name}"[^>]*?value="([^"]*)"', page.text, re.S)
    assert match is not None, f"no field {name}"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain post"])
async def test_registration_fills_the_company_from_a_known_ico(anonymous, ares_stub, language, htmx) -> None:
    typed = {"ico": KNOWN_ICO, "name": "VUT", "city": "", "full_name": "Jana Nováková", "password": PASSWORD}
    headers = {"accept-language": language, **(HTMX if htmx else {})}
    page = await anonymous.post("/register/ares", data=typed, headers=headers)
    assert page.status_code == 200, page.text
    assert FILLED[language] in shown(page)
    assert value_of(page, "name") == "Vysoké učení technické v Brně"
    assert value_of(page, "street") == "Antonínská 548/1"
    assert value_of(page, "city") == "Brno"
    assert value_of(page, "postal_code") == "601 90"
    assert value_of(page, "dic") == "CZ00216305"
    assert ('<input id="ico"' in page.text) is not htmx  # the IČO the person typed is left alone
    # the name typed before is shown as replaced, so nothing typed disappears unseen
    assert re.search(r"<li>[^<]+: VUT</li>", page.text)
    assert PASSWORD not in page.text
    if htmx:  # the note, and only the fields ARES filled, swapped in by their ids
        assert page.text.lstrip().startswith('<div id="ares-note">') and "<html" not in page.text
        swapped = re.findall(r'<input id="(\w+)"[^>]*hx-swap-oob="true"', page.text, re.S)
        assert sorted(swapped) == ["city", "dic", "name", "postal_code", "street"]
    else:  # the whole form again, with the person's own fields kept (never the password)
        assert "<html" in page.text and value_of(page, "full_name") == "Jana Nováková"
    assert await Company.count() == 0  # a look-up registers nothing


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_unknown_ico_or_a_silent_register_is_said_and_registration_goes_on(
    anonymous, ares_stub, language
) -> None:
    headers = {"accept-language": language}
    for ico, message in ((UNKNOWN_ICO, UNKNOWN), (SLOW_ICO, AWAY), (MALFORMED_ICO, AWAY)):
        for extra in (HTMX, {}):
            page = await anonymous.post(
                "/register/ares", data={"ico": ico, "name": "Ruční s.r.o."}, headers={**headers, **extra}
            )
            assert page.status_code == 200, page.text
            assert message[language] in shown(page)
            if extra:  # htmx: the note only; no field the person may be typing in is touched
                assert "<input" not in page.text
            else:  # the whole form again, with what was typed
                assert value_of(page, "name") == "Ruční s.r.o."
    # and the person registers with the details typed in by hand
    form = {
        "ico": UNKNOWN_ICO,
        "name": "Ruční s.r.o.",
        "street": "Dlouhá 1",
        "city": "Brno",
        "postal_code": "60200",
        "full_name": "Jan Ruční",
        "email": "jan@rucni.example",
        "password": PASSWORD,
    }
    registered = await anonymous.post("/register", data=form, headers=headers)
    assert registered.status_code == 303, registered.text
    assert (await Company.select(Company.name).where(Company.ico == UNKNOWN_ICO).first())[
        "name"
    ] == "Ruční s.r.o."


async def test_the_registration_look_up_refuses_an_ico_that_cannot_be_registered(
    anonymous, ares_stub
) -> None:
    await register(anonymous, ico=VILLAGE_ICO)
    await anonymous.post("/api/v1/auth/logout")
    for ico in (wrong_check_digit(valid_ico()), VILLAGE_ICO):
        page = await anonymous.post(
            "/register/ares", data={"ico": ico}, headers={"accept-language": "en", **HTMX}
        )
        assert page.status_code == 422
        assert re.search(r'<small id="ico-error"[^>]*hx-swap-oob="true">[^<]+</small>', page.text)
    assert "already registered" in shown(page)
    assert ares_stub.asked == []  # neither was sent to ARES


async def test_the_registration_look_up_is_counted_per_client_address(
    anonymous, ares_stub, monkeypatch
) -> None:
    monkeypatch.setenv("ARES_LOOKUPS_PER_WINDOW", "2")
    get_settings.cache_clear()
    answers = []
    for _ in range(3):
        page = await anonymous.post(
            "/register/ares", data={"ico": KNOWN_ICO}, headers={"accept-language": "en"}
        )
        answers.append(page.status_code)
    assert answers == [200, 200, 429]
    assert "Too many look-ups in ARES" in shown(page) and int(page.headers["retry-after"]) > 0
    assert len(ares_stub.asked) == 2


async def test_the_register_page_has_the_button_and_registers_on_enter(anonymous) -> None:
    page = await anonymous.get("/register", headers={"accept-language": "cs"})
    assert "Načíst z ARES" in page.text and 'formaction="/register/ares"' in page.text
    # Enter in a field sends the form with its first submit button: registering, before the ARES one
    buttons = re.findall(r"<button[^>]*>", page.text[page.text.index('action="/register"') :])
    assert "formaction" not in buttons[0]


# --- the company page --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain post"])
async def test_the_company_page_fills_the_details_from_its_ico_without_saving(
    anonymous, ares_stub, language, htmx
) -> None:
    await register(anonymous, ico=KNOWN_ICO, name="VUT", language=language)  # Brno, 60200
    typed = {"name": "VUT", "dic": "", "street": "", "city": "Brno", "postal_code": "602 00"}
    headers = {"accept-language": language, **(HTMX if htmx else {})}
    page = await anonymous.post("/company/details/ares", data=typed, headers=headers)
    assert page.status_code == 200, page.text
    assert FILLED[language] in shown(page)
    assert value_of(page, "name") == "Vysoké učení technické v Brně"
    assert value_of(page, "street") == "Antonínská 548/1"
    assert value_of(page, "postal_code") == "601 90"
    assert re.search(r"<li>[^<]+: 602 00</li>", page.text)  # what it replaced
    assert ("<html" in page.text) is not htmx
    assert (await Company.select(Company.name).first())["name"] == "VUT"  # nothing saved yet
    saved = await anonymous.post(
        "/company/details",
        data={k: value_of(page, k) for k in ("name", "dic", "street", "city", "postal_code")},
        headers=HTMX,
    )
    assert saved.status_code == 200, saved.text
    row = await Company.select().first()
    assert (row["name"], row["street"], row["postal_code"], row["dic"]) == (
        "Vysoké učení technické v Brně",
        "Antonínská 548/1",
        "601 90",
        "CZ00216305",
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_company_page_says_when_ares_does_not_know_or_answer(
    anonymous, ares_stub, language
) -> None:
    await register(anonymous, ico=UNKNOWN_ICO, language=language)
    page = await anonymous.post("/company/details/ares", data={"name": "Test s.r.o."}, headers=HTMX)
    assert page.status_code == 200 and UNKNOWN[language] in shown(page)
    assert value_of(page, "name") == "Test s.r.o."
    ares_stub.server.shutdown()  # the register stops answering
    ares_stub.server.server_close()
    away = await anonymous.post("/company/details/ares", data={"name": "Test s.r.o."})
    assert away.status_code == 200 and AWAY[language] in shown(away)
