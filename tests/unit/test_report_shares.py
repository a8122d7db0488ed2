"""The share of good ratings: a whole percent rounded half up, in integers (never a float)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.reports.services import share_percent


@pytest.mark.parametrize(
    ("good", "bad", "percent"),
    [
        (4, 2, 67),
        (2, 4, 33),
        (1, 1, 50),
        (1, 7, 13),
        (7, 1, 88),
        (1, 2, 33),
        (2, 1, 67),
        (3, 0, 100),
        (0, 5, 0),
    ],
)
def test_shares_round_half_up(good: int, bad: int, percent: int) -> None:
    assert share_percent(good, bad) == percent


def test_no_ratings_have_no_share() -> None:
    assert share_percent(0, 0) is None


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_the_share_is_the_exact_ratio_rounded_half_up(good: int, bad: int) -> None:
    share = share_percent(good, bad)
    if good + bad == 0:
        assert share is None
        return
    exact = Fraction(100 * good, good + bad)
    assert isinstance(share, int)
    # the nearest whole percent; exactly half way goes up
    assert exact - Fraction(1, 2) < share <= exact + Fraction(1, 2)
    assert share == int(exact + Fraction(1, 2))
