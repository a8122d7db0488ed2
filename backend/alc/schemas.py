"""msgspec Structs of ALC contracts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from backend.validation import MONEY

Product = Annotated[str, msgspec.Meta(max_length=500)]
AnnualFee = Annotated[int, msgspec.Meta(ge=-(10**11), le=10**11, extra={"form": MONEY})]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


class AlcContractIn(msgspec.Struct):
    products: Annotated[list[Product], msgspec.Meta(max_length=200)]
    valid_from: date
    valid_until: date
    annual_fee: AnnualFee = 0
    note: Note = ""


class AlcContractForm(msgspec.Struct):
    """The staff form of an ALC contract: the products in one text, one a line; the rest as the
    API takes it. How many products and how long is the service's rule (stricter than the Struct's)."""

    products: str
    valid_from: date
    valid_until: date
    annual_fee: AnnualFee = 0
    note: Note = ""

    def contract(self) -> AlcContractIn:
        return AlcContractIn(
            self.products.splitlines(), self.valid_from, self.valid_until, self.annual_fee, self.note
        )


class AlcContractOut(msgspec.Struct):
    id: int
    company_id: int
    products: list[str]
    valid_from: date
    valid_until: date
    annual_fee: int
    active: bool
    created_at: datetime
