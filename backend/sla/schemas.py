"""msgspec Structs of SLA contracts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec


class SlaContractOut(msgspec.Struct):
    id: int
    company_id: int
    plan_code: str
    plan_name: str
    targets: dict[str, dict[str, int]]
    calendar: dict[str, Any]
    discount_percent: int
    monthly_fee: int
    valid_from: date
    valid_until: date | None
    active: bool


class SlaTermsChange(msgspec.Struct):
    """Staff admin's change of one company's terms; fields left out stay as they are."""

    targets: dict[str, dict[str, int]] | None = None
    calendar: dict[str, Any] | None = None
    discount_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    monthly_fee: Annotated[int, msgspec.Meta(ge=0, le=10**11)] | None = None
    valid_until: date | None = None
