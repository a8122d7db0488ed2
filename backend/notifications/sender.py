"""Delivers the outbox over SMTP. Each round claims due messages in a short transaction (with a
row lock that skips rows another sender holds on PostgreSQL, an immediate transaction on SQLite)
and marks them claimed, so two app processes never send one message twice; the SMTP talk happens
outside any transaction. A failure is retried later with a growing delay, so nothing is lost while
SMTP is down; after EMAIL_MAX_ATTEMPTS tries a message is given up and the staff admins told."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib

from backend.background import every
from backend.clock import now
from backend.db import is_postgres, json_value, write_transaction
from backend.notifications.headers import headers_for
from backend.notifications.messages import SECRET_KINDS, compose
from backend.notifications.services import GAVE_UP_KIND, enqueue_for_staff_admins
from backend.notifications.tables import OutboxMessage
from backend.settings import get_settings

logger = logging.getLogger("portal.notifications")

BATCH_SIZE = 5
SEND_CAP_SECONDS = 30  # a whole batch ends well within its claim, however slow the server
CLAIM_LEASE = timedelta(minutes=5)  # a sender that dies mid-batch leaves its claims to expire
MAX_DELAY = timedelta(hours=6)
SMTP_TIMEOUT_SECONDS = 10


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


async def _deliver(message: EmailMessage) -> None:
    url = urlsplit(get_settings().smtp_url)
    await aiosmtplib.send(
        message,
        hostname=url.hostname or "127.0.0.1",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        start_tls=True if url.scheme == "smtp+starttls" else False,
        timeout=SMTP_TIMEOUT_SECONDS,
    )


async def _email(row: dict, headers: dict[str, str] | None = None) -> EmailMessage:
    """The row's e-mail; ``headers`` (Date, Message-ID, threading: notifications/headers.py)."""
    composed = compose(row["kind"], json_value(row["context"]), row["language"])
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = row["recipient_email"]
    message["Subject"] = composed.subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(composed.text)
    message.add_alternative(composed.html, subtype="html")
    for attachment in json_value(row.get("attachments")) or []:
        filename, content = await _attachment(attachment)
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message


async def _attachment(reference: dict[str, Any]) -> tuple[str, bytes]:
    """A file an outbox message names, read when it is sent (an invoice's PDF, as it was issued)."""
    from backend.invoices.files import pdf_attachment

    return await pdf_attachment(int(reference["invoice_id"]))


async def _claim() -> list[dict]:
    """Take a batch of due messages for this sender, in a short transaction: the rows are marked
    claimed for a while, so other senders pass them by, and no lock is held while SMTP talks."""
    at = now()
    async with write_transaction():
        query = (
            OutboxMessage.select()
            .where(
                OutboxMessage.sent_at.is_null()
                & OutboxMessage.failed_at.is_null()
                & (OutboxMessage.next_attempt_at <= at)
                & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < at))
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH_SIZE)
        )
        if is_postgres():
            query = query.lock_rows(skip_locked=True)
        rows = await query
        if rows:
            await OutboxMessage.update({OutboxMessage.claimed_until: at + CLAIM_LEASE}).where(
                OutboxMessage.id.is_in([row["id"] for row in rows])
            )
    return rows


async def _failed(row: dict, at, error: Exception) -> None:
    """Retry later with a growing delay; after EMAIL_MAX_ATTEMPTS tries give the message up and
    tell the staff admins (by an e-mail of its own, which is never given up on in turn)."""
    attempts = row["attempts"] + 1
    reason = str(error).replace("\r", " ").replace("\n", " ")[:500]
    give_up = attempts >= get_settings().email_max_attempts and row["kind"] != GAVE_UP_KIND
    async with write_transaction():
        await OutboxMessage.update(
            {
                OutboxMessage.attempts: attempts,
                OutboxMessage.next_attempt_at: at + retry_delay(attempts),
                OutboxMessage.claimed_until: None,
                OutboxMessage.last_error: reason,
                OutboxMessage.failed_at: at if give_up else None,
            }
        ).where(OutboxMessage.id == row["id"])
        if give_up:
            await enqueue_for_staff_admins(
                GAVE_UP_KIND,
                {"recipient": row["recipient_email"], "attempts": attempts, "error": reason[:200]},
            )
    if give_up:
        logger.error("notification %s given up after %s attempts: %r", row["id"], attempts, error)
    else:
        logger.warning("notification %s not delivered (attempt %s): %r", row["id"], attempts, error)


async def send_due() -> int:
    """One round: deliver a batch of what is due; returns how many were sent."""
    sent = 0
    for row in await _claim():
        at = now()
        try:
            headers = await headers_for(row, json_value(row["context"]), at)
            await asyncio.wait_for(_deliver(await _email(row, headers)), SEND_CAP_SECONDS)
        except Exception as error:  # any failure of one message is recorded and retried later
            await _failed(row, at, error)
            continue
        delivered: dict[Any, Any] = {
            OutboxMessage.sent_at: at,
            OutboxMessage.claimed_until: None,
            OutboxMessage.attempts: row["attempts"] + 1,
        }
        if row["kind"] in SECRET_KINDS:  # the single-use link is in the person's mailbox now, only
            delivered[OutboxMessage.context] = "{}"
        await OutboxMessage.update(delivered).where(OutboxMessage.id == row["id"])
        sent += 1
    return sent


async def send_all_due() -> int:
    """Rounds until nothing due is left (the command line's job), e-mail and webhooks alike."""
    from backend.webhooks.sender import deliver_all_due

    total = 0
    while sent := await send_due():
        total += sent
    return total + await deliver_all_due()


notification_sender = every(
    "notification sending", lambda: get_settings().notification_interval_seconds, send_all_due
)
