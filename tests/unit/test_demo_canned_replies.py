"""The demo's canned replies read as a Czech support engineer writes: a plain "Dobrý den," (a
full name in the nominative after it is not Czech), the English ones greet by name."""

from __future__ import annotations

import pytest

from backend.canned.domain import PLACEHOLDERS
from backend.demo import CANNED_REPLIES


@pytest.mark.parametrize(("title", "czech", "english"), CANNED_REPLIES)
def test_a_czech_canned_reply_opens_with_a_plain_greeting(title: str, czech: str, english: str) -> None:
    assert czech.startswith("Dobrý den,\n\n"), title
    assert "{customer_name}," not in czech.split("\n\n")[0]
    if english:
        assert english.startswith("Hello {customer_name},\n\n"), title
    for text in (czech, english):
        assert set(PLACEHOLDERS) >= {part.split("}")[0] for part in text.split("{")[1:]}
