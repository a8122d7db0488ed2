"""Reading one e-mail: who sent it, to which addresses, what it refers to, whether a machine
wrote it, the new text of the reply (quoted history and signature cut off) and its attachments."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

REPLY_LANGUAGES = ["cs", "en"]
MESSAGE_ID_MAX_LENGTH = 500
SUBJECT_MAX_LENGTH = 300
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
MACHINE_SENDERS = ("mailer-daemon@", "postmaster@")


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class IncomingMail:
    message_id: str
    sender: str  # lower case; "" when From cannot be read
    sender_name: str
    subject: str
    recipients: list[str]
    references: list[str]  # In-Reply-To first, then References
    automatic: bool  # an auto-reply, a bounce, a list: never answered, never filed on its own
    text: str = ""  # the new text of the reply
    attachments: list[Attachment] = field(default_factory=list)
    size: int = 0
    complete: bool = True  # False: only the headers were read (too large to fetch)
    unreadable: bool = False  # the parser gave up on it: kept for the staff as it came


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot decode reads as missing
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _all(message: Message, name: str) -> list[str]:
    try:
        return [str(value) for value in message.get_all(name) or []]
    except Exception:
        return []


def message_key(message: Message, raw: bytes) -> str:
    """The Message-ID, or (for a message without one) a digest of its headers, so the same
    message delivered twice is known again."""
    found = _header(message, "Message-ID")
    if found and len(found) <= MESSAGE_ID_MAX_LENGTH:
        return found
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return f"<sha256-{hashlib.sha256(found.encode() or head).hexdigest()}@portal>"


def is_automatic(message: Message) -> bool:
    """RFC 3834's Auto-Submitted, Precedence, the common auto-responder headers, mailing lists,
    and bounces (an empty Return-Path, a delivery report, MAILER-DAEMON)."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(message, "Precedence").lower() in BULK_PRECEDENCE:
        return True
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return True
    if message.get("Return-Path") is not None and _header(message, "Return-Path") in ("", "<>"):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    sender = parseaddr(_header(message, "From"))[1].lower()
    return not sender or sender.startswith(MACHINE_SENDERS)


class _Text(HTMLParser):
    """Text of an HTML part: blocks on lines of their own; scripts, styles and quoted history
    (blockquote, Gmail's and Outlook's quote containers) left out."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"})
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        element_id = dict(attrs).get("id") or ""
        if self.skipping or tag in self.SKIPPED or "gmail_quote" in classes or element_id == "divRplyFwdMsg":
            if tag not in ("br", "hr", "img", "meta", "link", "input"):
                self.skipping.append(tag)
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reply_text(text: str) -> str:
    """The newest part of a reply: the quoted history ("Dne … napsal(a):", "On … wrote:", an
    Outlook header block) and the signature cut off, then any quoted lines left at the end."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(text)
    newest = parsed.replies[0].body if parsed.replies else text
    lines = newest.rstrip().splitlines()
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _attachments(message: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for part in message.iter_attachments():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        name = part.get_filename() or "attachment"
        found.append(Attachment(name=name[:200], content_type=part.get_content_type(), data=data))
    return found


def _addresses(message: Message) -> tuple[str, str, list[str], list[str]]:
    name, sender = parseaddr(_header(message, "From"))
    values = [value for header in ADDRESS_HEADERS for value in _all(message, header)]
    recipients = [address for _name, address in getaddresses(values)]
    references = " ".join(_all(message, "In-Reply-To") + _all(message, "References"))
    return name, sender.lower(), [a.lower() for a in recipients if a], re.findall(r"<[^<>\s]+>", references)


def read_mail(raw: bytes) -> IncomingMail:
    """A whole message as fetched from the mailbox."""
    message = message_from_bytes(raw, policy=policy.default)
    name, sender, recipients, references = _addresses(message)
    assert isinstance(message, EmailMessage)
    return IncomingMail(
        message_id=message_key(message, raw),
        sender=sender,
        sender_name=name[:200],
        subject=_header(message, "Subject")[:SUBJECT_MAX_LENGTH],
        recipients=recipients,
        references=references,
        automatic=is_automatic(message),
        text=reply_text(_body_text(message)),
        attachments=_attachments(message),
        size=len(raw),
    )


def read_headers(raw_headers: bytes, size: int) -> IncomingMail:
    """Only the headers of a message too large to fetch whole."""
    message = message_from_bytes(raw_headers, policy=policy.default)
    name, sender, recipients, references = _addresses(message)
    return IncomingMail(
        message_id=message_key(message, raw_headers),
        sender=sender,
        sender_name=name[:200],
        subject=_header(message, "Subject")[:SUBJECT_MAX_LENGTH],
        recipients=recipients,
        references=references,
        automatic=is_automatic(message),
        size=size,
        complete=False,
    )


def unreadable_mail(raw: bytes) -> IncomingMail:
    """What can be said of a message the parser gives up on: its headers if they can be read,
    else only its digest. Never answered (who would be told what?), kept for the staff."""
    try:
        found = read_headers(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", len(raw))
    except Exception:  # not even the headers: known by the digest of the bytes
        digest = hashlib.sha256(raw).hexdigest()
        found = IncomingMail(f"<sha256-{digest}@portal>", "", "", "", [], [], automatic=True, size=len(raw))
    return IncomingMail(
        message_id=found.message_id,
        sender=found.sender,
        sender_name=found.sender_name,
        subject=found.subject,
        recipients=found.recipients,
        references=found.references,
        automatic=True,
        size=len(raw),
        complete=False,
        unreadable=True,
    )
