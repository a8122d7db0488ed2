"""The benchmark's ceiling: the cheapest answer the app can give through its own middleware.
Mounted only when PORTAL_BENCH=1 (see create_app), never in normal runs."""

from __future__ import annotations

from litestar import get


@get("/bench/hello", include_in_schema=False, sync_to_thread=False)
def hello() -> str:
    return "hello"


ROUTES = [hello]
