"""One round of reading the support mailbox: take the lease, file every message not yet marked,
mark each only after its filing has committed. A message whose Message-ID is already recorded
(the last poller died between its commit and the mark) is only marked."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import uuid
from dataclasses import dataclass, field

from backend.background import every
from backend.mailin import lease
from backend.mailin.domain import MailStatus
from backend.mailin.filing import file_mail, is_recorded
from backend.mailin.imap import Mailbox, parse_imap_url
from backend.mailin.parse import read_headers, read_mail, unreadable_mail
from backend.settings import get_settings

logger = logging.getLogger("portal.mailin")
BATCH = 50
# tests stop the poller right between a filing's commit and its mark, as a crash would
DIE_AFTER_COMMIT = "PORTAL_TEST_MAILIN_DIE_AFTER_COMMIT"


@dataclass
class Round:
    filed: int = 0  # replies and new tickets
    not_filed: int = 0
    already: int = 0  # recorded before: only marked now
    busy: bool = False  # another poller held the lease
    statuses: list[str] = field(default_factory=list)


def max_message_bytes() -> int:
    """Larger messages are not fetched at all: no ticket could take them."""
    return get_settings().attachment_max_ticket_bytes


async def _one(mailbox: Mailbox, uid: int, size: int, headers: bytes, done: Round) -> None:
    if size > max_message_bytes():
        raw, mail = None, read_headers(headers, size)
    else:
        raw = await asyncio.to_thread(mailbox.whole, uid)
        if raw is None:
            return
        try:
            mail = read_mail(raw)
        except Exception:  # one broken message must not stop the mailbox: kept, never retried
            logger.exception("mail message %s could not be parsed; kept as unreadable", uid)
            mail = unreadable_mail(raw)
    outcome = None if await is_recorded(mail.message_id) else await file_mail(mail, raw)
    if outcome is None:
        done.already += 1
    else:
        if os.environ.get(DIE_AFTER_COMMIT):
            os.kill(os.getpid(), signal.SIGKILL)
        done.statuses.append(outcome.status.value)
        if outcome.status is MailStatus.NOT_FILED:
            done.not_filed += 1
        else:
            done.filed += 1
    await asyncio.to_thread(mailbox.mark_recorded, uid)


async def fetch_mail() -> Round:
    """One round (IMAP_URL unset: nothing to do)."""
    done = Round()
    url = get_settings().imap_url
    if not url:
        return done
    holder = uuid.uuid4().hex
    if not await lease.claim(holder):
        done.busy = True
        return done
    try:
        mailbox = await asyncio.to_thread(Mailbox, parse_imap_url(url))
        try:
            uids = await asyncio.to_thread(mailbox.waiting)  # what came later waits for the next round
            for start in range(0, len(uids), BATCH):
                found = await asyncio.to_thread(mailbox.sizes_and_headers, uids[start : start + BATCH])
                for uid, (size, headers) in sorted(found.items()):
                    await _one(mailbox, uid, size, headers, done)
                    if not await lease.claim(holder):  # renewed; lost only if we stalled past it
                        logger.warning("mail poller lost its lease; stopping this round")
                        return done
        finally:
            await asyncio.to_thread(mailbox.close)
    finally:
        await lease.release(holder)
    if done.filed or done.not_filed:
        logger.info("mail: %s filed, %s not filed", done.filed, done.not_filed)
    return done


def _interval() -> int:
    settings = get_settings()
    return settings.mail_fetch_interval_seconds if settings.imap_url else 0


mail_poller = every("mail fetching", _interval, fetch_mail)
