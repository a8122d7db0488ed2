"""Opaque keyset cursors and page sizes, the same for every list."""

from __future__ import annotations

import base64
import binascii

from backend.errors import N_, InvalidInput

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_ID = 2**31 - 1  # ids are 32-bit serials; a larger one names no row


def encode_cursor(kind: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """The id a cursor of this kind points after; a tampered one is a 422, never a 500."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _, value = text.partition(":")
        if prefix != kind or not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            N_("This page link is not valid. Start again from the first page."), field="cursor"
        ) from None


def page_size(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(N_("A page has 1 to %(max)d items."), field="limit", max=MAX_PAGE_SIZE)
    return limit
