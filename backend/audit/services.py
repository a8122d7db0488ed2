"""Recording and reading the audit log. Every use case that changes state records one event in
its own transaction; a refused sign-in is recorded on its own."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypedDict, Unpack

import msgspec

from backend.accounts.domain import Actor
from backend.accounts.tables import Company, PortalUser
from backend.audit.schemas import AuditEventOut, AuditPage
from backend.audit.tables import AuditEvent
from backend.clock import aware, now
from backend.db import json_value
from backend.pagination import decode_cursor, encode_cursor, page_size

logger = logging.getLogger("portal.audit")
client_address: ContextVar[str] = ContextVar("client_address", default="")


def neutralised(text: Any) -> str:
    """A value safe to put in a log line: CR and LF shown as symbols, other control characters as
    "?", so no input can forge a line of its own."""
    value = str(text).replace("\r", "\u240d").replace("\n", "\u240a")
    return "".join(ch if ch.isprintable() else "?" for ch in value)[:300]


def _json_text(value: Any) -> str:
    """The value as JSON text (dates as ISO text, decimals as text). Piccolo passes a str to a
    JSON column unencoded, so everything is encoded here."""
    return msgspec.json.encode(value).decode()


def audit_event(
    action: str,
    *,
    object_type: str,
    object_id: int | None = None,
    actor: Actor | None = None,
    actor_id: int | None = None,
    company_id: int | None = None,
    before: Any = None,
    after: Any = None,
    actor_name: str | None = None,
    address: str | None = None,
) -> AuditEvent:
    """One event, logged now, for ``record_all`` to write with others (``address`` defaults to
    the current request's)."""
    address = client_address.get() if address is None else address
    logger.info(
        "%s %s#%s by %s from %s",
        neutralised(action),
        neutralised(object_type),
        object_id if object_id is not None else "-",
        neutralised(actor_name if actor_name is not None else (actor.email if actor else "portal")),
        neutralised(address or "-"),
    )
    return AuditEvent(
        at=now(),
        actor=actor.id if actor else actor_id,
        actor_name=actor_name if actor_name is not None else (actor.email if actor else ""),
        company=company_id if company_id is not None else (actor.company_id if actor else None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_json_text(before),
        after=_json_text(after),
        client_address=address[:64],
    )


class EventFields(TypedDict, total=False):
    """What an event may say besides its action (the keyword arguments of ``audit_event``)."""

    object_id: int | None
    actor: Actor | None
    actor_id: int | None
    company_id: int | None
    before: Any
    after: Any
    actor_name: str | None
    address: str | None


async def record(action: str, *, object_type: str, **fields: Unpack[EventFields]) -> None:
    """Append one event (in the caller's transaction, when there is one)."""
    await record_all([audit_event(action, object_type=object_type, **fields)])


async def record_all(events: list[AuditEvent]) -> None:
    """Append events in one statement (in the caller's transaction, when there is one)."""
    if events:
        await AuditEvent.insert(*events)


def _out(row: dict[str, Any]) -> AuditEventOut:
    return AuditEventOut(
        id=row["id"],
        at=aware(row["at"]),
        actor=row["actor_name"] or None,
        company_id=row["company"],
        company_name=row.get("company_name"),
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        before=json_value(row["before"]),
        after=json_value(row["after"]),
        client_address=row["client_address"],
        actor_id=row["actor"],
    )


async def browse(
    actor: Actor,
    *,
    company_id: int | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> AuditPage:
    """Staff admin reads the log, newest first, filtered by company, actor, object and time."""
    actor.require_staff_admin()
    size = page_size(limit)
    query = AuditEvent.select(*AuditEvent.all_columns(), AuditEvent.company.name.as_alias("company_name"))
    if company_id is not None:
        query = query.where(AuditEvent.company == company_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor == actor_id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if cursor:
        query = query.where(AuditEvent.id < decode_cursor("a", cursor))
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(size + 1)
    return AuditPage(
        items=[_out(row) for row in rows[:size]],
        next_cursor=encode_cursor("a", rows[size - 1]["id"]) if len(rows) > size else None,
    )


TICKET_HISTORY_LENGTH = 100


async def ticket_history(actor: Actor, ticket_id: int) -> list[AuditEventOut]:
    """One ticket's events, oldest first, for the support team on the ticket's page (who opened,
    took, assigned, answered, noted, merged, resolved and rated it, and when)."""
    actor.require_staff()
    rows = (
        await AuditEvent.select(*AuditEvent.all_columns(), AuditEvent.company.name.as_alias("company_name"))
        .where((AuditEvent.object_type == "ticket") & (AuditEvent.object_id == ticket_id))
        .order_by(AuditEvent.id, ascending=False)
        .limit(TICKET_HISTORY_LENGTH)
    )
    return [_out(row) for row in reversed(rows)]


async def filter_choices(actor: Actor) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The companies and the people a staff admin can filter the log by, by name."""
    actor.require_staff_admin()
    companies = await Company.select(Company.id, Company.name).order_by(Company.name)
    people = await PortalUser.select(
        PortalUser.id,
        PortalUser.full_name,
        PortalUser.email,
        PortalUser.company.name.as_alias("company_name"),
    ).order_by(PortalUser.full_name)
    return companies, people
