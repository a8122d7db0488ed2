"""Liveness and readiness for load balancers and orchestrators (not in the API schema)."""

from __future__ import annotations

from litestar import Response, get

from backend.db import database_ready


@get("/health", include_in_schema=False, sync_to_thread=False)
def health() -> dict[str, str]:
    """The process is alive and serving; says nothing about the database."""
    return {"status": "ok"}


@get("/ready", include_in_schema=False)
async def ready() -> Response[dict[str, str]]:
    """Ready to serve: the database answers. 503 while it does not."""
    if await database_ready():
        return Response({"status": "ready", "database": "ok"}, status_code=200)
    return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
