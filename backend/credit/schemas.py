"""msgspec Structs of SBP credit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.validation import MONEY

Key = Annotated[str, msgspec.Meta(max_length=100)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


class CreditChange(msgspec.Struct):
    """A staff admin's top-up (positive) or adjustment (either sign, reason required)."""

    amount: Annotated[int, msgspec.Meta(extra={"form": MONEY})]
    idempotency_key: Key
    note: Note = ""
    kind: Literal["topup", "adjustment"] = "topup"
    valid_months: Annotated[int, msgspec.Meta(ge=1, le=60)] = 12


class CreditEntryOut(msgspec.Struct):
    id: int
    kind: str
    amount: int
    balance_after: int
    created_at: datetime
    order_id: int | None
    order_number: str | None
    note: str
    actor: str | None
    subscription_id: int | None = None  # the plan purchase a top-up came from
    work_log_id: int | None = None  # the logged work a draw paid for


class ExpiringOut(msgspec.Struct):
    amount: int
    expires_at: datetime


class HoursLeftOut(msgspec.Struct):
    service_code: str
    service_name: str
    unit: str
    sbp_price: int
    units_left: str


class BalancePoint(msgspec.Struct):
    at: datetime
    balance: int


class CreditOut(msgspec.Struct):
    balance: int
    expiring: list[ExpiringOut]
    entries: list[CreditEntryOut]
    next_cursor: str | None
    low_balance_threshold: int | None
    hours_left: list[HoursLeftOut]
    history: list[BalancePoint]
    runs_out_at: datetime | None  # at the pace of the last 90 days, each lot lapsing on its date
    company_id: int
    expected_lapse: int = 0  # haléře that lapse unused at that pace (the sum of ``lapses``)
    lapses: list[ExpiringOut] = []  # how much of which lot lapses unused, on its expiry


class CreditChangeOut(msgspec.Struct):
    entry: CreditEntryOut
    balance: int
    replayed: bool


class ThresholdIn(msgspec.Struct):
    threshold: Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})] | None
