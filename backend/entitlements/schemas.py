"""What a company is entitled to, per SPEC §4 `GET /api/v1/entitlements`."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class AlcOut(msgspec.Struct):
    active: bool
    valid_until: date | None
    products: list[str]


class ExpiringCredit(msgspec.Struct):
    amount: int
    expires_at: datetime


class SbpOut(msgspec.Struct):
    active: bool
    balance: int
    expiring: list[ExpiringCredit]


class SlaOut(msgspec.Struct):
    active: bool
    plan_code: str | None
    valid_until: date | None
    targets: dict[str, dict[str, int]] | None
    discount: int = 0


class EntitlementsOut(msgspec.Struct):
    customer: bool
    alc: AlcOut
    sbp: SbpOut
    sla: SlaOut
