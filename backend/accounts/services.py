"""Use cases of companies and accounts. They own their transactions and are the only callers
of the accounts tables; the API and the pages both call them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from backend.accounts import domain, throttle
from backend.accounts.domain import Actor, Role
from backend.accounts.schemas import (
    ColleagueOut,
    CompanyChange,
    CompanyIn,
    CompanyOut,
    MeOut,
    RegisterIn,
    UserOut,
)
from backend.accounts.security import hash_password, verify_password
from backend.accounts.tables import Company, PortalUser, UserSession
from backend.audit.services import record
from backend.clock import aware
from backend.db import Param, Prepared, locked, write_transaction
from backend.errors import (
    N_,
    Conflict,
    FieldErrors,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from backend.i18n import LANGUAGES
from backend.settings import get_settings

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
        require_two_factor=bool(row.get("require_two_factor")),
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


async def email_problem(raw_email: str, client_address: str) -> InvalidInput | None:
    """The inline hint while registering. Whether an address has an account is said the same for
    staff and customers alike, and only so often per client address (TooManyRequests after)."""
    try:
        email = domain.normalize_email(raw_email)
    except InvalidInput as error:
        return error
    await throttle.spend_email_check(client_address)
    if await PortalUser.exists().where(PortalUser.email == email):
        return email_taken()
    return None


def email_taken() -> InvalidInput:
    return InvalidInput(
        N_("An account with this e-mail address already exists. Sign in instead."), field="email"
    )


async def register_company(data: RegisterIn, language: str, client_address: str = "") -> Actor:
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
                await throttle.spend_email_check(client_address)  # the answer tells: counted
                raise email_taken()
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
            await record(
                "company.registered",
                object_type="company",
                object_id=company_id,
                company_id=company_id,
                actor_name=user["email"],
                after={**company, "manager": user["email"]},
            )
    except Conflict as error:  # a concurrent registration won the race
        raise Conflict(N_("This company or e-mail address has just been registered.")) from error
    return Actor(
        id=user_id,
        email=user["email"],
        full_name=user["full_name"],
        role=Role.CUSTOMER_MANAGER,
        company_id=company_id,
        language=language,
    )


_COMPANY = Prepared(lambda: Company.select().where(Company.id == Param("id")).first())


async def get_company(actor: Actor) -> CompanyOut:
    row = await _COMPANY.first(id=actor.company_scope())
    if row is None:
        raise NotFound(N_("Company not found."))
    return _company_out(row)


async def company_name(company_id: int) -> str:
    """The one answer to what a company is called, for every feature that shows or sends it."""
    row = await Company.select(Company.name).where(Company.id == company_id).first()
    if row is None:
        raise NotFound(N_("Company not found."))
    return row["name"]


async def update_company(actor: Actor, change: CompanyChange) -> CompanyOut:
    """A customer manager edits the company details; fields not sent stay as they are."""
    require_manager(actor)
    company_id = actor.company_scope()
    async with write_transaction():
        current = await locked(Company.select().where(Company.id == company_id)).first()
        if current is None:
            raise NotFound(N_("Company not found."))
        sent = {field: value for field, value in msgspec.structs.asdict(change).items() if value is not None}
        editable = {field: current[field] for field in ("name", "dic", "street", "city", "postal_code")}
        values = _company_values(CompanyIn(**{**editable, **sent}, ico=current["ico"]))
        if sent:
            await Company.update({getattr(Company, field): values[field] for field in sent}).where(
                Company.id == company_id
            )
            await record(
                "company.updated",
                object_type="company",
                object_id=company_id,
                actor=actor,
                before={field: current[field] for field in sent},
                after={field: values[field] for field in sent},
            )
    return _company_out({**current, **values})


# --- people ------------------------------------------------------------------------------------


def actor_from_row(row: dict[str, Any], session_id: int | None = None, via_token: bool = False) -> Actor:
    """``row`` is a portal_user row; with ``company_requires_2fa`` (its company's choice) and
    ``totp_enabled_at`` the actor knows whether a second factor is still to be set up."""
    role = Role(row["role"])
    required = domain.second_factor_required(
        role, bool(row.get("company_requires_2fa")), get_settings().two_factor_required_for_staff
    )
    return Actor(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        role=role,
        company_id=row["company"],
        language=row["language"],
        session_id=session_id,
        via_token=via_token,
        needs_second_factor=required and row.get("totp_enabled_at") is None,
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


async def authenticate(email: str, password: str, client_address: str = "") -> Actor:
    """One answer for any bad credential: unknown e-mail, wrong password, deactivated account.
    Repeated failures for the account or from the address are refused for a while (429)."""
    normalized = (email or "").strip().lower()
    await throttle.attempt(normalized, client_address)
    row = await PortalUser.select().where(PortalUser.email == normalized).first()
    valid = await verify_password(row["password_hash"] if row else None, password or "")
    if row is None or not valid or not row["is_active"]:
        async with write_transaction():  # the attempt stays counted as a failure
            await record(
                "auth.login_failed",
                object_type="user",
                object_id=row["id"] if row else None,
                company_id=row["company"] if row else None,
                actor_name=normalized[:254],
            )
        raise NotAuthenticated(N_("The e-mail address or password is not correct."))
    if row["totp_enabled_at"] is None:  # with a second factor, the code step clears the count
        async with write_transaction():
            await throttle.succeeded(normalized)
    return actor_from_row(row)


async def set_language(actor: Actor, language: str) -> Actor:
    """Store the user's language; returns the actor as they are from now on."""
    if language not in LANGUAGES:
        raise InvalidInput(N_("Choose Czech or English."), field="language")
    async with write_transaction():
        await PortalUser.update({PortalUser.language: language}).where(PortalUser.id == actor.id)
        await record(
            "user.language",
            object_type="user",
            object_id=actor.id,
            actor=actor,
            before=actor.language,
            after=language,
        )
    return replace(actor, language=language)


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


def require_manager(actor: Actor) -> None:
    if not actor.is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))


async def set_colleague_active(actor: Actor, user_id: int, active: bool) -> ColleagueOut:
    """A customer manager deactivates (or reactivates) a colleague; a deactivated user is signed out."""
    require_manager(actor)
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
        await record(
            "user.activated" if active else "user.deactivated",
            object_type="user",
            object_id=user_id,
            actor=actor,
            before=not active,
            after=active,
        )
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
            raise email_taken()
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
        await record(
            "user.staff_created",
            object_type="user",
            object_id=rows[0]["id"],
            actor_name="portal create-staff",
            after={"email": values["email"], "role": (Role.STAFF_ADMIN if admin else Role.STAFF).value},
        )
    return rows[0]["id"]


# --- staff overview ----------------------------------------------------------------------------


async def recent_companies(actor: Actor, limit: int = 20) -> list[dict[str, Any]]:
    """Newest registrations first, with how many active people each has: the staff home's list."""
    actor.require_staff()
    companies = (
        await Company.select(Company.id, Company.name, Company.ico, Company.city, Company.created_at)
        .order_by(Company.created_at, ascending=False)
        .limit(limit)
    )
    if not companies:
        return []
    active = await (
        PortalUser.select(PortalUser.company, Count(PortalUser.id, alias="people"))
        .where(PortalUser.company.is_in([c["id"] for c in companies]) & (PortalUser.is_active == True))  # noqa: E712
        .group_by(PortalUser.company)
    )
    people = {row["company"]: row["people"] for row in active}
    return [
        {**company, "active_users": people.get(company["id"], 0), "created_at": aware(company["created_at"])}
        for company in companies
    ]


async def company_count() -> int:
    return await Company.count()


async def list_staff() -> list[dict[str, Any]]:
    """Active support engineers, for assigning work."""
    return (
        await PortalUser.select(PortalUser.id, PortalUser.full_name)
        .where(PortalUser.role.is_in([Role.STAFF.value, Role.STAFF_ADMIN.value]))
        .where(PortalUser.is_active == True)  # noqa: E712 - Piccolo builds SQL from ==
        .order_by(PortalUser.full_name)
    )


async def is_active_staff(user_id: int) -> bool:
    return await PortalUser.exists().where(
        (PortalUser.id == user_id)
        & PortalUser.role.is_in([Role.STAFF.value, Role.STAFF_ADMIN.value])
        & (PortalUser.is_active == True)  # noqa: E712
    )
