"""The one input path: a form read into the API's Struct, and money written as people write it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import FieldErrors
from backend.forms import Refused, decode_form, parse_decimal, parse_money
from backend.validation import MONEY, from_validation_error

Amount = Annotated[int, msgspec.Meta(ge=-(10**11), le=10**11, extra={"form": MONEY})]


class Inner(msgspec.Struct):
    email: Annotated[str, msgspec.Meta(max_length=5)]


class Sample(msgspec.Struct):
    amount: Amount
    months: Annotated[int, msgspec.Meta(ge=1, le=60)] = 12
    note: Annotated[str, msgspec.Meta(max_length=10)] = ""
    kind: Literal["topup", "adjustment"] = "topup"
    when: date | None = None
    quantity: Decimal = Decimal(1)
    urgent: bool = False


class Nested(msgspec.Struct):
    inner: Inner
    name: str


@pytest.mark.parametrize(
    ("written", "halere"),
    [
        ("1 500", 150_000),
        ("1500", 150_000),
        ("1 500,50", 150_050),
        ("1500.50", 150_050),
        ("1500,5", 150_050),
        ("0,05", 5),
        ("-200", -20_000),
        ("- 200", -20_000),
        ("1\xa0500 Kč", 150_000),
        ("12 345 678,90", 1_234_567_890),
        ("CZK 99", 9_900),
    ],
)
def test_money_is_read_as_written(written, halere):
    assert parse_money(written) == halere


@pytest.mark.parametrize("ambiguous", ["1.500", "1,500", "12.345", "999,999", "-1.500"])
def test_money_that_could_mean_two_amounts_is_refused_with_both_ways_to_write_it(ambiguous):
    with pytest.raises(Refused) as refused:
        parse_money(ambiguous)
    whole, fraction = ambiguous.lstrip("-").replace(",", ".").split(".")
    assert refused.value.params["thousands"] == f"{whole} {fraction}"
    assert refused.value.params["decimal"] == f"{whole},{fraction[:2]}"


@pytest.mark.parametrize(
    "bad",
    ["", "abc", "1.500.000", "1.500,50", "1,500.50", "1e3", "NaN", "²", "٣٣", "1 50", "12,3456", "--5"],
)
def test_money_that_is_not_an_amount_is_refused(bad):
    with pytest.raises(Refused):
        parse_money(bad)


@given(st.integers(min_value=0, max_value=10**11))
def test_every_amount_written_with_a_comma_or_a_point_reads_back(halere):
    crowns, rest = divmod(halere, 100)
    grouped = f"{crowns:,}".replace(",", " ")
    assert parse_money(f"{grouped},{rest:02d}") == halere
    assert parse_money(f"{crowns}.{rest:02d}") == halere
    if rest == 0:
        assert parse_money(grouped) == halere


@pytest.mark.parametrize("bad", ["1e-999999999", "NaN", "²", "٣", "1,2.3", "Infinity", "0x10"])
def test_a_quantity_is_plain_ascii_digits(bad):
    with pytest.raises(Refused):
        parse_decimal(bad)


def test_a_quantity_takes_the_decimal_comma():
    assert parse_decimal("1,25") == Decimal("1.25")
    assert parse_decimal("2") == Decimal(2)


def test_a_form_becomes_the_struct_the_api_takes():
    decoded = decode_form(
        {
            "amount": "1 500,50",
            "months": "6",
            "note": "ok",
            "kind": "adjustment",
            "when": "2026-12-24",
            "quantity": "1,5",
            "urgent": "on",
        },
        Sample,
    )
    assert decoded == Sample(150_050, 6, "ok", "adjustment", date(2026, 12, 24), Decimal("1.5"), True)


def test_fields_left_empty_take_their_defaults():
    assert decode_form({"amount": "10", "months": "", "when": ""}, Sample) == Sample(amount=1000)


def test_every_wrong_field_is_reported_at_once():
    with pytest.raises(FieldErrors) as refused:
        decode_form(
            {"amount": "1.500", "months": "0", "note": "x" * 11, "kind": "gift", "when": "24. 12."}, Sample
        )
    assert set(refused.value.errors) == {"amount", "months", "note", "kind", "when"}
    assert refused.value.errors["months"].params == {"min": 1, "max": 60}


def test_a_required_field_missing_from_the_form_is_named():
    with pytest.raises(FieldErrors) as refused:
        decode_form({}, Sample)
    assert refused.value.errors["amount"].message == "Fill this in."


def test_a_nested_struct_reads_from_the_same_flat_form():
    assert decode_form({"email": "a@b", "name": "X"}, Nested) == Nested(Inner("a@b"), "X")


@pytest.mark.parametrize(
    ("payload", "form"),
    [
        ({"amount": 1, "months": 0}, {"amount": "0,01", "months": "0"}),
        ({"amount": 1, "months": 61}, {"amount": "0,01", "months": "61"}),
        ({"amount": 1, "note": "x" * 11}, {"amount": "0,01", "note": "x" * 11}),
        ({"amount": 1, "kind": "gift"}, {"amount": "0,01", "kind": "gift"}),
        ({"amount": 10**12}, {"amount": "10 000 000 000"}),
        ({}, {}),
    ],
)
def test_the_api_and_a_form_give_the_same_field_error_for_the_same_value(payload, form):
    with pytest.raises(msgspec.ValidationError) as api:
        msgspec.convert(payload, Sample, strict=False)
    from_api = from_validation_error(Sample, api.value)
    with pytest.raises(FieldErrors) as page:
        decode_form(form, Sample)
    from_page = page.value.errors[from_api.field]
    assert (from_page.message, from_page.params) == (from_api.message, from_api.params)


def test_a_nested_api_error_names_the_field_as_the_form_does():
    with pytest.raises(msgspec.ValidationError) as api:
        msgspec.convert({"inner": {"email": "toolong"}, "name": "X"}, Nested)
    refused = from_validation_error(Nested, api.value)
    assert refused.field == "email"
    assert refused.params == {"max": 5}
