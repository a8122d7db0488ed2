"""Company and account rules, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.accounts import domain
from backend.errors import FieldErrors, InvalidInput

seven_digits = st.text(alphabet="0123456789", min_size=7, max_size=7)


@pytest.mark.parametrize("ico", ["25596641", "27082440", "00006947", "45274649"])
def test_real_icos_pass(ico: str) -> None:
    assert domain.normalize_ico(ico) == ico


def test_ico_with_spaces_and_missing_leading_zeros_is_normalised() -> None:
    assert domain.normalize_ico(" 6947 ") == "00006947"


@given(seven_digits)
def test_the_official_check_digit_is_accepted(first_seven: str) -> None:
    ico = first_seven + str(domain.ico_check_digit(first_seven))
    assert domain.normalize_ico(ico) == ico


@given(seven_digits, st.integers(min_value=1, max_value=9))
def test_any_other_last_digit_is_refused_with_a_clear_message(first_seven: str, shift: int) -> None:
    wrong = first_seven + str((domain.ico_check_digit(first_seven) + shift) % 10)
    with pytest.raises(InvalidInput) as refused:
        domain.normalize_ico(wrong)
    assert refused.value.field == "ico"
    assert "check digit" in str(refused.value)


@pytest.mark.parametrize("raw", ["", "123456789", "1234567a", "１２３４５６７８"])
def test_malformed_ico_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        domain.normalize_ico(raw)


def test_check_digit_rule_for_remainders_zero_and_one() -> None:
    # weighted sum % 11 == 0 -> check digit 1; == 1 -> check digit 0
    assert domain.ico_check_digit("0000000") == 1
    assert domain.ico_check_digit("0000006") == 0  # 6*2 = 12, 12 % 11 == 1


@given(st.text(alphabet="0123456789", min_size=8, max_size=10))
def test_dic_is_cz_and_8_to_10_digits(digits: str) -> None:
    assert domain.normalize_dic(f"cz {digits}") == f"CZ{digits}"


@pytest.mark.parametrize("raw", ["CZ1234567", "CZ12345678901", "SK12345678", "12345678"])
def test_malformed_dic_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        domain.normalize_dic(raw)
    assert refused.value.field == "dic"


def test_dic_is_optional() -> None:
    assert domain.normalize_dic("  ") is None


def test_password_needs_ten_characters() -> None:
    with pytest.raises(InvalidInput):
        domain.check_password("123456789")
    assert domain.check_password("1234567890") == "1234567890"


@pytest.mark.parametrize("raw", ["", "no-at-sign", "a@b", "two@@example.cz", "sp ace@example.cz"])
def test_bad_email_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        domain.normalize_email(raw)


def test_email_is_lowercased() -> None:
    assert domain.normalize_email(" Jana.Novakova@Firma.CZ ") == "jana.novakova@firma.cz"


def test_postal_code_is_written_the_czech_way() -> None:
    assert domain.normalize_postal_code("60200") == "602 00"
    with pytest.raises(InvalidInput):
        domain.normalize_postal_code("6020")


def test_collect_reports_every_failing_field() -> None:
    with pytest.raises(FieldErrors) as refused:
        domain.collect(
            ico=lambda: domain.normalize_ico("12345678"), email=lambda: domain.normalize_email("x")
        )
    assert set(refused.value.errors) == {"ico", "email"}


def test_roles() -> None:
    assert domain.Role.STAFF_ADMIN.is_staff and not domain.Role.STAFF_ADMIN.is_customer
    assert domain.Role.CUSTOMER_MEMBER.is_customer and not domain.Role.CUSTOMER_MEMBER.is_staff
