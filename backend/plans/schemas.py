"""msgspec Structs of plans and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec


class PlanOut(msgspec.Struct):
    code: str
    kind: Literal["sbp", "sla"]
    name: str
    description: str
    price: int
    price_vat: int
    price_gross: int
    currency: str
    credit: int | None = None
    validity_months: int | None = None
    targets: dict[str, dict[str, int]] | None = None
    calendar: dict[str, Any] | None = None
    discount: int | None = None  # percent off PAY rates
    monthly_fee: int | None = None


class SubscriptionIn(msgspec.Struct):
    plan_code: Annotated[str, msgspec.Meta(max_length=40)]


class SubscriptionOut(msgspec.Struct):
    id: int
    plan_code: str
    plan_name: str
    status: Literal["requested", "approved", "rejected"]
    price: int
    credit: int
    requested_at: datetime
    requested_by: str
    company_id: int
    company_name: str
    decided_at: datetime | None = None
    note: str = ""


class DecisionIn(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
