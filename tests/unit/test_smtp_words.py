"""The e-mail sender's raw errors, said in words on the reports page."""

from __future__ import annotations

import pytest

from backend.reports.smtp_words import UNKNOWN, explain_smtp_error


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (
            "Error connecting to 127.0.0.1 on port 1025: [Errno 111] Connection refused",
            "refused the connection",
        ),
        ("[Errno -2] Name or service not known", "could not be found"),
        ("Timed out connecting to smtp.example.cz on port 587", "did not answer in time"),
        ("", "reported an error"),  # asyncio's TimeoutError says nothing at all
        ("(535, '5.7.8 Authentication credentials invalid')", "user name or password"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "certificate"),
        ("(550, '5.1.1 <nobody@example.cz>: Recipient address rejected')", "recipient"),
        ("(451, '4.3.0 Temporary failure, try again later')", "for now"),
    ],
)
def test_each_raw_error_gets_a_sentence(raw: str, says: str) -> None:
    assert says in explain_smtp_error(raw)


def test_an_error_nobody_foresaw_still_reads_as_a_sentence() -> None:
    assert explain_smtp_error("something odd happened") == UNKNOWN
