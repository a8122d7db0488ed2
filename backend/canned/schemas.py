"""msgspec Structs of canned replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Title = Annotated[str, msgspec.Meta(max_length=2000)]
Body = Annotated[str, msgspec.Meta(max_length=50_000)]


class CannedReplyIn(msgspec.Struct):
    title: Title
    body_cs: Body
    body_en: Body = ""  # empty: English readers get the Czech text


class CannedReplyOut(msgspec.Struct):
    id: int
    title: str
    body_cs: str
    body_en: str
    updated_at: datetime


class FilledReply(msgspec.Struct):
    canned_reply_id: int
    ticket_id: int
    language: str  # the language it was filled in: the reporter's, else Czech
    body: str
