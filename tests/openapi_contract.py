"""What counts as a change of the API contract: the live OpenAPI schema against the committed copy.

Additions pass (a new path, operation, optional property, parameter that is not required,
response, component); anything else that differs fails: a removed path, method, parameter,
property, response or component, a changed type, format, ``$ref``, enum or ``required`` list.
Wording (``description``, ``summary``) is documentation, not contract, and is not compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).parent / "openapi-schema.json"
WORDING = frozenset({"description", "summary"})


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def contract_breaks(old: Any, new: Any, where: str = "") -> list[str]:
    """Every way ``new`` breaks a client written against ``old``, one line each."""
    if isinstance(old, dict) and isinstance(new, dict):
        return _dict_breaks(old, new, where)
    if isinstance(old, list) and isinstance(new, list):
        return _list_breaks(old, new, where)
    if old != new:
        return [f"changed: {where or '/'}: {old!r} -> {new!r}"]
    return []


def _dict_breaks(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    breaks: list[str] = []
    for key, value in old.items():
        path = f"{where}/{key}"
        if key in WORDING:
            continue
        if key not in new:
            breaks.append(f"removed: {path}")
        elif key == "required" and isinstance(value, list):
            if sorted(value) != sorted(new[key]):
                breaks.append(f"changed: {path}: {sorted(value)} -> {sorted(new[key])}")
        else:
            breaks += contract_breaks(value, new[key], path)
    return breaks


def _list_breaks(old: list[Any], new: list[Any], where: str) -> list[str]:
    if where.endswith("/parameters"):
        return _parameter_breaks(old, new, where)
    if where.endswith("/tags"):
        return [f"removed: {where}: {tag!r}" for tag in old if tag not in new]
    if len(old) != len(new):
        return [f"changed: {where}: {old!r} -> {new!r}"]
    breaks: list[str] = []
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        breaks += contract_breaks(before, after, f"{where}[{index}]")
    return breaks


def _parameter_breaks(old: list[dict[str, Any]], new: list[dict[str, Any]], where: str) -> list[str]:
    def key(parameter: dict[str, Any]) -> str:
        return f"{parameter.get('in')}:{parameter.get('name')}"

    current = {key(parameter): parameter for parameter in new}
    before = {key(parameter) for parameter in old}
    breaks: list[str] = []
    for parameter in old:
        name = key(parameter)
        if name not in current:
            breaks.append(f"removed: {where}[{name}]")
        else:
            breaks += contract_breaks(parameter, current[name], f"{where}[{name}]")
    for name, parameter in current.items():
        if name not in before and parameter.get("required"):
            breaks.append(f"changed: {where}[{name}]: a new required parameter")
    return breaks
