"""JSON API of accounts: sign-up, sign-in, the caller, their company, colleagues and invitations."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from litestar.utils.scope.state import ScopeState

from backend.accounts import (
    ares,
    invitations,
    passwords,
    services,
    sessions,
    sign_in_code,
    tokens,
    two_factor,
)
from backend.accounts.domain import Actor
from backend.accounts.guards import customer, customer_manager, signed_in, staff_admin
from backend.accounts.middleware import (
    SESSION_COOKIE,
    client_address,
    expired_session_cookie,
    new_session_cookie,
    session_cookie,
)
from backend.accounts.schemas import (
    AcceptInvitationIn,
    AresCompanyOut,
    CodeIn,
    ColleagueOut,
    CompanyChange,
    CompanyOut,
    CsrfOut,
    DisableSecondFactorIn,
    EnrolmentOut,
    InvitationIn,
    InvitationOut,
    LanguageIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetIn,
    PasswordResetRequestIn,
    RecoveryCodesOut,
    RegisterIn,
    RequireSecondFactorIn,
    SecondFactorIn,
    SecondFactorOut,
    SessionOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    TwoFactorStatusOut,
)
from backend.i18n import current_language
from backend.params import RowId


def current_actor(request: Request[Any, Any, Any]) -> Actor:
    """The signed-in caller; routes that use it are guarded, so it is never None there."""
    return request.scope["user"]


async def signed_in_response(
    request: Request[Any, Any, Any], actor: Actor, status_code: int
) -> Response[MeOut]:
    """Start a fresh session (replacing any the client had) and answer with who is signed in."""
    cookie = await new_session_cookie(request, actor)
    return Response(await services.me(actor), status_code=status_code, cookies=[cookie])


ACTOR = {"actor": Provide(current_actor, sync_to_thread=False)}
CurrentActor = NamedDependency[Actor]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_201_CREATED)
    async def register(self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn]) -> Response[MeOut]:
        """Register a company with its first user, who becomes its customer manager and is signed in."""
        actor = await services.register_company(data, current_language(), client_address(request))
        return await signed_in_response(request, actor, HTTP_201_CREATED)

    @post(
        "/login",
        status_code=200,
        responses={
            202: ResponseSpec(
                data_container=SecondFactorOut,
                generate_examples=False,
                description="The password is right and the account has two-factor sign-in: send a "
                "code with the challenge to /api/v1/auth/login/code",
            )
        },
    )
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginIn]) -> Response[MeOut]:
        """Sign in. Any bad credential gets the same 401 problem. An account with two-factor
        sign-in answers 202 with a challenge instead, and no session yet."""
        actor = await services.authenticate(data.email, data.password, client_address(request))
        if await two_factor.has_second_factor(actor.id):
            return Response(await sign_in_code.challenge(actor), status_code=HTTP_202_ACCEPTED)  # type: ignore[arg-type]
        return await signed_in_response(request, actor, 200)

    @post("/login/code", status_code=200)
    async def login_code(
        self, request: Request[Any, Any, Any], data: JSONBody[SecondFactorIn]
    ) -> Response[MeOut]:
        """The second step: a code from the authenticator app (each accepted once) or a recovery
        code, with the challenge from the password step. Throttled as passwords are."""
        actor = await sign_in_code.complete_sign_in(data.challenge, data.code, client_address(request))
        return await signed_in_response(request, actor, 200)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """Sign out: the session is destroyed on the server and its cookie cleared."""
        if token := request.cookies.get(SESSION_COOKIE):
            await sessions.end_session(token)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[expired_session_cookie()])

    @get("/csrf")
    async def csrf(self, request: Request[Any, Any, Any]) -> CsrfOut:
        """The CSRF token: send it back in the ``x-csrftoken`` header with every unsafe request
        (the ``csrftoken`` cookie this answer sets carries the same value)."""
        token = ScopeState.from_scope(request.scope).csrf_token
        return CsrfOut(token=str(token), header_name="x-csrftoken", cookie_name="csrftoken")

    @post("/invitations/{token:str}/accept", status_code=HTTP_201_CREATED)
    async def accept_invitation(
        self, request: Request[Any, Any, Any], token: FromPath[str], data: JSONBody[AcceptInvitationIn]
    ) -> Response[MeOut]:
        """Join a company through an invitation link's token; signs the new member in."""
        actor = await invitations.accept_invitation(token, data.full_name, data.password, current_language())
        return await signed_in_response(request, actor, HTTP_201_CREATED)

    @post("/password-reset", status_code=HTTP_202_ACCEPTED)
    async def request_password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[PasswordResetRequestIn]
    ) -> Response[None]:
        """E-mail a single-use link to choose a new password. The answer is 202 whether or not
        the address has an account."""
        await passwords.request_reset(data.email, client_address(request))
        return Response(None, status_code=HTTP_202_ACCEPTED)

    @post("/password-reset/confirm", status_code=HTTP_204_NO_CONTENT)
    async def reset_password(self, data: JSONBody[PasswordResetIn]) -> Response[None]:
        """Set a new password with the token from the e-mailed link (once; it expires). Every
        session of the account ends; sign in with the new password."""
        await passwords.reset_password(data.token, data.password)
        return Response(None, status_code=HTTP_204_NO_CONTENT)


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["auth"]
    guards = [signed_in]
    dependencies = ACTOR

    @get()
    async def me(self, actor: CurrentActor) -> MeOut:
        return await services.me(actor)

    @put("/language")
    async def set_language(self, actor: CurrentActor, data: JSONBody[LanguageIn]) -> MeOut:
        """Choose the language of pages, e-mails and problem details (cs or en)."""
        return await services.me(await services.set_language(actor, data.language))

    @post("/password", status_code=200)
    async def change_password(
        self, request: Request[Any, Any, Any], actor: CurrentActor, data: JSONBody[PasswordChangeIn]
    ) -> Response[MeOut]:
        """Change the password. Every session of the account ends; the answer carries the
        caller's new session cookie."""
        token = await passwords.change_password(
            actor, data.current_password, data.new_password, client_address(request)
        )
        return Response(await services.me(actor), status_code=200, cookies=[session_cookie(token)])

    @get("/sessions")
    async def sessions(self, actor: CurrentActor) -> list[SessionOut]:
        """Where the caller is signed in, the current session first."""
        return await sessions.list_sessions(actor)

    @post("/sessions/end-others", status_code=HTTP_204_NO_CONTENT)
    async def end_other_sessions(self, actor: CurrentActor) -> Response[None]:
        """Sign out everywhere else: every other session of the caller ends."""
        tokens.require_interactive(actor)
        await sessions.end_other_sessions(actor)
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    @get("/two-factor")
    async def two_factor_status(self, actor: CurrentActor) -> TwoFactorStatusOut:
        """Whether two-factor sign-in is on, required, and how many recovery codes are left."""
        return await two_factor.status(actor)

    @post("/two-factor/enrolment", status_code=HTTP_201_CREATED)
    async def two_factor_start(self, actor: CurrentActor) -> EnrolmentOut:
        """Start setting up an authenticator app: its secret, as text and as a QR code."""
        return await two_factor.start_enrolment(actor)

    @post("/two-factor/confirm", status_code=200)
    async def two_factor_confirm(self, actor: CurrentActor, data: JSONBody[CodeIn]) -> RecoveryCodesOut:
        """The app's first code turns two-factor sign-in on; the ten recovery codes are shown once."""
        return await two_factor.confirm_enrolment(actor, data.code)

    @post("/two-factor/disable", status_code=HTTP_204_NO_CONTENT)
    async def two_factor_disable(
        self, request: Request[Any, Any, Any], actor: CurrentActor, data: JSONBody[DisableSecondFactorIn]
    ) -> Response[None]:
        """Turn two-factor sign-in off, with the password and a code (not where it is required)."""
        await two_factor.disable(actor, data.password, data.code, client_address(request))
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    @get("/tokens")
    async def tokens(self, actor: CurrentActor) -> list[TokenOut]:
        """The caller's API tokens that still work, with when and from where each was last used."""
        return await tokens.list_tokens(actor)

    @post("/tokens", status_code=HTTP_201_CREATED)
    async def create_token(self, actor: CurrentActor, data: JSONBody[TokenIn]) -> TokenCreatedOut:
        """A new API token (scope ``read`` or ``read_write``, valid up to a year); the answer is
        the only time the token is shown. Send it as ``Authorization: Bearer <token>``."""
        return await tokens.create_token(actor, data)

    @post("/tokens/{token_id:int}/revoke", status_code=HTTP_204_NO_CONTENT)
    async def revoke_token(self, actor: CurrentActor, token_id: RowId) -> Response[None]:
        """Revoke a token: it stops working at once."""
        await tokens.revoke_token(actor, token_id)
        return Response(None, status_code=HTTP_204_NO_CONTENT)


class CompanyController(Controller):
    """The caller's own company. Every query is scoped to it; another company's ids are 404."""

    path = "/api/v1/company"
    tags = ["company"]
    guards = [customer]
    dependencies = ACTOR

    @get()
    async def company(self, actor: CurrentActor) -> CompanyOut:
        return await services.get_company(actor)

    @patch(guards=[customer_manager])
    async def update(self, actor: CurrentActor, data: JSONBody[CompanyChange]) -> CompanyOut:
        """Edit the company's details (customer manager). The IČO cannot change."""
        return await services.update_company(actor, data)

    @put("/two-factor", guards=[customer_manager], status_code=HTTP_204_NO_CONTENT)
    async def require_two_factor(self, actor: CurrentActor, data: JSONBody[RequireSecondFactorIn]) -> None:
        """Require two-factor sign-in of everyone in the company (customer manager)."""
        await two_factor.set_company_requirement(actor, data.required)

    @get("/users")
    async def users(self, actor: CurrentActor) -> list[ColleagueOut]:
        return await services.list_colleagues(actor)

    @post("/users/{user_id:int}/deactivate", guards=[customer_manager], status_code=200)
    async def deactivate(self, actor: CurrentActor, user_id: RowId) -> ColleagueOut:
        return await services.set_colleague_active(actor, user_id, active=False)

    @post("/users/{user_id:int}/activate", guards=[customer_manager], status_code=200)
    async def activate(self, actor: CurrentActor, user_id: RowId) -> ColleagueOut:
        return await services.set_colleague_active(actor, user_id, active=True)

    @get("/invitations", guards=[customer_manager])
    async def invitations(self, actor: CurrentActor) -> list[InvitationOut]:
        return await invitations.list_invitations(actor)

    @post("/invitations", guards=[customer_manager], status_code=HTTP_201_CREATED)
    async def invite(self, actor: CurrentActor, data: JSONBody[InvitationIn]) -> InvitationOut:
        """Invite a colleague: the answer carries the single-use link (only shown this once)."""
        return await invitations.invite_colleague(actor, data.email)

    @post("/invitations/{invitation_id:int}/revoke", guards=[customer_manager], status_code=200)
    async def revoke(self, actor: CurrentActor, invitation_id: RowId) -> InvitationOut:
        return await invitations.revoke_invitation(actor, invitation_id)


class AresController(Controller):
    """Company details from ARES, the Czech business register, for any signed-in user."""

    path = "/api/v1/ares"
    tags = ["company"]
    guards = [signed_in]
    dependencies = ACTOR

    @get("/{ico:str}", summary="Company details from ARES")
    async def company(
        self, actor: CurrentActor, ico: Annotated[str, PathParameter(max_length=20)]
    ) -> AresCompanyOut:
        """A company's name, address and DIČ as ARES has them, by its IČO: 400 for an IČO that
        cannot be one (8 digits with the check digit), 404 when ARES does not know it, 503 when
        ARES does not answer. Counted per user (429 past ARES_LOOKUPS_PER_WINDOW)."""
        return await ares.look_up(actor, ico)


class StaffUserController(Controller):
    path = "/api/v1/staff/users"
    tags = ["staff"]
    guards = [staff_admin]
    dependencies = ACTOR

    @post("/{user_id:int}/two-factor/reset", status_code=HTTP_204_NO_CONTENT)
    async def reset_two_factor(self, actor: CurrentActor, user_id: RowId) -> None:
        """Reset someone's second factor (a lost phone): audited and e-mailed to them."""
        await two_factor.reset_for(actor, user_id)
