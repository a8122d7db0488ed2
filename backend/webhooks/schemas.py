"""msgspec Structs of webhooks at the API's boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Url = Annotated[str, msgspec.Meta(max_length=500)]
Events = Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=20)]


class WebhookIn(msgspec.Struct):
    url: Url
    events: Events
    description: Annotated[str, msgspec.Meta(max_length=200)] = ""


class WebhookChange(msgspec.Struct, omit_defaults=True):
    """Fields left out stay as they are; ``enabled`` true turns a disabled endpoint on again."""

    events: Events | None = None
    description: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    enabled: bool | None = None


class WebhookOut(msgspec.Struct):
    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str
    created_at: datetime
    secret: str | None = None  # only in the answer that creates the endpoint


class DeliveryOut(msgspec.Struct):
    id: int
    message_id: str
    event: str
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    response_code: int | None
    last_error: str
