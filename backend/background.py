"""Jobs the app runs on its own, every so often, for as long as it serves (a lifespan each)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

logger = logging.getLogger("portal.background")


def every(
    name: str, interval_seconds: Callable[[], int], job: Callable[[], Awaitable[object]]
) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """A lifespan that runs ``job`` now and then every ``interval_seconds()`` (0 or less: never).
    A failed round is logged and the next one comes as usual (the database may be down, say)."""

    async def run_forever(interval: int) -> None:
        while True:
            try:
                await job()
            except Exception:
                logger.exception("%s round failed; trying again in %s s", name, interval)
            await asyncio.sleep(interval)

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        interval = interval_seconds()
        if interval <= 0:
            yield
            return
        task = asyncio.create_task(run_forever(interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
