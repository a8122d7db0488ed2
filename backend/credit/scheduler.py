"""Runs credit expiry inside the app on a schedule, so no cron is needed. Safe with several app
processes: expiry locks each account and books only what is still open."""

from __future__ import annotations

import logging

from backend.background import every
from backend.credit.services import expire_credit
from backend.settings import get_settings

logger = logging.getLogger("portal.credit")


async def _expire_and_say() -> None:
    if booked := await expire_credit():
        logger.info("credit expiry booked %d entries", booked)


expiry_schedule = every(
    "credit expiry", lambda: get_settings().credit_expiry_interval_seconds, _expire_and_say
)
