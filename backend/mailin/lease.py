"""One poller at a time, across processes and machines: a lease row in the database, taken
with a conditional UPDATE (free, expired, or already ours) and renewed while the poller works.
A poller that dies leaves it to expire; the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import timedelta

from backend.clock import now
from backend.db import write_transaction
from backend.errors import Conflict
from backend.mailin.tables import MailPollerLease

NAME = "imap"
LEASE_FOR = timedelta(minutes=5)  # a message takes seconds; a renewal comes after each one


async def claim(holder: str) -> bool:
    """Take or renew the lease for ``holder``; False while another poller holds it."""
    at = now()
    try:
        async with write_transaction():
            taken = (
                await MailPollerLease.update(
                    {MailPollerLease.holder: holder, MailPollerLease.expires_at: at + LEASE_FOR}
                )
                .where(
                    (MailPollerLease.name == NAME)
                    & ((MailPollerLease.expires_at < at) | (MailPollerLease.holder == holder))
                )
                .returning(MailPollerLease.id)
            )
            if taken:
                return True
            if await MailPollerLease.exists().where(MailPollerLease.name == NAME):
                return False
            await MailPollerLease.insert(MailPollerLease(name=NAME, holder=holder, expires_at=at + LEASE_FOR))
            return True
    except Conflict:  # another poller inserted the first lease row at the same moment
        return False


async def release(holder: str) -> None:
    await MailPollerLease.update({MailPollerLease.expires_at: now()}).where(
        (MailPollerLease.name == NAME) & (MailPollerLease.holder == holder)
    )
