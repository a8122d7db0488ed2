"""Every string shown to a person has a Czech translation with the same placeholders."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from backend.i18n import LOCALE_DIR
from backend.settings import PROJECT_ROOT

KEYWORDS = {
    "_": None,
    "N_": None,
    "Nn_": (1, 2),
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages() -> set[tuple[str | tuple[str, ...], str | None]]:
    method_map = [("backend/**.py", "python"), ("frontend/templates/**.html", "jinja2")]
    options = {"frontend/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: set[tuple[str | tuple[str, ...], str | None]] = set()
    for _filename, _line, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        found.add((message, context))
    return found


def czech_catalogue():
    with open(LOCALE_DIR / "cs" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale="cs")


def test_every_extracted_string_is_translated_to_czech() -> None:
    catalogue = czech_catalogue()
    missing = []
    for message, context in extracted_messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key, context=context)
        strings = entry.string if entry is not None else ""
        if entry is None or entry.fuzzy or not all(strings if isinstance(strings, tuple) else [strings]):
            missing.append(f"{context + ': ' if context else ''}{key}")
    missing.sort()
    assert not missing, "untranslated (run `make messages` and translate): " + "; ".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for entry in czech_catalogue():
        if not entry.id:
            continue
        source = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(source[-1]))
        for text in translated:
            assert set(PLACEHOLDER.findall(text)) == expected, entry.id
