"""Runs credit expiry inside the app on a schedule, so no cron is needed. Safe with several app
processes: expiry locks each account and books only what is still open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.credit.services import expire_credit
from backend.settings import get_settings

logger = logging.getLogger("portal.credit")


async def _run_forever(interval_seconds: int) -> None:
    while True:
        try:
            booked = await expire_credit()
            if booked:
                logger.info("credit expiry booked %d entries", booked)
        except Exception:  # the schedule must survive a failed round (database down, say)
            logger.exception("credit expiry round failed; trying again later")
        await asyncio.sleep(interval_seconds)


@asynccontextmanager
async def expiry_schedule(_app: object) -> AsyncIterator[None]:
    interval = get_settings().credit_expiry_interval_seconds
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(_run_forever(interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
