"""Invitations: a customer manager invites colleagues by a single-use, expiring link."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend.accounts import domain
from backend.accounts.domain import Actor, Role
from backend.accounts.schemas import InvitationOut
from backend.accounts.security import hash_password, new_token, token_hash
from backend.accounts.services import company_name, email_taken, require_manager
from backend.accounts.tables import Invitation, PortalUser
from backend.audit.services import record
from backend.clock import aware, now
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound
from backend.notifications.services import enqueue_for_user
from backend.settings import get_settings


def _invitation_status(row: dict[str, Any], at: datetime) -> str:
    if row["accepted_at"] is not None:
        return "accepted"
    if row["revoked_at"] is not None:
        return "revoked"
    if aware(row["expires_at"]) <= at:
        return "expired"
    return "pending"


def _invitation_out(row: dict[str, Any], at: datetime, link: str | None = None) -> InvitationOut:
    return InvitationOut(
        id=row["id"],
        email=row["email"],
        status=_invitation_status(row, at),  # type: ignore[arg-type]
        created_at=aware(row["created_at"]),
        expires_at=aware(row["expires_at"]),
        link=link,
    )


def invitation_link(token: str) -> str:
    return f"{get_settings().public_base_url}/invitations/{token}"


async def invite_colleague(actor: Actor, raw_email: str) -> InvitationOut:
    """Returns the invitation with its single-use link; only the link's hash is stored."""
    require_manager(actor)
    company_id = actor.company_scope()
    email = domain.normalize_email(raw_email)
    token = new_token()
    created = now()
    async with write_transaction():
        # said only of the manager's own company: whether an address has an account elsewhere
        # (another company's, or staff) is not theirs to learn; its owner learns it on accepting
        if await PortalUser.exists().where((PortalUser.email == email) & (PortalUser.company == company_id)):
            raise InvalidInput(N_("This person is already a member of your company."), field="email")
        # a new invitation to the same address replaces any still pending
        await Invitation.update({Invitation.revoked_at: created}).where(
            (Invitation.company == company_id)
            & (Invitation.email == email)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
        )
        rows = await Invitation.insert(
            Invitation(
                company=company_id,
                email=email,
                token_hash=token_hash(token),
                invited_by=actor.id,
                created_at=created,
                expires_at=created + timedelta(days=get_settings().invitation_valid_days),
            )
        ).returning(*Invitation.all_columns())
        # the link goes out by e-mail (the outbox, in this transaction) and is shown to the manager too
        await enqueue_for_user(
            {"id": None, "email": email, "language": actor.language, "company": company_id},
            "invitation",
            {
                "token": token,
                "inviter": actor.full_name,
                "company": await company_name(company_id),
                "days": get_settings().invitation_valid_days,
            },
        )
        await record(
            "invitation.created",
            object_type="invitation",
            object_id=rows[0]["id"],
            actor=actor,
            after={"email": email},
        )
    return _invitation_out(rows[0], created, link=invitation_link(token))


async def list_invitations(actor: Actor) -> list[InvitationOut]:
    require_manager(actor)
    rows = (
        await Invitation.select()
        .where(Invitation.company == actor.company_scope())
        .order_by(Invitation.created_at, ascending=False)
        .limit(50)
    )
    at = now()
    return [_invitation_out(row, at) for row in rows]


async def revoke_invitation(actor: Actor, invitation_id: int) -> InvitationOut:
    require_manager(actor)
    async with write_transaction():
        row = await locked(
            Invitation.select().where(
                (Invitation.id == invitation_id) & (Invitation.company == actor.company_scope())
            )
        ).first()
        if row is None:
            raise NotFound(N_("No such invitation in your company."))
        at = now()
        if _invitation_status(row, at) != "pending":
            raise InvalidInput(N_("Only a pending invitation can be revoked."), field="invitation")
        await Invitation.update({Invitation.revoked_at: at}).where(Invitation.id == invitation_id)
        await record("invitation.revoked", object_type="invitation", object_id=invitation_id, actor=actor)
        row["revoked_at"] = at
    return _invitation_out(row, at)


def _usable(row: dict[str, Any] | None) -> dict[str, Any]:
    """The invitation if it can still be accepted, else the refusal that says what to do."""
    if row is None:
        raise NotFound(
            N_("This invitation link is not valid. Ask your company's administrator for a new one.")
        )
    status = _invitation_status(row, now())
    if status == "expired":
        raise InvalidInput(
            N_("This invitation has expired. Ask your company's administrator for a new one."), field="token"
        )
    if status != "pending" or row.get("inviter_active") is False:
        # a deactivated manager's invitations stop with their account
        raise InvalidInput(N_("This invitation has already been used or withdrawn."), field="token")
    return row


async def pending_invitation(token: str) -> dict[str, Any]:
    """The invitation behind a link, with its company's name; refused unless still usable."""
    return _usable(
        await Invitation.select(
            *Invitation.all_columns(),
            Invitation.company.name.as_alias("company_name"),
            Invitation.invited_by.is_active.as_alias("inviter_active"),
        )
        .where(Invitation.token_hash == token_hash(token))
        .first()
    )


async def accept_invitation(token: str, full_name: str, password: str, language: str) -> Actor:
    """Create the member's account. The invitation row is locked and its status judged under the
    lock, so a link accepted twice at once, or revoked meanwhile, creates no second account."""
    values = domain.collect(
        full_name=lambda: domain.required_text(
            full_name, field="full_name", message=N_("Enter your full name.")
        ),
        password=lambda: domain.check_password(password),
    )
    password_hash = await hash_password(values["password"])
    async with write_transaction():
        invitation = _usable(
            await locked(Invitation.select().where(Invitation.token_hash == token_hash(token))).first()
        )
        inviter = invitation["invited_by"]
        if inviter is not None and not await PortalUser.exists().where(
            (PortalUser.id == inviter) & (PortalUser.is_active == True)  # noqa: E712
        ):
            _usable({**invitation, "inviter_active": False})
        if await PortalUser.exists().where(PortalUser.email == invitation["email"]):
            raise email_taken()
        user_id = (
            await PortalUser.insert(
                PortalUser(
                    email=invitation["email"],
                    full_name=values["full_name"],
                    password_hash=password_hash,
                    role=Role.CUSTOMER_MEMBER.value,
                    company=invitation["company"],
                    language=language,
                )
            ).returning(PortalUser.id)
        )[0]["id"]
        await Invitation.update({Invitation.accepted_at: now()}).where(Invitation.id == invitation["id"])
        await record(
            "user.joined",
            object_type="user",
            object_id=user_id,
            actor_id=user_id,
            actor_name=invitation["email"],
            company_id=invitation["company"],
            after={"invitation": invitation["id"]},
        )
    return Actor(
        id=user_id,
        email=invitation["email"],
        full_name=values["full_name"],
        role=Role.CUSTOMER_MEMBER,
        company_id=invitation["company"],
        language=language,
    )
