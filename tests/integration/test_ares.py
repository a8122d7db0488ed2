"""The ARES client and GET /api/v1/ares/{ico} against a stand-in register on loopback
(tests/ares_register.py): known, unknown, slow, malformed and broken answers, and the refusals
before anything is asked."""

from __future__ import annotations

import time

import pytest

from backend.accounts import ares
from backend.errors import NotFound, Unavailable
from backend.settings import get_settings
from tests.ares_register import (
    BROKEN_ICO,
    KNOWN_ICO,
    LETTER_ICO,
    MALFORMED_ICO,
    SLOW_ICO,
    UNKNOWN_ICO,
)
from tests.helpers import register

LANGUAGES = {"cs": {"accept-language": "cs"}, "en": {"accept-language": "en"}}


async def test_a_known_ico_gives_the_companys_details(ares_stub) -> None:
    company = await ares.fetch_company(LETTER_ICO)
    assert (company.name, company.dic, company.street, company.city, company.postal_code) == (
        "OSIT s.r.o.",
        "CZ27074358",
        "Mrštíkova 399/2a",
        "Liberec",
        "460 07",
    )
    assert ares_stub.asked == [LETTER_ICO]


@pytest.mark.parametrize("ico", [UNKNOWN_ICO])
async def test_an_unknown_ico_is_not_found(ares_stub, ico) -> None:
    with pytest.raises(NotFound) as unknown:
        await ares.fetch_company(ico)
    assert unknown.value.params == {"ico": ico}


@pytest.mark.parametrize("ico", [MALFORMED_ICO, BROKEN_ICO])
async def test_a_malformed_or_failing_answer_is_unavailable(ares_stub, ico) -> None:
    with pytest.raises(Unavailable):
        await ares.fetch_company(ico)


async def test_an_answer_slower_than_the_timeout_is_unavailable(ares_stub) -> None:
    assert get_settings().ares_timeout_seconds == 1
    started = time.monotonic()
    with pytest.raises(Unavailable):
        await ares.fetch_company(SLOW_ICO)
    assert time.monotonic() - started < 2.5  # cut off at the timeout, not after the 3 s answer


async def test_a_register_nobody_answers_at_is_unavailable() -> None:
    # conftest points ARES_BASE_URL at a loopback port nobody listens on
    with pytest.raises(Unavailable):
        await ares.fetch_company(KNOWN_ICO)


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.db
@pytest.mark.parametrize("language", ["cs", "en"])
async def test_the_api_answers_200_404_503_and_400(anonymous, ares_stub, language) -> None:
    await register(anonymous, language=language)
    headers = LANGUAGES[language]
    found = await anonymous.get(f"/api/v1/ares/{KNOWN_ICO}", headers=headers)
    assert found.status_code == 200, found.text
    assert found.json() == {
        "ico": KNOWN_ICO,
        "name": "Vysoké učení technické v Brně",
        "dic": "CZ00216305",
        "street": "Antonínská 548/1",
        "city": "Brno",
        "postal_code": "601 90",
        "country_code": "CZ",
        "address": "Antonínská 548/1, Veveří, 60190 Brno",
    }

    unknown = await anonymous.get(f"/api/v1/ares/{UNKNOWN_ICO}", headers=headers)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    expected = {
        "cs": f"ARES nezná IČO {UNKNOWN_ICO}; vyplňte údaje ručně.",
        "en": f"ARES does not know the company ID (IČO) {UNKNOWN_ICO}; fill in the details yourself.",
    }
    assert unknown.json()["detail"] == expected[language]

    for ico in (SLOW_ICO, MALFORMED_ICO):
        away = await anonymous.get(f"/api/v1/ares/{ico}", headers=headers)
        assert away.status_code == 503, away.text
        assert away.json()["detail"].startswith("ARES teď neodpovídá" if language == "cs" else "ARES is not")

    asked = len(ares_stub.asked)
    for bad in ("12345678", "1234567890", "abc"):
        refused = await anonymous.get(f"/api/v1/ares/{bad}", headers=headers)
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"]["ico"]
    assert len(ares_stub.asked) == asked  # a malformed IČO is never sent to ARES


@pytest.mark.db
async def test_the_api_is_for_signed_in_users_and_counts_their_look_ups(
    anonymous, ares_stub, monkeypatch
) -> None:
    signed_out = await anonymous.get(f"/api/v1/ares/{KNOWN_ICO}")
    assert signed_out.status_code == 401 and ares_stub.asked == []
    await register(anonymous)
    monkeypatch.setenv("ARES_LOOKUPS_PER_WINDOW", "3")
    get_settings.cache_clear()
    answers = [(await anonymous.get(f"/api/v1/ares/{KNOWN_ICO}")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = await anonymous.get(f"/api/v1/ares/{KNOWN_ICO}")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert len(ares_stub.asked) == 3
