"""A real SMTP server on loopback (aiosmtpd) that tests start, stop and read."""

from __future__ import annotations

import os
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:  # a mailbox that never accepts: the sender must give up
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """The server SMTP_URL points at; ``start``/``stop`` to take it up and down."""

    def __init__(self) -> None:
        url = urlsplit(os.environ["SMTP_URL"])
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 25
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname=self.host, port=self.port)
        self.controller.start()

    def refuse(self, address: str) -> None:
        """Answer 550 to every message for ``address`` from now on."""
        self.inbox.refused.add(address)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
