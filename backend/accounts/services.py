"""Use cases of companies and accounts. They own their transactions and are the only callers
of the accounts tables; the API and the pages both call them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backend.accounts import domain
from backend.accounts.domain import Actor, Role
from backend.accounts.schemas import (
    ColleagueOut,
    CompanyIn,
    CompanyOut,
    InvitationOut,
    MeOut,
    RegisterIn,
    UserOut,
)
from backend.accounts.security import hash_password, new_token, token_hash, verify_password
from backend.accounts.tables import Company, Invitation, PortalUser, UserSession
from backend.db import is_unique_violation, locked, write_transaction
from backend.errors import (
    N_,
    Conflict,
    FieldErrors,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from backend.settings import get_settings

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)  # bounds the writes that idle-timeout tracking costs


def now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- companies -------------------------------------------------------------------------------


def _company_values(data: CompanyIn) -> dict[str, Any]:
    return domain.collect(
        name=lambda: domain.required_text(data.name, field="name", message=N_("Enter the company name.")),
        ico=lambda: domain.normalize_ico(data.ico),
        dic=lambda: domain.normalize_dic(data.dic),
        street=lambda: domain.optional_text(data.street, field="street"),
        city=lambda: domain.optional_text(data.city, field="city", max_length=100),
        postal_code=lambda: domain.normalize_postal_code(data.postal_code),
    )


def _company_out(row: dict[str, Any]) -> CompanyOut:
    return CompanyOut(
        id=row["id"],
        name=row["name"],
        ico=row["ico"],
        dic=row["dic"],
        street=row["street"],
        city=row["city"],
        postal_code=row["postal_code"],
    )


async def ico_problem(raw_ico: str) -> InvalidInput | None:
    """What is wrong with an IČO for a new registration, for inline validation."""
    try:
        ico = domain.normalize_ico(raw_ico)
    except InvalidInput as error:
        return error
    if await Company.exists().where(Company.ico == ico):
        return InvalidInput(
            N_("A company with IČO %(ico)s is already registered. Ask its administrator for an invitation."),
            field="ico",
            ico=ico,
        )
    return None


async def email_problem(raw_email: str) -> InvalidInput | None:
    try:
        email = domain.normalize_email(raw_email)
    except InvalidInput as error:
        return error
    if await PortalUser.exists().where(PortalUser.email == email):
        return _email_taken()
    return None


def _email_taken() -> InvalidInput:
    return InvalidInput(
        N_("An account with this e-mail address already exists. Sign in instead."), field="email"
    )


async def register_company(data: RegisterIn, language: str) -> Actor:
    """A company signs up with its first user, who becomes its customer manager; the user keeps
    the language they registered in."""
    errors: dict[str, InvalidInput] = {}
    company: dict[str, Any] = {}
    user: dict[str, Any] = {}
    for values, check in (
        (company, lambda: _company_values(data.company)),
        (
            user,
            lambda: domain.collect(
                email=lambda: domain.normalize_email(data.user.email),
                full_name=lambda: domain.required_text(
                    data.user.full_name, field="full_name", message=N_("Enter your full name.")
                ),
                password=lambda: domain.check_password(data.user.password),
            ),
        ),
    ):
        try:
            values.update(check())
        except FieldErrors as failed:
            errors.update(failed.errors)
    if errors:
        raise FieldErrors(errors)

    password_hash = await hash_password(user["password"])
    try:
        async with write_transaction():
            if problem := await ico_problem(company["ico"]):
                raise problem
            if await PortalUser.exists().where(PortalUser.email == user["email"]):
                raise _email_taken()
            company_id = (await Company.insert(Company(**company)).returning(Company.id))[0]["id"]
            user_id = (
                await PortalUser.insert(
                    PortalUser(
                        email=user["email"],
                        full_name=user["full_name"],
                        password_hash=password_hash,
                        role=Role.CUSTOMER_MANAGER.value,
                        company=company_id,
                        language=language,
                    )
                ).returning(PortalUser.id)
            )[0]["id"]
    except Exception as error:
        if is_unique_violation(error):  # a concurrent registration won the race
            raise Conflict(N_("This company or e-mail address has just been registered.")) from error
        raise
    return Actor(
        id=user_id,
        email=user["email"],
        full_name=user["full_name"],
        role=Role.CUSTOMER_MANAGER,
        company_id=company_id,
        language=language,
    )


async def get_company(actor: Actor) -> CompanyOut:
    row = await Company.select().where(Company.id == actor.company_scope()).first()
    if row is None:
        raise NotFound(N_("Company not found."))
    return _company_out(row)


async def update_company(actor: Actor, data: CompanyIn) -> CompanyOut:
    """A customer manager edits the company details; the IČO identifies the company and stays."""
    _require_manager(actor)
    company_id = actor.company_scope()
    values = _company_values(data)
    async with write_transaction():
        current = await locked(Company.select(Company.ico).where(Company.id == company_id)).first()
        if current is None:
            raise NotFound(N_("Company not found."))
        if values["ico"] != current["ico"]:
            raise InvalidInput(
                N_("The company ID (IČO) cannot be changed. Contact us if it is wrong."), field="ico"
            )
        await Company.update({getattr(Company, k): v for k, v in values.items() if k != "ico"}).where(
            Company.id == company_id
        )
    return await get_company(actor)


# --- people ------------------------------------------------------------------------------------


def actor_from_row(row: dict[str, Any], session_id: int | None = None) -> Actor:
    return Actor(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        company_id=row["company"],
        language=row["language"],
        session_id=session_id,
    )


async def me(actor: Actor) -> MeOut:
    user = UserOut(
        id=actor.id,
        email=actor.email,
        full_name=actor.full_name,
        role=actor.role.value,
        language=actor.language,
    )
    company = await get_company(actor) if actor.company_id is not None else None
    return MeOut(user=user, company=company)


async def authenticate(email: str, password: str) -> Actor:
    """One answer for any bad credential: unknown e-mail, wrong password, deactivated account."""
    normalized = (email or "").strip().lower()
    row = await PortalUser.select().where(PortalUser.email == normalized).first()
    valid = await verify_password(row["password_hash"] if row else None, password or "")
    if row is None or not valid or not row["is_active"]:
        raise NotAuthenticated(N_("The e-mail address or password is not correct."))
    return actor_from_row(row)


async def set_language(actor: Actor, language: str) -> None:
    if language not in ("cs", "en"):
        raise InvalidInput(N_("Choose Czech or English."), field="language")
    await PortalUser.update({PortalUser.language: language}).where(PortalUser.id == actor.id)


async def list_colleagues(actor: Actor) -> list[ColleagueOut]:
    rows = (
        await PortalUser.select(
            PortalUser.id,
            PortalUser.email,
            PortalUser.full_name,
            PortalUser.role,
            PortalUser.is_active,
            PortalUser.created_at,
        )
        .where(PortalUser.company == actor.company_scope())
        .order_by(PortalUser.full_name)
    )
    return [ColleagueOut(**row) for row in rows]


def _require_manager(actor: Actor) -> None:
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))


async def set_colleague_active(actor: Actor, user_id: int, active: bool) -> ColleagueOut:
    """A customer manager deactivates (or reactivates) a colleague; a deactivated user is signed out."""
    _require_manager(actor)
    company_id = actor.company_scope()
    if user_id == actor.id:
        raise InvalidInput(N_("You cannot deactivate your own account."), field="user")
    async with write_transaction():
        target = await locked(
            PortalUser.select(PortalUser.id).where(
                (PortalUser.id == user_id) & (PortalUser.company == company_id)
            )
        ).first()
        if target is None:
            raise NotFound(N_("No such user in your company."))
        await PortalUser.update({PortalUser.is_active: active}).where(PortalUser.id == user_id)
        if not active:
            await UserSession.delete().where(UserSession.user == user_id)
    colleagues = await list_colleagues(actor)
    return next(c for c in colleagues if c.id == user_id)


async def create_staff(email: str, full_name: str, password: str, *, admin: bool) -> int:
    values = domain.collect(
        email=lambda: domain.normalize_email(email),
        full_name=lambda: domain.required_text(
            full_name, field="full_name", message=N_("Enter your full name.")
        ),
        password=lambda: domain.check_password(password),
    )
    password_hash = await hash_password(values["password"])
    async with write_transaction():
        if await PortalUser.exists().where(PortalUser.email == values["email"]):
            raise _email_taken()
        rows = await PortalUser.insert(
            PortalUser(
                email=values["email"],
                full_name=values["full_name"],
                password_hash=password_hash,
                role=(Role.STAFF_ADMIN if admin else Role.STAFF).value,
                company=None,
                language=get_settings().default_language,
            )
        ).returning(PortalUser.id)
    return rows[0]["id"]


# --- invitations -------------------------------------------------------------------------------


def _invitation_status(row: dict[str, Any], at: datetime) -> str:
    if row["accepted_at"] is not None:
        return "accepted"
    if row["revoked_at"] is not None:
        return "revoked"
    if _aware(row["expires_at"]) <= at:
        return "expired"
    return "pending"


def _invitation_out(row: dict[str, Any], at: datetime, link: str | None = None) -> InvitationOut:
    return InvitationOut(
        id=row["id"],
        email=row["email"],
        status=_invitation_status(row, at),  # type: ignore[arg-type]
        created_at=_aware(row["created_at"]),
        expires_at=_aware(row["expires_at"]),
        link=link,
    )


def invitation_link(token: str) -> str:
    return f"{get_settings().public_base_url}/invitations/{token}"


async def invite_colleague(actor: Actor, raw_email: str) -> InvitationOut:
    """Returns the invitation with its single-use link; only the link's hash is stored."""
    _require_manager(actor)
    company_id = actor.company_scope()
    email = domain.normalize_email(raw_email)
    token = new_token()
    created = now()
    async with write_transaction():
        if await PortalUser.exists().where(PortalUser.email == email):
            raise InvalidInput(N_("This person already has an account in the portal."), field="email")
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
    return _invitation_out(rows[0], created, link=invitation_link(token))


async def list_invitations(actor: Actor) -> list[InvitationOut]:
    _require_manager(actor)
    rows = (
        await Invitation.select()
        .where(Invitation.company == actor.company_scope())
        .order_by(Invitation.created_at, ascending=False)
        .limit(50)
    )
    at = now()
    return [_invitation_out(row, at) for row in rows]


async def revoke_invitation(actor: Actor, invitation_id: int) -> InvitationOut:
    _require_manager(actor)
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
        row["revoked_at"] = at
    return _invitation_out(row, at)


async def pending_invitation(token: str) -> dict[str, Any]:
    """The invitation behind a link, with its company's name; refused unless still usable."""
    row = (
        await Invitation.select(*Invitation.all_columns(), Invitation.company.name.as_alias("company_name"))
        .where(Invitation.token_hash == token_hash(token))
        .first()
    )
    if row is None:
        raise NotFound(
            N_("This invitation link is not valid. Ask your company's administrator for a new one.")
        )
    status = _invitation_status(row, now())
    if status == "expired":
        raise InvalidInput(
            N_("This invitation has expired. Ask your company's administrator for a new one."), field="token"
        )
    if status != "pending":
        raise InvalidInput(N_("This invitation has already been used or withdrawn."), field="token")
    return row


async def accept_invitation(token: str, full_name: str, password: str, language: str) -> Actor:
    values = domain.collect(
        full_name=lambda: domain.required_text(
            full_name, field="full_name", message=N_("Enter your full name.")
        ),
        password=lambda: domain.check_password(password),
    )
    password_hash = await hash_password(values["password"])
    async with write_transaction():
        invitation = await pending_invitation(token)
        # lock it so two submissions of the same link create one account
        still_pending = await locked(
            Invitation.select(Invitation.id).where(
                (Invitation.id == invitation["id"]) & Invitation.accepted_at.is_null()
            )
        ).first()
        if still_pending is None:
            raise InvalidInput(N_("This invitation has already been used or withdrawn."), field="token")
        if await PortalUser.exists().where(PortalUser.email == invitation["email"]):
            raise _email_taken()
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
    return Actor(
        id=user_id,
        email=invitation["email"],
        full_name=values["full_name"],
        role=Role.CUSTOMER_MEMBER,
        company_id=invitation["company"],
        language=language,
    )


# --- sessions ----------------------------------------------------------------------------------


async def start_session(actor: Actor, client_address: str, previous_token: str | None = None) -> str:
    """Sign in: a new session id every time; the one the client had before stops working."""
    token = new_token()
    created = now()
    settings = get_settings()
    async with write_transaction():
        if previous_token:
            await UserSession.delete().where(UserSession.token_hash == token_hash(previous_token))
        await UserSession.insert(
            UserSession(
                token_hash=token_hash(token),
                user=actor.id,
                created_at=created,
                last_seen_at=created,
                expires_at=created + timedelta(hours=settings.session_absolute_hours),
                client_address=client_address[:64],
            )
        )
    return token


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == token_hash(token))


async def actor_for_session(token: str) -> Actor | None:
    """The signed-in user behind a session token, or None once it is unknown, expired or idle."""
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.expires_at,
            UserSession.last_seen_at,
            *UserSession.user.all_columns(exclude=[UserSession.user.password_hash]),
        )
        .where(UserSession.token_hash == token_hash(token))
        .first()
    )
    if row is None:
        return None
    at = now()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    last_seen = _aware(row["last_seen_at"])
    if _aware(row["expires_at"]) <= at or last_seen + idle_limit <= at or not row["user.is_active"]:
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if at - last_seen >= SESSION_TOUCH_INTERVAL:
        await UserSession.update({UserSession.last_seen_at: at}).where(UserSession.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    return actor_from_row(user, session_id=row["id"])


# --- staff overview ----------------------------------------------------------------------------


async def recent_companies(actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """Newest registrations first, with how many active people each has: the staff home's list."""
    if not actor.is_staff:
        raise PermissionDenied(N_("This part of the portal is for the support team."))
    companies = (
        await Company.select(Company.id, Company.name, Company.ico, Company.city, Company.created_at)
        .order_by(Company.created_at, ascending=False)
        .limit(limit)
    )
    if not companies:
        return []
    people = await PortalUser.select(PortalUser.company, PortalUser.is_active).where(
        PortalUser.company.is_in([c["id"] for c in companies])
    )
    for company in companies:
        company["active_users"] = sum(1 for p in people if p["company"] == company["id"] and p["is_active"])
        company["created_at"] = _aware(company["created_at"])
    return companies


async def company_count() -> int:
    return await Company.count()
