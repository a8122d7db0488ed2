"""The service catalogue: what can be ordered, at which net rates (haléře)."""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Service(Table, tablename="service"):
    code = Varchar(length=40, unique=True)
    category = Varchar(length=40)
    name_cs = Varchar(length=200)
    name_en = Varchar(length=200)
    description_cs = Text(default="")
    description_en = Text(default="")
    rate_type = Varchar(length=10)  # hourly | flat
    unit = Varchar(length=10)  # hour | day | piece
    pay_price = BigInt()  # net, haléře per unit
    sbp_price = BigInt()  # net, haléře per unit, drawn from prepaid credit
    active = Boolean(default=True)
    sort_order = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
