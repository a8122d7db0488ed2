"""Pure rules of webhooks: the events, the Standard Webhooks signature, the retry schedule and
which addresses a receiver may have."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from backend.errors import N_, InvalidInput

# what a receiver can subscribe to
EVENTS: dict[str, str] = {
    "order.submitted": N_("Order submitted"),
    "quote.accepted": N_("Quote accepted"),
    "order.approved": N_("Order approved"),
    "order.completed": N_("Order completed"),
    "ticket.created": N_("Ticket created"),
    "ticket.resolved": N_("Ticket resolved"),
    "credit.low": N_("Credit running low"),
    "credit.expired": N_("Credit expired"),
    "subscription.approved": N_("Subscription approved"),
    "invoice.issued": N_("Invoice issued"),
    "invoice.paid": N_("Invoice paid"),
}
TEST_EVENT = "webhook.test"  # the "send test event" button's; goes to one endpoint whatever it wants
# an order step (its new status) and the event it is
ORDER_EVENTS = {
    "submitted": "order.submitted",
    "accepted": "quote.accepted",
    "approved": "order.approved",
    "completed": "order.completed",
}
RETRY_FOR = timedelta(days=1)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=4)
URL_MAX_LENGTH = 500


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``webhook-signature`` as Standard Webhooks define it: v1, base64 HMAC-SHA256 of
    "id.timestamp.body" under the secret's bytes (after "whsec_")."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """30 s, 1, 2, 4 … minutes after each failed attempt (at most 4 h), each with up to a fifth
    of random jitter, so receivers coming back are not hit by every sender at once."""
    base = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return base + base * (rng or random).uniform(0, 0.2)


def check_url(raw: str, *, allow_private: bool) -> str:
    """An https URL with a host name (any scheme http/https when private addresses are allowed)."""
    url = (raw or "").strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if len(url) > URL_MAX_LENGTH or parts.scheme not in schemes or not parts.hostname:
        raise InvalidInput(N_("Enter an https:// address of the receiving system."), field="url")
    if parts.username or parts.password:
        raise InvalidInput(N_("The address may not hold a user name or password."), field="url")
    return url


def public_addresses_only(addresses: list[str]) -> bool:
    """Every address the host resolves to is a public one (no loopback, private, link-local…)."""
    return bool(addresses) and all(ipaddress.ip_address(address).is_global for address in addresses)


def check_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in EVENTS]
    if unknown or not events:
        raise InvalidInput(N_("Choose at least one of the events listed."), field="events")
    return sorted(set(events))
