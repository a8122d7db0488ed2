"""SLA contracts: a plan's terms copied for one company, which staff admin may then change."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company
from backend.plans.tables import Plan, Subscription


class SlaContract(Table, tablename="sla_contract"):
    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    plan = ForeignKey(references=Plan, on_delete=OnDelete.restrict)
    subscription = ForeignKey(references=Subscription, null=True, on_delete=OnDelete.set_null)
    targets = JSON(default="{}")  # {priority: {first_response: min, resolution: min}}
    calendar = JSON(default="{}")  # {opens: "08:00", closes: "16:30", days: [0..4]}
    discount_percent = Integer(default=0)  # off PAY rates
    monthly_fee = BigInt(default=0)  # net, haléře
    valid_from = Date()
    valid_until = Date(null=True, default=None)  # open-ended until ended
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
