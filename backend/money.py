"""Czech crowns in haléře (1 CZK = 100 haléřů): integers only, never floats.

Prices in the catalogue are net. VAT is computed per line on the line's net amount and rounded
half up to a whole haléř; gross is net + VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency

CURRENCY = "CZK"
MAX_AMOUNT = 10**11  # a billion crowns: any larger amount is a typo, and stays far from int64
QUANTITY_SCALE = 100  # quantities are kept in hundredths of their unit (1.25 hours = 125)


def divide_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (the commercial rule)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True, slots=True)
class Amount:
    """A priced line: net, VAT and gross in haléře."""

    net: int
    vat: int
    gross: int


def with_vat(net: int, vat_rate_percent: int) -> Amount:
    vat = divide_half_up(net * vat_rate_percent, 100)
    return Amount(net=net, vat=vat, gross=net + vat)


def round_half_up(value: Fraction) -> int:
    """An exact value to whole haléře, halves away from zero (the commercial rule)."""
    return divide_half_up(value.numerator, value.denominator)


def line_net(unit_price: int, quantity: Fraction | int, discount_percent: int = 0) -> int:
    """The net of one line: unit price × quantity less the discount, computed exactly and rounded
    once, half up (SPEC §3). Estimates, quotes, orders, work beyond credit and invoice lines all
    price through this one function, so no line is ever rounded twice."""
    if not 0 <= discount_percent <= 100:
        raise ValueError("a discount is 0 to 100 percent")
    return round_half_up(Fraction(unit_price) * Fraction(quantity) * Fraction(100 - discount_percent, 100))


def line_amount(
    unit_price: int, quantity_hundredths: int, vat_rate_percent: int, discount_percent: int = 0
) -> Amount:
    """unit price × quantity (hundredths) less the discount, rounded once, then VAT on that line."""
    net = line_net(unit_price, Fraction(quantity_hundredths, QUANTITY_SCALE), discount_percent)
    return with_vat(net, vat_rate_percent)


def to_decimal_czk(halere: int) -> Decimal:
    return Decimal(halere).scaleb(-2)


@lru_cache(maxsize=4)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


# pages show the same prices and balances over and over: formatting is the costly part of a row
@lru_cache(maxsize=8192)
def format_czk(halere: int, language: str) -> str:
    """`1 234,50 Kč` in Czech, `CZK 1,234.50` in English (non-breaking spaces)."""
    value = to_decimal_czk(halere)
    if language == "en":
        return format_currency(
            value, CURRENCY, format="¤\xa0#,##0.00", locale=_locale("en"), currency_digits=False
        )
    return format_currency(value, CURRENCY, locale=_locale("cs"))
