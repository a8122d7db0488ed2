"""Writing notifications to the outbox, in the caller's transaction. Delivery is the sender's job."""

from __future__ import annotations

from typing import Any

from backend.accounts.domain import Role
from backend.accounts.tables import PortalUser
from backend.notifications.tables import OutboxMessage


async def enqueue_for_managers(company_id: int, kind: str, context: dict[str, Any]) -> int:
    """One message per active customer manager of the company, in their language."""
    managers = await PortalUser.select(PortalUser.id, PortalUser.email, PortalUser.language).where(
        (PortalUser.company == company_id)
        & (PortalUser.role == Role.CUSTOMER_MANAGER.value)
        & (PortalUser.is_active == True)  # noqa: E712 - Piccolo builds SQL from ==
    )
    for manager in managers:
        await OutboxMessage.insert(
            OutboxMessage(
                kind=kind,
                company=company_id,
                recipient=manager["id"],
                recipient_email=manager["email"],
                language=manager["language"],
                context=context,
            )
        )
    return len(managers)
