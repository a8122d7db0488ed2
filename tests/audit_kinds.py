"""Every kind of audit event the code can record, read from the source: the action strings given
to ``record(`` and ``audit_event(`` (and to the orders' ``audit(`` helper), with the computed ones
(``f"order.{kind}"``) expanded from the enums they are built from. A computed action this module
does not know how to expand is an error, so a new kind of event cannot slip past the tests."""

from __future__ import annotations

import ast
from pathlib import Path

from backend.credit.domain import EntryKind
from backend.orders.domain import OrderStatus
from backend.tickets.domain import TicketAction

BACKEND = Path(__file__).resolve().parent.parent / "backend"
RECORDERS = {"record", "audit_event"}
# computed actions: the f-string's source → the values its placeholder takes
EXPANSIONS = {
    "f'credit.{posting.booking.kind.value}'": [f"credit.{kind.value}" for kind in EntryKind],
    "f'ticket.{action.value}'": [f"ticket.{action.value}" for action in TicketAction],
    "f'order.{kind}'": [f"order.{status.value}" for status in OrderStatus],
}
# the orders' own helper audit(kind, …) records "order.<kind>"; computed kinds it is given
ORDER_KIND_EXPANSIONS = {"to_status.value": [status.value for status in OrderStatus]}
# the pass-through inside the audit module itself, whose first argument is the action given to it
HELPER_DEFINITIONS = {("audit/services.py", "action")}


def _constants(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def recorded_actions() -> set[str]:
    actions: set[str] = set()
    unknown: list[str] = []
    for path in sorted(BACKEND.rglob("*.py")):
        relative = path.relative_to(BACKEND).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "audit" and relative.startswith("orders/"):  # orders' helper: audit("work_logged", …)
                kinds = _constants(first) or ORDER_KIND_EXPANSIONS.get(ast.unparse(first))
                if kinds is None:
                    unknown.append(f"{relative}:{node.lineno} {ast.unparse(first)}")
                    continue
                actions.update(f"order.{kind}" for kind in kinds)
                continue
            if name not in RECORDERS:
                continue
            source = ast.unparse(first)
            if (relative, source) in HELPER_DEFINITIONS:
                continue
            values = _constants(first)
            if values is None:
                values = EXPANSIONS.get(source)
            if values is None:
                unknown.append(f"{relative}:{node.lineno} {source}")
                continue
            actions.update(values)
    if unknown:
        raise AssertionError(f"audit actions computed in a way tests/audit_kinds.py cannot expand: {unknown}")
    return actions
