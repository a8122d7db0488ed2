"""The support mailbox over IMAP (imapclient, which is synchronous: the poller calls it from a
worker thread). IMAP_URL reads like SMTP_URL: imaps:// for TLS, imap+starttls://, imap:// for a
plain local server; user and password percent-encoded; the path names the folder (INBOX)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

# what marks a message as recorded by the portal; a keyword of its own, so a person reading the
# mailbox in a mail client (which sets \Seen) does not hide mail from the portal
FILED_KEYWORD = "$PortalFiled"
TIMEOUT_SECONDS = 30
SCHEMES = {"imaps": ("tls", 993), "imap+starttls": ("starttls", 143), "imap": ("plain", 143)}


@dataclass(frozen=True, slots=True)
class ImapConfig:
    host: str
    port: int
    security: str  # tls | starttls | plain
    user: str
    password: str
    folder: str


def parse_imap_url(url: str) -> ImapConfig:
    """ValueError, saying what is wrong, for a URL the poller could not use."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError("IMAP_URL must start with imaps://, imap+starttls:// or imap://")
    if not parts.hostname or not parts.username:
        raise ValueError("IMAP_URL must name the user and the host: imaps://user:password@host/INBOX")
    security, default_port = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise ValueError("IMAP_URL has a port that is not a number") from error
    return ImapConfig(
        host=parts.hostname,
        port=port,
        security=security,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


class Mailbox:
    """One signed-in session on the folder; every call blocks (run it in a thread)."""

    def __init__(self, config: ImapConfig) -> None:
        context = ssl.create_default_context()
        self.client = IMAPClient(
            config.host,
            port=config.port,
            ssl=config.security == "tls",
            ssl_context=context if config.security == "tls" else None,
            timeout=TIMEOUT_SECONDS,
        )
        try:
            if config.security == "starttls":
                self.client.starttls(context)
            self.client.login(config.user, config.password)
            selected = self.client.select_folder(config.folder)
        except BaseException:
            self.client.shutdown()
            raise
        permanent = selected.get(b"PERMANENTFLAGS", ())
        # a server that keeps no keywords of its own: \Seen is the mark then
        self.mark = FILED_KEYWORD if b"\\*" in permanent else "\\Seen"

    def waiting(self) -> list[int]:
        """UIDs of the messages the portal has not marked yet, oldest first."""
        criteria = ["NOT", "KEYWORD", self.mark] if self.mark == FILED_KEYWORD else ["UNSEEN"]
        return sorted(self.client.search(criteria))

    def sizes_and_headers(self, uids: list[int]) -> dict[int, tuple[int, bytes]]:
        found = self.client.fetch(uids, ["RFC822.SIZE", "BODY.PEEK[HEADER]"])
        return {uid: (data[b"RFC822.SIZE"], data[b"BODY[HEADER]"]) for uid, data in found.items()}

    def whole(self, uid: int) -> bytes | None:
        """The whole message (without setting \\Seen); None if it has gone meanwhile."""
        found = self.client.fetch([uid], ["BODY.PEEK[]"])
        return found[uid][b"BODY[]"] if uid in found else None

    def mark_recorded(self, uid: int) -> None:
        self.client.add_flags([uid], [self.mark], silent=True)

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # the session may be gone already; nothing is left to do
            self.client.shutdown()
