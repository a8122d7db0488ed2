"""Writing notifications to the outbox, in the caller's transaction. Delivery is the sender's job."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from backend.accounts.domain import Role
from backend.accounts.tables import PortalUser
from backend.notifications.tables import OutboxMessage


async def _enqueue(
    recipients: list[dict[str, Any]],
    kind: str,
    context: dict[str, Any],
    company_id: int | None,
    attachments: list[dict[str, Any]] | None = None,
) -> int:
    for person in recipients:
        await OutboxMessage.insert(
            OutboxMessage(
                kind=kind,
                company=company_id,
                recipient=person["id"],
                recipient_email=person["email"],
                language=person["language"],
                context=context,
                attachments=attachments or [],
            )
        )
    return len(recipients)


def _active(query):
    return query.where(PortalUser.is_active == True)  # noqa: E712 - Piccolo builds SQL from ==


async def enqueue_for_managers(
    company_id: int,
    kind: str,
    context: dict[str, Any],
    also: Iterable[int] = (),
    attachments: list[dict[str, Any]] | None = None,
) -> int:
    """One message per active customer manager of the company (and the users in ``also``, such as
    whoever placed the order), each in their own language; ``attachments`` name files the sender
    attaches when it sends (``{"invoice_id": 12}``: that invoice's PDF)."""
    people = await _active(
        PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language).where(
            (PortalUser.company == company_id)
            & ((PortalUser.role == Role.CUSTOMER_MANAGER.value) | PortalUser.id.is_in([*also, 0]))
        )
    )
    return await _enqueue(people, kind, context, company_id, attachments)


async def enqueue_for_staff(kind: str, context: dict[str, Any], company_id: int | None = None) -> int:
    """One message per active member of the support team."""
    people = await _active(
        PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language).where(
            PortalUser.role.is_in([Role.STAFF.value, Role.STAFF_ADMIN.value])
        )
    )
    return await _enqueue(people, kind, context, company_id)


async def enqueue_for_user(person: dict[str, Any], kind: str, context: dict[str, Any]) -> int:
    """One message to one person (``id``, ``email``, ``language`` and ``company``)."""
    return await _enqueue([person], kind, context, person.get("company"))


async def enqueue_for_staff_member(
    user_id: int, kind: str, context: dict[str, Any], company_id: int | None = None
) -> int:
    """One message to one member of the support team, if still active (such as an order's engineer)."""
    people = await _active(
        PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language).where(
            (PortalUser.id == user_id) & PortalUser.role.is_in([Role.STAFF.value, Role.STAFF_ADMIN.value])
        )
    )
    return await _enqueue(people, kind, context, company_id)


GAVE_UP_KIND = "delivery_given_up"


async def enqueue_for_staff_admins(kind: str, context: dict[str, Any]) -> int:
    """One message per active head of the technical department."""
    people = await _active(
        PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language).where(
            PortalUser.role == Role.STAFF_ADMIN.value
        )
    )
    return await _enqueue(people, kind, context, None)
