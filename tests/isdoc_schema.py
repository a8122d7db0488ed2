"""The official ISDOC 6.0.2 schema, read from outside the repository (it is not ours to copy).

Where: ``ISDOC_SCHEMA_DIR`` if set, else ``shared/isdoc`` beside the repository (``../shared``, as
on this machine and in CI); from a git worktree, beside the main checkout. Missing in CI
(``CI=true``) the test fails; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

REPOSITORY = Path(__file__).resolve().parents[1]
SCHEMA = "isdoc-invoice-6.0.2.xsd"


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("ISDOC_SCHEMA_DIR"):
        found.append(Path(os.environ["ISDOC_SCHEMA_DIR"]))
    found.append(REPOSITORY.parent / "shared" / "isdoc")
    dot_git = REPOSITORY / ".git"
    if dot_git.is_file():  # a worktree: .git says "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(dot_git.read_text().split(":", 1)[1].strip())
        found.append(gitdir.parents[2].parent / "shared" / "isdoc")
    return found


def schema_dir() -> Path:
    for candidate in _candidates():
        if (candidate / SCHEMA).is_file():
            return candidate
    where = ", ".join(str(c) for c in _candidates())
    message = f"the ISDOC schema {SCHEMA} is not in {where} (set ISDOC_SCHEMA_DIR)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@lru_cache(maxsize=1)
def _schema(directory: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(directory) / SCHEMA)))


def assert_valid_isdoc(xml: bytes) -> etree._Element:
    """Parse ``xml`` and validate it against the official schema; returns the root."""
    root = etree.fromstring(xml)
    schema = _schema(str(schema_dir()))
    if not schema.validate(root):
        raise AssertionError("\n".join(str(error) for error in schema.error_log))
    return root
