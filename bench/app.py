"""The app the benchmark serves: the portal's own, plus the benchmark's ceiling, the cheapest answer
the app can give through its own middleware. Only ``python -m bench serve`` mounts it."""

from __future__ import annotations

from litestar import Litestar, get

from backend.app import create_app


@get("/bench/hello", include_in_schema=False, sync_to_thread=False)
def hello() -> str:
    return "hello"


def create_bench_app() -> Litestar:
    app = create_app()
    app.register(hello)
    return app
