"""Plans a company can buy (SBP credit packages; SLA plans join with the SLA feature) and the
requests for them."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser


class Plan(Table, tablename="plan"):
    code = Varchar(length=40, unique=True)
    kind = Varchar(length=5)  # sbp | sla
    name_cs = Varchar(length=200)
    name_en = Varchar(length=200)
    description_cs = Text(default="")
    description_en = Text(default="")
    price = BigInt()  # net, haléře
    credit = BigInt(default=0)  # SBP: credit booked on approval, haléře
    validity_months = Integer(default=12)
    # SLA plans: the template a contract copies
    targets = JSON(default="{}")
    calendar = JSON(default="{}")
    discount_percent = Integer(default=0)
    monthly_fee = BigInt(default=0)
    active = Boolean(default=True)
    sort_order = Integer(default=0)


class Subscription(Table, tablename="subscription"):
    """A customer manager's request for a plan; staff admin approves it after payment."""

    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    plan = ForeignKey(references=Plan, on_delete=OnDelete.restrict)
    status = Varchar(length=10)  # requested | approved | rejected
    price = BigInt()  # net, as offered when requested
    credit = BigInt(default=0)
    validity_months = Integer(default=12)
    requested_by = ForeignKey(references=PortalUser, on_delete=OnDelete.restrict)
    requested_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
    note = Text(default="")
