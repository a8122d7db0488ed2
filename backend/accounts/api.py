"""JSON API of accounts: sign-up, sign-in, the caller, their company, colleagues and invitations."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from litestar.utils.scope.state import ScopeState

from backend.accounts import invitations, passwords, services, sessions, tokens
from backend.accounts.domain import Actor
from backend.accounts.guards import customer, customer_manager, signed_in
from backend.accounts.middleware import (
    SESSION_COOKIE,
    client_address,
    expired_session_cookie,
    new_session_cookie,
    session_cookie,
)
from backend.accounts.schemas import (
    AcceptInvitationIn,
    ColleagueOut,
    CompanyChange,
    CompanyOut,
    CsrfOut,
    InvitationIn,
    InvitationOut,
    LanguageIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetIn,
    PasswordResetRequestIn,
    RegisterIn,
    SessionOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
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

    @post("/login", status_code=200)
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginIn]) -> Response[MeOut]:
        """Sign in. Any bad credential gets the same 401 problem."""
        actor = await services.authenticate(data.email, data.password, client_address(request))
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
