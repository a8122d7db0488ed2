"""Reading ARES's answer: the street written the Czech way, the postal code with its space, and an
answer that is not the documented JSON refused rather than half-read."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.accounts import ares
from backend.accounts.domain import normalize_postal_code
from backend.accounts.schemas import AresCompanyOut
from tests.ares_register import KNOWN, KNOWN_ICO, LETTER, LETTER_ICO, VILLAGE, VILLAGE_ICO


def read(subject: dict, ico: str) -> AresCompanyOut:
    return ares.company_from_register(json.dumps(subject).encode(), ico)


def test_a_company_in_a_street_with_both_numbers() -> None:
    company = read(KNOWN, KNOWN_ICO)
    assert company == AresCompanyOut(
        ico=KNOWN_ICO,
        name="Vysoké učení technické v Brně",
        dic="CZ00216305",
        street="Antonínská 548/1",
        city="Brno",
        postal_code="601 90",
        country_code="CZ",
        address="Antonínská 548/1, Veveří, 60190 Brno",
    )


def test_an_orientation_number_keeps_its_letter() -> None:
    assert read(LETTER, LETTER_ICO).street == "Mrštíkova 399/2a"


def test_a_village_without_streets_names_its_part_and_the_house_number() -> None:
    company = read(VILLAGE, VILLAGE_ICO)
    assert (company.street, company.city, company.postal_code, company.dic) == (
        "Lhota 12",
        "Lhota",
        "277 14",
        None,
    )


@pytest.mark.parametrize(
    ("seat", "street"),
    [
        ({"nazevUlice": "Technická", "cisloDomovni": 2896, "cisloOrientacni": 2}, "Technická 2896/2"),
        ({"nazevUlice": "Náměstí Míru", "cisloDomovni": 1}, "Náměstí Míru 1"),
        ({"nazevUlice": "Dlouhá", "cisloOrientacni": 7, "cisloOrientacniPismeno": "b"}, "Dlouhá 7b"),
        ({"nazevUlice": "Bez čísla"}, "Bez čísla"),
        ({"nazevObce": "Horní Lhota", "cisloDomovni": 35}, "Horní Lhota 35"),
        ({"textovaAdresa": "Hauptstraße 5, 1010 Wien, Rakousko"}, "Hauptstraße 5"),
        ({}, ""),
    ],
)
def test_street_lines(seat: dict, street: str) -> None:
    assert ares.street_line(ares.msgspec.convert(seat, ares._Seat)) == street


@given(st.integers(min_value=10000, max_value=99999))
def test_every_czech_postal_code_is_written_as_the_form_takes_it(psc: int) -> None:
    written = ares.postal_code(psc)
    assert written == f"{str(psc)[:3]} {str(psc)[3:]}"
    assert normalize_postal_code(written) == written
    assert ares.postal_code(str(psc)) == written


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html>Service Unavailable</html>",
        b'{"ico": "00216305", "obchodniJmeno": ',  # cut off
        b"[]",
        b'{"ico": 216305, "obchodniJmeno": "VUT"}',  # the IČO as a number: not the documented shape
        b'{"ico": "00216305"}',  # no name
        b'{"ico": "00216305", "obchodniJmeno": "   "}',
        json.dumps({**KNOWN, "ico": "27074358"}).encode(),  # another subject than asked about
        json.dumps({**KNOWN, "sidlo": {"psc": [601, 90]}}).encode(),
    ],
)
def test_an_answer_that_is_not_the_documented_json_is_refused(body: bytes) -> None:
    with pytest.raises(ares.UnreadableAnswer):
        ares.company_from_register(body, KNOWN_ICO)


def test_a_filled_form_says_what_it_replaced_and_keeps_what_ares_does_not_know() -> None:
    typed = {"ico": VILLAGE_ICO, "name": "Strojírna Lhota s.r.o.", "dic": "CZ25596641", "city": "Lhot a"}
    values, replaced = ares.filled_in(typed, read(VILLAGE, VILLAGE_ICO))
    assert values == {
        "ico": VILLAGE_ICO,
        "name": "Strojírna Lhota s.r.o.",
        "dic": "CZ25596641",  # ARES has no DIČ for it: what was typed stays
        "street": "Lhota 12",
        "city": "Lhota",
        "postal_code": "277 14",
    }
    assert replaced == {"city": "Lhot a"}  # the same name typed is no replacement
