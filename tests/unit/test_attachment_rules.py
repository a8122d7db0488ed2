"""Attachment rules without a database: file names made safe, the type told from the content,
download headers (RFC 6266 / 5987)."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from backend.attachments.domain import (
    NAME_MAX,
    OCTET_STREAM,
    PREVIEW_TYPES,
    content_disposition,
    safe_name,
    sniff,
)
from tests.attachment_files import HTML, LOG, png

BIDI = "\u202e\u202d\u2066\u2067\u2068\u2069\u200f\u200e\u061c"


def test_a_name_loses_folders_of_either_kind() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\Jana\\Desktop\\chyba.log") == "chyba.log"
    assert safe_name("/absolutni/cesta/model.CATPart") == "model.CATPart"


def test_a_name_loses_control_bidi_and_invisible_characters() -> None:
    # "report\u202egpj.exe" shows as "reportexe.jpg": the override must go
    assert safe_name("report\u202egpj.exe") == "reportgpj.exe"
    assert safe_name("a\x00b\x07c\r\n.txt") == "abc.txt"
    assert safe_name("sestava\u200b.CATProduct") == "sestava.CATProduct"


def test_a_name_is_never_empty_nor_only_dots() -> None:
    for raw in ("", None, "   ", "..", "/", "\u202e", "\x00\x01"):
        assert safe_name(raw) == "file"


def test_a_long_name_is_cut_to_200_characters_keeping_its_extension() -> None:
    name = safe_name("Výkres " * 60 + ".CATDrawing")
    assert len(name) <= NAME_MAX and name.endswith(".CATDrawing")


@given(st.text(max_size=400))
def test_any_name_comes_out_safe(raw: str) -> None:
    name = safe_name(raw)
    assert 0 < len(name) <= NAME_MAX
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    assert not any(c in BIDI for c in name)
    assert name == safe_name(name)  # a safe name stays as it is


def test_the_content_decides_the_type_whatever_the_name_says() -> None:
    assert sniff(png(), "page.html") == "image/png"
    assert sniff(HTML, "screenshot.png") == "text/html"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a.bin") == "image/jpeg"
    assert sniff(b"GIF89a\x01\x00\x01\x00", "a.bin") == "image/gif"
    assert sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a.bin") == "image/webp"
    assert sniff(b"%PDF-1.7\n", "a.bin") == "application/pdf"


def test_svg_and_html_are_never_previewable() -> None:
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert sniff(svg, "obrazek.png") not in PREVIEW_TYPES
    assert sniff(HTML, "obrazek.png") not in PREVIEW_TYPES


def test_text_without_magic_is_plain_text_in_utf8_or_latin1() -> None:
    assert sniff(LOG, "catia.log") == "text/plain"
    assert sniff("Příliš žluťoučký kůň;12,5\n".encode(), "data.csv") == "text/plain"
    assert sniff("Café, señor\n".encode("latin-1"), "old.txt") == "text/plain"
    assert sniff(b"\x00\x01\x02\x03binary", "dump.bin") == OCTET_STREAM


def test_a_utf8_character_cut_at_the_end_of_the_head_is_still_text() -> None:
    head = ("ž" * 5000).encode()[:8191]
    assert sniff(head, "long.log") == "text/plain"


def test_catia_files_stay_opaque_whatever_they_start_with() -> None:
    for name in ("Víko.CATPart", "Sestava.CATProduct", "stary.model", "export.3dxml"):
        assert sniff(b"PK\x03\x04" + b"\x00" * 40, name) == OCTET_STREAM
        assert sniff(b"plain text header", name) == OCTET_STREAM


def test_a_download_names_the_file_in_utf8_with_an_ascii_fallback() -> None:
    header = content_disposition('Snímek "1"; obrazovky.png')
    kind, fallback, encoded = (part.strip() for part in header.split("; "))  # the name's own ";" is encoded
    assert kind == "attachment"
    assert fallback == 'filename="Snimek _1__ obrazovky.png"'
    assert encoded.startswith("filename*=UTF-8''")
    assert unquote(encoded.removeprefix("filename*=UTF-8''")) == 'Snímek "1"; obrazovky.png'
    assert content_disposition("a.png", inline=True).startswith("inline;")


@given(st.text(min_size=1, max_size=200))
def test_any_name_gives_a_header_of_plain_ascii(name: str) -> None:
    header = content_disposition(safe_name(name))
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert unquote(header.rsplit("filename*=UTF-8''", 1)[1]) == safe_name(name)
