"""Mail-in's pure parts: IMAP_URL, our Message-IDs and plus-addresses read back, machine mail
recognised, the reply's new text found (Czech and English clients), the hourly answer limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.mailin.domain import ANSWER_EVERY, may_answer, preview
from backend.mailin.imap import parse_imap_url
from backend.mailin.parse import html_to_text, read_headers, read_mail, reply_text
from backend.notifications.headers import (
    envelope_headers,
    outbox_message_id,
    referenced,
    reply_address,
    reply_token_in,
    ticket_thread_id,
)
from backend.tickets.domain import new_reply_token


def test_imap_url_forms_like_smtp_url() -> None:
    tls = parse_imap_url(
        "imaps://podpora%40firma.cz:p%C3%A1ss%2Fw%3Ard@mail.firma.cz/Podpora%2FDo%C5%A1l%C3%A1"
    )
    assert (tls.security, tls.port, tls.host) == ("tls", 993, "mail.firma.cz")
    assert (tls.user, tls.password, tls.folder) == ("podpora@firma.cz", "páss/w:rd", "Podpora/Došlá")
    starttls = parse_imap_url("imap+starttls://u:p@mail.example.cz:1143")
    assert (starttls.security, starttls.port, starttls.folder) == ("starttls", 1143, "INBOX")
    assert parse_imap_url("imap://u:p@127.0.0.1/").security == "plain"
    for wrong in ("pop3://u:p@host/", "imap://host/INBOX", "imaps://u:p@host:port/"):
        with pytest.raises(ValueError):
            parse_imap_url(wrong)


def test_a_bad_imap_url_is_a_settings_error(monkeypatch) -> None:
    from backend.settings import SettingsError, load_settings

    monkeypatch.setenv("IMAP_URL", "imap://nobody-at-host")
    with pytest.raises(SettingsError, match="IMAP_URL"):
        load_settings().check()


@given(st.integers(min_value=1, max_value=10**12))
def test_our_message_ids_are_read_back_and_a_forged_one_is_not(number: int) -> None:
    assert referenced([outbox_message_id(number)]) == [("outbox", number)]
    assert referenced([f"<x@y> {ticket_thread_id(number)}"]) == [("ticket", number)]
    forged = outbox_message_id(number + 1).replace(f"outbox-{number + 1}.", f"outbox-{number}.")
    assert referenced([forged]) == []


def test_the_nearest_reference_comes_first() -> None:
    assert referenced([f"{ticket_thread_id(1)} {outbox_message_id(7)}"]) == [("outbox", 7), ("ticket", 1)]


@given(st.builds(new_reply_token), st.sampled_from([str.lower, str.upper, lambda s: s]))
def test_the_token_is_found_in_the_plus_address_whatever_the_case(token: str, case) -> None:
    assert len(token) == 24
    address = reply_address(token)
    assert address == f"podpora+t-{token}@example.cz"
    assert reply_token_in(["someone@else.cz", case(address)]) == token
    assert reply_token_in([f"other+t-{token}@example.cz", f"podpora+t-{token}@elsewhere.cz"]) is None


def test_headers_of_a_ticket_e_mail_and_of_an_automatic_answer() -> None:
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    ticket = envelope_headers(5, "ticket_answered", {"ticket_id": 3}, at, "a" * 24)
    assert ticket["Date"] == "Tue, 01 Dec 2026 09:30:00 GMT"
    assert ticket["Message-ID"] == outbox_message_id(5) and ticket["Reply-To"].startswith("podpora+t-aaa")
    assert ticket["In-Reply-To"] == ticket["References"] == ticket_thread_id(3)
    assert ticket["Auto-Submitted"] == "auto-generated"
    answer = envelope_headers(6, "mail_not_filed", {"in_reply_to": "<q@firma.cz>"}, at, None)
    assert answer["Auto-Submitted"] == "auto-replied" and answer["In-Reply-To"] == "<q@firma.cz>"
    assert "Reply-To" not in answer


def _mail(body: str = "Ahoj", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Jana <jana@firma.cz>")
    message["To"] = "podpora@example.cz"
    message["Subject"] = "Dotaz"
    message["Message-ID"] = "<1@firma.cz>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"X_Autoreply": "yes"},
        {"X_Autorespond": "Out of office"},
        {"List_Id": "<news.firma.cz>"},
        {"Return_Path": "<>"},
        {"From": "MAILER-DAEMON@mail.firma.cz"},
        {"From": "postmaster@firma.cz"},
    ],
)
def test_machine_mail_is_recognised(headers: dict[str, str]) -> None:
    assert read_mail(_mail(**headers)).automatic


def test_a_person_writing_is_not_a_machine() -> None:
    mail = read_mail(_mail(Auto_Submitted="no", Return_Path="<jana@firma.cz>"))
    assert not mail.automatic and mail.sender == "jana@firma.cz" and mail.sender_name == "Jana"


def test_a_message_without_message_id_is_known_again_by_its_headers() -> None:
    raw = _mail().replace(b"Message-ID: <1@firma.cz>\n", b"")
    assert read_mail(raw).message_id == read_mail(raw).message_id
    assert read_mail(raw).message_id.startswith("<sha256-")
    assert read_headers(raw.split(b"\n\n")[0] + b"\n\n", 10**9).complete is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Funguje to, díky.\n\nS pozdravem,\nJana\n\nDne 1. 12. 2026 v 9:00 Podpora <podpora@example.cz> "
            "napsal(a):\n> Zkuste restart.\n",
            "Funguje to, díky.",
        ),
        (
            "It works now.\n\nOn Tue, Dec 1, 2026 at 9:00 AM Support <p@e.cz> wrote:\n> Try a restart.\n",
            "It works now.",
        ),
        (
            "Posílám log.\n\nOd: Technická podpora <podpora@example.cz>\n"
            "Odesláno: úterý 1. prosince 2026 9:00\nKomu: Jana\nPředmět: Odpověď\n\nZkuste restart.\n",
            "Posílám log.",
        ),
        ("Díky!\n-- \nJana Nováková\n+420 777 000 000\n", "Díky!"),
        ("Ano.\n\n> Máme to zavřít?\n> Podpora\n", "Ano."),
    ],
)
def test_the_new_text_of_a_reply(text: str, expected: str) -> None:
    assert reply_text(text) == expected


def test_an_html_only_reply_loses_its_quote() -> None:
    html = (
        "<html><head><style>p{}</style></head><body><div>Dobrý den,<br>už to jde.</div>"
        '<div class="gmail_quote">Dne ... napsal(a):<blockquote>Zkuste restart.</blockquote></div>'
        "</body></html>"
    )
    assert html_to_text(html) == "Dobrý den,\nuž to jde."
    message = EmailMessage()
    message["From"], message["Subject"] = "jana@firma.cz", "Re"
    message.set_content(html, subtype="html")
    assert read_mail(message.as_bytes()).text == "Dobrý den,\nuž to jde."


def test_attachments_are_read_out_of_the_message() -> None:
    message = EmailMessage()
    message["From"], message["Subject"] = "jana@firma.cz", "Log"
    message.set_content("Posílám log.")
    message.add_attachment(
        b"\x00\x01log", maintype="application", subtype="octet-stream", filename="catia.log"
    )
    mail = read_mail(message.as_bytes())
    assert mail.text == "Posílám log."
    assert [(a.name, a.content_type, a.data) for a in mail.attachments] == [
        ("catia.log", "application/octet-stream", b"\x00\x01log")
    ]


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
def test_an_address_is_answered_at_most_once_an_hour(since: timedelta) -> None:
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert may_answer(at - since, at) is (since >= ANSWER_EVERY)
    assert may_answer(None, at)


@given(st.text(max_size=2000))
def test_a_preview_is_one_short_line(text: str) -> None:
    shown = preview(text)
    assert len(shown) <= 300 and "\n" not in shown
