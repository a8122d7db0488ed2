"""msgspec Structs of the catalogue."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.validation import MONEY

Name = Annotated[str, msgspec.Meta(max_length=200)]
Category = Annotated[str, msgspec.Meta(max_length=40)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]
Halere = Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})]  # crowns in a form


class ServiceOut(msgspec.Struct):
    code: str
    category: str
    name: str
    description: str
    rate_type: Literal["hourly", "flat"]
    unit: Literal["hour", "day", "piece"]
    pay_price: int
    sbp_price: int
    vat_rate: int
    currency: str
    pay_price_vat: int
    pay_price_gross: int
    sbp_price_vat: int
    sbp_price_gross: int
    active: bool


class ServiceAdminOut(msgspec.Struct):
    code: str
    category: str
    name_cs: str
    name_en: str
    description_cs: str
    description_en: str
    rate_type: str
    unit: str
    pay_price: int
    sbp_price: int
    active: bool
    sort_order: int


class ServiceChange(msgspec.Struct, omit_defaults=True):
    """Staff admin's edit of a service; fields left out stay as they are."""

    category: Category | None = None
    name_cs: Name | None = None
    name_en: Name | None = None
    description_cs: LongText | None = None
    description_en: LongText | None = None
    rate_type: Literal["hourly", "flat"] | None = None
    unit: Literal["hour", "day", "piece"] | None = None
    pay_price: Halere | None = None
    sbp_price: Halere | None = None
    active: bool | None = None
    sort_order: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
