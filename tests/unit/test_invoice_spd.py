"""QR platba: the SPD string of an invoice, and every field the builder refuses."""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from stdnum import iban as stdnum_iban

from backend.errors import InvalidInput
from backend.invoices.qr import qr_png, qr_svg
from backend.invoices.spd import MAX_AMOUNT, descriptor, payment_descriptor
from tests.invoice_samples import credit_note, document, invoice

IBAN = "CZ4720100000002001234567"
DUE = date(2026, 12, 14)


def fields(spd: str) -> dict[str, str]:
    """The standard's reading of a descriptor: header, version, then key:value pairs split on *."""
    header, version, *pairs = spd.split("*")
    assert (header, version) == ("SPD", "1.0")
    out = {}
    for pair in pairs:
        key, _colon, value = pair.partition(":")
        assert key not in out
        out[key] = value
    return out


def test_an_invoice_pays_its_total_to_the_supplier_account_with_its_variable_symbol():
    spd = payment_descriptor(invoice())
    assert spd == (
        "SPD*1.0*ACC:CZ4720100000002001234567+FIOBCZPPXXX*AM:16858.74*CC:CZK"
        "*X-VS:202600042*DT:20261214*MSG:FAKTURA FA-2026-00042"
    )


def test_a_credit_note_and_a_zero_total_ask_for_no_payment():
    assert payment_descriptor(credit_note()) is None
    assert payment_descriptor(document([])) is None


def test_the_amount_keeps_two_decimals():
    assert fields(descriptor(IBAN, 100, "1", DUE, ""))["AM"] == "1.00"
    assert fields(descriptor(IBAN, 5, "1", DUE, ""))["AM"] == "0.05"
    assert fields(descriptor(IBAN, MAX_AMOUNT, "1", DUE, ""))["AM"] == "9999999.99"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iban": "CZ4820100000002001234567"}, "iban"),  # a check digit off by one
        ({"iban": "not an iban"}, "iban"),
        ({"iban": "CZ9920100000002001234601"}, "iban"),  # CZ02… is valid; 99 ≡ 02 mod 97, yet no IBAN has 99
        ({"amount_halere": 0}, "amount"),
        ({"amount_halere": -100}, "amount"),
        ({"amount_halere": MAX_AMOUNT + 1}, "amount"),
        ({"amount_halere": 12.5}, "amount"),
        ({"vs": ""}, "variable_symbol"),
        ({"vs": "12345678901"}, "variable_symbol"),
        ({"vs": "12A"}, "variable_symbol"),
        ({"msg": "x" * 61}, "message"),
        ({"msg": "FAKTURA*1"}, "message"),
        ({"msg": "Příliš žluťoučký kůň"}, "message"),  # ř, ž, ť, ů are outside ISO-8859-1
        ({"bic": "FIO"}, "bic"),
        ({"bic": "FIOB*ZPP"}, "bic"),
        ({"due": "2026-12-14"}, "due_on"),
    ],
)
def test_each_bad_field_is_refused_by_name(change, field):
    values = {"iban": IBAN, "amount_halere": 100, "vs": "1", "due": DUE, "msg": "OK", "bic": None} | change
    with pytest.raises(InvalidInput) as refused:
        descriptor(**values)
    assert refused.value.field == field


def ibans():
    """Valid Czech IBANs: a bank code and an account number, the check digits computed."""

    def build(bank: int, prefix: int, number: int) -> str:
        bban = f"{bank:04d}{prefix:06d}{number:010d}"
        return f"CZ{stdnum_iban.calc_check_digits('CZ00' + bban)}{bban}"

    return st.builds(build, st.integers(0, 9999), st.integers(0, 999999), st.integers(0, 10**10 - 1))


latin1_text = st.text(
    alphabet=st.characters(codec="iso-8859-1", exclude_characters="*", exclude_categories=("Cc",)),
    max_size=60,
)


@given(
    iban=ibans(),
    amount=st.integers(1, MAX_AMOUNT),
    vs=st.from_regex(r"[0-9]{1,10}", fullmatch=True),
    due=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    msg=latin1_text,
    bic=st.none() | st.from_regex(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", fullmatch=True),
)
def test_valid_fields_always_give_a_string_that_parses_back_into_them(iban, amount, vs, due, msg, bic):
    assert stdnum_iban.is_valid(iban)
    parsed = fields(descriptor(iban, amount, vs, due, msg, bic=bic))
    account = iban if bic is None else f"{iban}+{bic}"
    expected = {"ACC": account, "AM": f"{amount // 100}.{amount % 100:02d}", "CC": "CZK", "X-VS": vs}
    expected["DT"] = due.strftime("%Y%m%d")
    if msg:
        expected["MSG"] = msg
    assert parsed == expected
    assert list(parsed) == list(expected)  # the field order of the standard's example


@given(iban=ibans(), digit=st.integers(0, 99))
def test_a_wrong_check_digit_is_always_refused(iban, digit):
    wrong = f"CZ{digit:02d}{iban[4:]}"
    if wrong == iban:
        return
    with pytest.raises(InvalidInput):
        descriptor(wrong, 100, "1", DUE, "")


@given(msg=st.text(min_size=61, max_size=80))
def test_a_message_over_sixty_characters_is_always_refused(msg):
    with pytest.raises(InvalidInput):
        descriptor(IBAN, 100, "1", DUE, msg)


def test_the_qr_code_reads_back_as_the_exact_descriptor():
    spd = payment_descriptor(invoice())
    image = Image.open(io.BytesIO(qr_png(spd)))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [spd]


def test_the_qr_code_for_the_page_is_inline_svg():
    svg = qr_svg("SPD*1.0*ACC:" + IBAN)
    assert svg.startswith("<svg") and "<path" in svg and "<?xml" not in svg
