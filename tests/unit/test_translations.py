"""Every string shown to a person has a Czech translation with the same placeholders."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from backend.i18n import LOCALE_DIR
from backend.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages() -> set[str]:
    method_map = [("backend/**.py", "python"), ("frontend/templates/**.html", "jinja2")]
    options = {"frontend/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def czech_catalogue():
    with open(LOCALE_DIR / "cs" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale="cs")


def test_every_extracted_string_is_translated_to_czech() -> None:
    catalogue = czech_catalogue()
    missing = sorted(
        message
        for message in extracted_messages()
        if catalogue.get(message) is None or not catalogue.get(message).string or catalogue.get(message).fuzzy
    )
    assert not missing, "untranslated (run `make messages` and translate): " + "; ".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for entry in czech_catalogue():
        if not entry.id or isinstance(entry.id, tuple):
            continue
        assert set(PLACEHOLDER.findall(entry.id)) == set(PLACEHOLDER.findall(entry.string)), entry.id
