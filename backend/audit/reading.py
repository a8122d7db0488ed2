"""The audit log as people read it: each event a sentence in the reader's language with the
names of people, companies and objects linked, amounts in Kč, and before → after as the fields
that changed. The names are looked up for a whole page at once (one query per kind of object)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from backend.accounts.tables import Invitation, PortalUser
from backend.audit import sentences
from backend.audit.schemas import AuditEventOut
from backend.catalog.tables import Service
from backend.formatting import format_duration, format_money
from backend.i18n import current_language, gettext
from backend.invoices.tables import Invoice
from backend.orders.domain import STATUS_LABELS as ORDER_STATUS
from backend.orders.tables import ServiceOrder
from backend.plans.tables import Plan, Subscription
from backend.sla.domain import PRIORITY_LABELS
from backend.tickets.domain import STAFF_STATUS_LABELS as TICKET_STATUS
from backend.tickets.tables import Ticket

LONGEST_VALUE = 160  # characters of a changed text shown; the JSON API has it whole


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    at: datetime
    sentence: Markup
    kind: str  # the kind of object, translated
    changes: list[Change]
    address: str


def _link(text: str, href: str | None) -> Markup:
    return (
        Markup('<a href="{}">{}</a>').format(href, text)
        if href
        else Markup("<strong>{}</strong>").format(text)
    )


async def _names(items: list[AuditEventOut]) -> dict[tuple[str, Any], Any]:
    """The display name of every object and person the page mentions, by (kind, id)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for item in items:
        if item.actor_id:
            wanted["user"].add(item.actor_id)
        if item.object_id:
            wanted[item.object_type].add(item.object_id)
    english = current_language() == "en"
    lookups: dict[str, Any] = {
        "user": (PortalUser, PortalUser.full_name),
        "order": (ServiceOrder, ServiceOrder.number),
        "ticket": (Ticket, Ticket.number),
        "invoice": (Invoice, Invoice.number),
        "invitation": (Invitation, Invitation.email),
        "service": (Service, Service.name_en if english else Service.name_cs),
        "plan": (Plan, Plan.name_en if english else Plan.name_cs),
        "subscription": (Subscription, (Subscription.plan.name_en if english else Subscription.plan.name_cs)),
    }
    names: dict[tuple[str, Any], Any] = {}
    # events written before the account existed (a registration) name the person by e-mail only
    emails = {item.actor for item in items if not item.actor_id and item.actor and "@" in item.actor}
    if emails:
        for row in await PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.full_name).where(
            PortalUser.email.is_in(sorted(emails))
        ):
            names[("email", row["email"])] = row["id"]
            names[("user", row["id"])] = row["full_name"]
    for kind, ids in wanted.items():
        if kind not in lookups:
            continue
        table, column = lookups[kind]
        for row in await table.select(table.id, column.as_alias("label")).where(table.id.is_in(list(ids))):
            names[(kind, row["id"])] = row["label"]
    return names


def _href(kind: str, object_id: int | None, company_id: int | None) -> str | None:
    if object_id is None:
        return None
    if kind in ("credit_entry", "credit_account"):
        return f"/staff/companies/{company_id}/credit" if company_id else None
    paths = {
        "order": f"/staff/orders/{object_id}",
        "ticket": f"/staff/tickets/{object_id}",
        "invoice": f"/staff/invoices/{object_id}",
        "company": f"/staff/companies/{object_id}",
        "user": f"/staff/audit?person={object_id}",
        "service": "/staff/services",
        "plan": "/staff/plans",
        "subscription": "/staff/credit",
    }
    return paths.get(kind)


def _value(field: str, value: Any, object_type: str) -> str:
    """One value of a before → after as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict) and value and set(value) <= {"cs", "en"}:
        return str(value.get(current_language()) or next(iter(value.values())))
    if field in sentences.MONEY_FIELDS and isinstance(value, int):
        return format_money(value)
    if field == "minutes" and isinstance(value, int):
        return format_duration(value)
    if field == "language":
        return sentences.LANGUAGE_NAMES.get(value, str(value))
    if field == "status":
        labels = ORDER_STATUS if object_type == "order" else TICKET_STATUS
        return gettext(labels[value]) if value in labels else str(value)
    if field == "priority" and value in PRIORITY_LABELS:
        return gettext(PRIORITY_LABELS[value])
    if field in ("terms", "billing"):  # alc, sla, pay, sbp: the support levels' own names
        return str(value).upper()
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value(key, part, object_type)}" for key, part in value.items())
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


# a before or after that is one value rather than fields: which field it stands for
SINGLE_FIELD = {
    "subscription": "plan",
    "order": "status",
    "ticket": "status",
    "credit_entry": "balance",
    "credit_account": "threshold",
}
SINGLE_BY_ACTION = {"user.language": "language", "auth.sessions_ended": "sessions"}


def changes(item: AuditEventOut) -> list[Change]:
    """The fields that differ between before and after (every field of an after on its own)."""
    before, after = item.before, item.after
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        field = SINGLE_BY_ACTION.get(item.action) or SINGLE_FIELD.get(item.object_type) or "account"
        if item.action == "order.continued_as_pay":
            field = "billing"
        return [
            Change(
                gettext(sentences.FIELD_LABELS[field]),
                *(_value(field, v, item.object_type) for v in (before, after)),
            )
        ]
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    return [
        Change(
            gettext(sentences.FIELD_LABELS[key]) if key in sentences.FIELD_LABELS else key.replace("_", " "),
            _value(key, old.get(key), item.object_type),
            _value(key, new.get(key), item.object_type),
        )
        for key in [*old, *(key for key in new if key not in old)]
        if old.get(key) != new.get(key)
    ]


def _amount(item: AuditEventOut) -> str:
    if isinstance(item.before, int) and isinstance(item.after, int):
        return format_money(abs(item.after - item.before))
    return ""


# the one field of a dict "after" a sentence's %(after)s names
AFTER_FIELD = {"ticket.assigned": "assignee", "ticket.merged": "merged_into", "ticket.merged_in": "from"}


def _after(item: AuditEventOut) -> str:
    if item.action == "user.language":
        return sentences.LANGUAGE_NAMES.get(item.after, str(item.after))
    if item.action == "credit.threshold":
        return format_money(item.after) if isinstance(item.after, int) else gettext("no warning")
    if item.action in AFTER_FIELD and isinstance(item.after, dict):
        return str(item.after.get(AFTER_FIELD[item.action], ""))
    if item.action == "order.work_logged" and isinstance(item.after, dict):
        return format_duration(int(item.after.get("minutes", 0)))
    return _value("", item.after, item.object_type)


def sentence(item: AuditEventOut, names: dict[tuple[str, Any], Any]) -> Markup:
    """The event in one sentence, with its people, company and object linked."""
    person = item.actor_id or names.get(("email", item.actor))
    if person and ("user", person) in names:
        actor = _link(names[("user", person)], f"/staff/audit?person={person}")
    else:
        actor = _link(item.actor or gettext("The portal"), None)
    company = _link(item.company_name or gettext("(no company)"), _href("company", item.company_id, None))
    label = names.get((item.object_type, item.object_id or 0))
    if label is None and item.object_type == "invitation" and isinstance(item.after, dict):
        label = item.after.get("email")
    if label is None:
        kind = gettext(sentences.OBJECT_KINDS.get(item.object_type, item.object_type))
        label = f"{kind} #{item.object_id or '—'}"
    thing = _link(label, _href(item.object_type, item.object_id, item.company_id))
    msgid = sentences.SENTENCES.get(item.action, sentences.FALLBACK)
    text = gettext(msgid)
    said = escape(text) % {
        "actor": actor,
        "object": thing,
        "company": company,
        "amount": Markup("<strong>{}</strong>").format(_amount(item)),
        "after": _after(item),
    }
    # a name that ends the sentence with its own full stop ("… s.r.o.") needs no second one
    return said.removesuffix(".") if re.search(r"\.</(a|strong)>\.$", said) else said


async def describe(items: list[AuditEventOut]) -> list[EventView]:
    names = await _names(items)
    return [
        EventView(
            id=item.id,
            at=item.at,
            sentence=sentence(item, names),
            kind=gettext(sentences.OBJECT_KINDS.get(item.object_type, item.object_type)),
            changes=changes(item),
            address=item.client_address,
        )
        for item in items
    ]
