"""msgspec Structs of attachments."""

from __future__ import annotations

from datetime import datetime

import msgspec


class AttachmentOut(msgspec.Struct):
    id: int
    name: str
    size: int  # bytes
    content_type: str  # sniffed from the content
    url: str  # the download (API); pages link /attachments/{id}
    preview: bool  # an image the thread may show inline (png, jpeg, gif, webp)
    created_at: datetime
