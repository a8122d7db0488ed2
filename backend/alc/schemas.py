"""msgspec Structs of ALC contracts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

Product = Annotated[str, msgspec.Meta(max_length=500)]


class AlcContractIn(msgspec.Struct):
    products: Annotated[list[Product], msgspec.Meta(max_length=200)]
    valid_from: date
    valid_until: date
    annual_fee: Annotated[int, msgspec.Meta(ge=-(10**11), le=10**11)] = 0
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class AlcContractOut(msgspec.Struct):
    id: int
    company_id: int
    products: list[str]
    valid_from: date
    valid_until: date
    annual_fee: int
    active: bool
    created_at: datetime
