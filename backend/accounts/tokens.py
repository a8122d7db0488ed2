"""Personal API tokens for integrations: created on "My account", shown once, kept as a hash,
sent as ``Authorization: Bearer``; revoked, expired or of a deactivated owner, they stop at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.accounts.domain import Actor
from backend.accounts.schemas import TokenCreatedOut, TokenIn, TokenOut
from backend.accounts.security import new_token, token_hash
from backend.accounts.services import actor_from_row
from backend.accounts.tables import ApiToken
from backend.audit.services import record
from backend.clock import aware, now, today
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound, PermissionDenied

TOKEN_PREFIX = "ptk_"  # noqa: S105 - a marker, not a secret
MAX_VALID_DAYS = 366
MAX_TOKENS = 20
TOUCH_INTERVAL = timedelta(minutes=1)


def _out(row: dict[str, Any]) -> TokenOut:
    return TokenOut(
        id=row["id"],
        name=row["name"],
        scope=row["scope"],
        created_at=aware(row["created_at"]),
        expires_at=aware(row["expires_at"]),
        last_used_at=aware(row["last_used_at"]) if row["last_used_at"] else None,
        last_used_address=row["last_used_address"],
    )


def require_interactive(actor: Actor) -> None:
    """Tokens, passwords and second factors are managed by the person, never by a token."""
    if actor.via_token:
        raise PermissionDenied(N_("Sign in with your password to manage your account's security."))


async def create_token(actor: Actor, data: TokenIn) -> TokenCreatedOut:
    require_interactive(actor)
    if actor.needs_second_factor:
        raise PermissionDenied(N_("Set up two-factor sign-in before you create API tokens."))
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput(N_("Name the token after the integration that will use it."), field="name")
    if not today() < data.expires_on <= today() + timedelta(days=MAX_VALID_DAYS - 1):
        raise InvalidInput(N_("A token expires after today and within a year."), field="expires_on")
    token = TOKEN_PREFIX + new_token()
    async with write_transaction():
        if (
            await ApiToken.count().where(
                (ApiToken.user == actor.id) & ApiToken.revoked_at.is_null() & (ApiToken.expires_at > now())
            )
            >= MAX_TOKENS
        ):
            raise InvalidInput(
                N_("You have %(max)d tokens already: revoke one you no longer use."),
                field="name",
                max=MAX_TOKENS,
            )
        rows = await ApiToken.insert(
            ApiToken(
                user=actor.id,
                name=name,
                token_hash=token_hash(token),
                scope=data.scope,
                created_at=now(),
                # the token works through its last day, Prague midnight being at most 2 h off UTC
                expires_at=now().replace(hour=0, minute=0, second=0, microsecond=0)
                + timedelta(days=(data.expires_on - today()).days + 1),
            )
        ).returning(*ApiToken.all_columns())
        await record(
            "token.created",
            object_type="api_token",
            object_id=rows[0]["id"],
            actor=actor,
            after={"name": name, "scope": data.scope},
        )
    return TokenCreatedOut(token=token, details=_out(rows[0]))


async def list_tokens(actor: Actor) -> list[TokenOut]:
    rows = (
        await ApiToken.select()
        .where((ApiToken.user == actor.id) & ApiToken.revoked_at.is_null() & (ApiToken.expires_at > now()))
        .order_by(ApiToken.created_at, ascending=False)
    )
    return [_out(row) for row in rows]


async def revoke_token(actor: Actor, token_id: int) -> None:
    require_interactive(actor)
    async with write_transaction():
        row = await locked(
            ApiToken.select().where(
                (ApiToken.id == token_id) & (ApiToken.user == actor.id) & ApiToken.revoked_at.is_null()
            )
        ).first()
        if row is None:
            raise NotFound(N_("No such token."))
        await ApiToken.update({ApiToken.revoked_at: now()}).where(ApiToken.id == token_id)
        await record("token.revoked", object_type="api_token", object_id=token_id, actor=actor)


async def actor_for_bearer(token: str, client_address: str) -> tuple[Actor, str] | None:
    """The owner behind a bearer token and the token's scope, or None: unknown, revoked, expired,
    or its owner deactivated."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.scope,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
            *ApiToken.user.all_columns(exclude=[ApiToken.user.password_hash, ApiToken.user.totp_secret]),
            ApiToken.user.company.require_two_factor.as_alias("company_requires_2fa"),
        )
        .where(ApiToken.token_hash == token_hash(token))
        .first()
    )
    at = now()
    if row is None or row["revoked_at"] is not None or aware(row["expires_at"]) <= at:
        return None
    if not row["user.is_active"]:
        return None
    if row["last_used_at"] is None or at - aware(row["last_used_at"]) >= TOUCH_INTERVAL:
        await ApiToken.update(
            {ApiToken.last_used_at: at, ApiToken.last_used_address: client_address[:64]}
        ).where(ApiToken.id == row["id"])
    user = {key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")}
    user["company_requires_2fa"] = row["company_requires_2fa"]
    actor = actor_from_row(user, via_token=True)
    if actor.needs_second_factor:
        return None
    return actor, row["scope"]
