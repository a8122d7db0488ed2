"""ALC contracts: the annual maintenance fee that makes a company a customer."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser


class AlcContract(Table, tablename="alc_contract"):
    """Products covered, valid from and until (inclusive), the annual fee. A renewal is a new row."""

    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    products = JSON(default="[]")  # ["CATIA V5 MD2 × 3 seats", …]
    valid_from = Date()
    valid_until = Date()
    annual_fee = BigInt(default=0)  # net, haléře
    note = Varchar(length=500, default="")
    created_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
