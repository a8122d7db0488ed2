"""msgspec Structs of mail-in: filing an e-mail by hand."""

from __future__ import annotations

from typing import Annotated

import msgspec


class FileByHandIn(msgspec.Struct):
    ticket: Annotated[str, msgspec.Meta(max_length=40)]  # its number, HD-2026-00012
    author: int  # the person of the ticket's company it is filed as
    without_files: bool = False  # the text only (its attachments are over the limits, say)


class NotFiledOut(msgspec.Struct):
    id: int
    received_at: object
    sender: str
    sender_name: str
    subject: str
    reason: str
    preview: str
    text: str
    ticket_id: int | None
    ticket_number: str | None
    can_file: bool  # False: too large, nothing was fetched to file
    files: list[str] = []  # the attachments' names (on one e-mail's page)
