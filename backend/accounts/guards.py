"""Route guards by role. They raise domain errors; problems.py turns them into 401/403."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.accounts.domain import Actor
from backend.errors import N_, NotAuthenticated, PermissionDenied


def _actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    actor = connection.scope.get("user")
    if actor is None:
        raise NotAuthenticated(N_("Sign in to continue."))
    return actor


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _actor(connection)


def customer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _actor(connection).role.is_customer:
        raise PermissionDenied(N_("This part of the portal is for customer accounts."))


def customer_manager(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _actor(connection).is_customer_manager:
        raise PermissionDenied(N_("Only your company's administrator can do this."))


def staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _actor(connection).is_staff:
        raise PermissionDenied(N_("This part of the portal is for the support team."))


def staff_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _actor(connection).is_staff_admin:
        raise PermissionDenied(N_("Only the head of the technical department can do this."))
