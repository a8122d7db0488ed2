"""msgspec Structs of plans and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.sla.schemas import TargetsForm, WorkingHoursForm
from backend.validation import MONEY

Amount = Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})]


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
    plan_kind: Literal["sbp", "sla"]
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


class PlanAdminOut(msgspec.Struct):
    code: str
    kind: Literal["sbp", "sla"]
    name_cs: str
    name_en: str
    description_cs: str
    description_en: str
    price: int
    credit: int
    validity_months: int
    discount_percent: int
    monthly_fee: int
    targets: dict[str, dict[str, int]]
    calendar: dict[str, Any]
    active: bool


class PlanChange(msgspec.Struct):
    """Staff admin's edit of a plan template; fields left out stay. Contracts and credit already
    granted keep the terms they were given."""

    name_cs: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    description_cs: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    description_en: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    price: Amount | None = None
    credit: Amount | None = None
    validity_months: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None
    discount_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    monthly_fee: Amount | None = None
    targets: dict[str, dict[str, int]] | None = None
    calendar: dict[str, Any] | None = None
    active: bool | None = None


class SlaPlanForm(msgspec.Struct):
    """The plan templates' page form of an SLA plan: PlanChange, its targets and working hours
    in fields of their own (an SBP plan's form is PlanChange itself)."""

    change: PlanChange
    targets: TargetsForm
    hours: WorkingHoursForm

    def plan_change(self) -> PlanChange:
        return msgspec.structs.replace(
            self.change, targets=self.targets.as_targets(), calendar=self.hours.as_calendar()
        )
