"""Rules of attachments that need no database: what a file is (from its first bytes, never from
what the browser says), what it may be called, and how a download names it."""

from __future__ import annotations

import os
import unicodedata
from urllib.parse import quote

import puremagic

HEAD_BYTES = 8192  # what the type is told from
NAME_MAX = 200
OCTET_STREAM = "application/octet-stream"
# the only types shown inline (as a preview); SVG never is: it can carry script
PREVIEW_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# CATIA V5/V6 data: binary formats the magic tables misname (a .3dxml is a zip, say); kept opaque
CATIA_EXTENSIONS = frozenset({".catpart", ".catproduct", ".catdrawing", ".model", ".3dxml", ".cgr"})
BIDI_AND_INVISIBLE = frozenset("\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u2060\ufeff") | frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)


def safe_name(raw: str | None) -> str:
    """A file name safe to store and to show: no folders (either slash), no control, bidi or
    invisible characters, no leading dots, at most 200 characters with the extension kept."""
    text = unicodedata.normalize("NFC", raw or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(
        " " if unicodedata.category(c) in ("Zs",) else c
        for c in text
        if c not in BIDI_AND_INVISIBLE and unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = " ".join(text.split()).strip(" .")
    if not text:
        return "file"
    if len(text) > NAME_MAX:
        stem, extension = os.path.splitext(text)
        if len(extension) > 20 or not stem:
            extension = ""
        text = stem[: NAME_MAX - len(extension)].rstrip(" .") + extension
    return text or "file"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # a multi-byte character cut at the end of the head is still UTF-8
        if error.start < len(head) - 3:
            return _latin1_text(head)
    return True


def _latin1_text(head: bytes) -> bool:
    """Latin-1 decodes any byte: call it text only when it holds no C0 controls but tab/newlines."""
    return all(b >= 0x20 or b in (0x09, 0x0A, 0x0D, 0x0C) for b in head)


def sniff(head: bytes, name: str) -> str:
    """The content type of a file from its first bytes. CATIA data stays opaque; a file with no
    magic is text/plain when it reads as UTF-8 or Latin-1 text, else application/octet-stream."""
    if os.path.splitext(name)[1].lower() in CATIA_EXTENSIONS:
        return OCTET_STREAM
    if not head:
        return "text/plain"
    head = head[:HEAD_BYTES]
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    # footer matches (negative offsets) mean nothing on a head alone
    matches = [m for m in matches if m.offset >= 0 and m.mime_type]
    if matches:
        best = max(matches, key=lambda m: (m.confidence, len(m.byte_match)))
        if best.byte_match.startswith(b"PK\x03\x04"):
            return "application/zip"  # any zip: the tables guess an Office format from 4 bytes
        return best.mime_type
    return "text/plain" if _looks_like_text(head) else OCTET_STREAM


def content_disposition(name: str, *, inline: bool = False) -> str:
    """RFC 6266 with the RFC 5987 UTF-8 name, and an ASCII fallback for old clients."""
    fallback = "".join(
        c if 0x20 <= ord(c) < 0x7F and c not in '"\\%;' else "_"
        for c in unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or "file"
    )
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"


def megabytes(size: int) -> str:
    """A limit as people say it: 25 MB (binary megabytes, as the settings count them)."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
