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
    # the credit forecast (the one simulation the credit page shows): at the recent pace, how much
    # lapses unused and when the first of it does, and when the balance reaches zero
    expected_lapse: int = 0
    expected_lapse_at: datetime | None = None
    runs_out_at: datetime | None = None


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
