"""Money in haléře: VAT per line, half-up rounding, parsing and formatting; integers only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.forms import parse_money
from backend.money import (
    Amount,
    divide_half_up,
    format_czk,
    line_amount,
    line_net,
    with_vat,
)

halere = st.integers(min_value=0, max_value=10**12)
rates = st.integers(min_value=0, max_value=100)


def reference_half_up(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=1, max_value=10**6))
def test_divide_half_up_matches_decimal_rounding(numerator: int, denominator: int) -> None:
    assert divide_half_up(numerator, denominator) == reference_half_up(numerator, denominator)


def test_halves_round_away_from_zero() -> None:
    assert divide_half_up(5, 10) == 1
    assert divide_half_up(15, 10) == 2
    assert divide_half_up(-5, 10) == -1
    assert divide_half_up(4, 10) == 0


def test_denominator_must_be_positive() -> None:
    with pytest.raises(ValueError):
        divide_half_up(1, 0)


@given(halere, rates)
def test_gross_is_net_plus_vat_and_vat_is_rounded_half_up(net: int, rate: int) -> None:
    amount = with_vat(net, rate)
    assert amount.gross == amount.net + amount.vat
    assert amount.vat == reference_half_up(net * rate, 100)
    assert all(isinstance(part, int) for part in (amount.net, amount.vat, amount.gross))


@given(halere, st.integers(min_value=1, max_value=100_000), rates)
def test_line_rounds_net_first_then_vat_on_the_line(unit_price: int, hundredths: int, rate: int) -> None:
    amount = line_amount(unit_price, hundredths, rate)
    exact_net = Decimal(unit_price) * Decimal(hundredths) / 100
    assert amount.net == int(exact_net.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert amount == with_vat(amount.net, rate)


def test_known_lines() -> None:
    # 1.25 hours at 1 650 Kč: 2 062,50 Kč net, VAT 433,125 → 433,13 Kč
    assert line_amount(165_000, 125, 21) == Amount(net=206_250, vat=43_313, gross=249_563)
    # 2 days of training at 18 000 Kč
    assert line_amount(1_800_000, 200, 21) == Amount(net=3_600_000, vat=756_000, gross=4_356_000)
    # 0.5 haléř of VAT rounds up
    assert with_vat(50, 21) == Amount(net=50, vat=11, gross=61)


steps = st.sampled_from([25, 50, 100])  # quarter hours, half days, pieces (hundredths)


@given(
    st.integers(min_value=0, max_value=10**9),
    steps,
    st.integers(min_value=1, max_value=8000),
    st.integers(min_value=0, max_value=100),
    rates,
)
def test_discounted_line_is_the_exact_half_up_result(
    unit_price: int, step: int, steps_ordered: int, discount: int, rate: int
) -> None:
    """One rounding, after the discount: the oracle is Decimal with enough precision, ROUND_HALF_UP."""
    hundredths = step * steps_ordered
    exact = Decimal(unit_price) * Decimal(hundredths) * Decimal(100 - discount) / Decimal(10_000)
    amount = line_amount(unit_price, hundredths, rate, discount)
    assert amount.net == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert amount == with_vat(amount.net, rate)
    assert 0 <= amount.net <= line_amount(unit_price, hundredths, rate).net


def test_discount_rounds_the_line_half_up_once() -> None:
    # Basic 5 %, 0.25 h of macro work at 1 650 Kč: 412,50 Kč × 0,95 = 391,875 Kč → 391,88 Kč
    # (subtracting a separately rounded discount gave 391,87 Kč)
    assert line_amount(165_000, 25, 21, 5).net == 39_188
    assert line_net(165_000, Fraction(1, 4), 5) == 39_188


def test_line_net_rounds_exact_fractions() -> None:
    assert line_net(100_000, Fraction(1, 60)) == 1_667  # a minute at 1 000 Kč/h: 1 666,67 haléře
    assert line_net(1, Fraction(1, 2)) == 1  # half a haléř rounds up
    assert line_net(1, Fraction(1, 3)) == 0
    with pytest.raises(ValueError):
        line_net(100, 1, 101)


def test_format_czech_and_english() -> None:
    assert format_czk(123_450, "cs") == "1\xa0234,50\xa0Kč"
    assert format_czk(123_450, "en") == "CZK\xa01,234.50"
    assert format_czk(5, "cs") == "0,05\xa0Kč"
    assert format_czk(-123_450, "cs").startswith("-1\xa0234,50")


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_czech_formatting_reads_back_as_the_same_amount(amount: int) -> None:
    assert parse_money(format_czk(amount, "cs")) == amount


@given(st.integers(min_value=0, max_value=10**11))
def test_amount_fields_use_the_languages_decimal_mark_and_read_back(amount: int) -> None:
    from backend.formatting import amount_input
    from backend.i18n import reset_language, use_language

    for language, mark in (("cs", ","), ("en", ".")):
        token = use_language(language)
        try:
            shown = amount_input(amount)
        finally:
            reset_language(token)
        assert shown[-3] == mark and parse_money(shown) == amount
        whole = shown[:-3]
        if language == "cs":  # thousands apart by a plain space: 1 642,99
            assert all(len(group) == 3 for group in whole.split(" ")[1:]) and "\xa0" not in shown
            assert whole.replace(" ", "") == str(amount // 100)
        else:
            assert whole == str(amount // 100)


def test_czech_amount_field_groups_thousands() -> None:
    from backend.formatting import amount_input
    from backend.i18n import reset_language, use_language

    token = use_language("cs")
    try:
        assert [amount_input(value) for value in (164299, 99, 100000000, 0)] == [
            "1 642,99",
            "0,99",
            "1 000 000,00",
            "0,00",
        ]
    finally:
        reset_language(token)
