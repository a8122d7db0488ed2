"""msgspec Structs of SLA contracts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec

from backend.errors import N_
from backend.sla.domain import WORKING_WEEKDAYS, Priority
from backend.validation import MONEY


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
    monthly_fee: Annotated[int, msgspec.Meta(ge=0, le=10**11, extra={"form": MONEY})] | None = None
    valid_until: date | None = None


# --- what the staff forms of terms send (the company page's SLA form, the plan templates' page) --

Minutes = Annotated[
    int,
    msgspec.Meta(
        extra={"error": N_("Give first-response and resolution targets in minutes for every priority.")}
    ),
]


class TargetsForm(msgspec.Struct):
    """A form's targets, a field per priority and target; the API takes them as one mapping.
    Their rules (positive, first response before resolution) are the domain's ``parse_targets``."""

    critical_first_response: Minutes
    critical_resolution: Minutes
    high_first_response: Minutes
    high_resolution: Minutes
    normal_first_response: Minutes
    normal_resolution: Minutes
    low_first_response: Minutes
    low_resolution: Minutes

    def as_targets(self) -> dict[str, dict[str, int]]:
        return {
            p.value: {
                "first_response": getattr(self, f"{p.value}_first_response"),
                "resolution": getattr(self, f"{p.value}_resolution"),
            }
            for p in Priority
        }


class WorkingHoursForm(msgspec.Struct):
    """A form's working hours (Monday to Friday); checked by the domain's ``Calendar``."""

    opens: str
    closes: str

    def as_calendar(self) -> dict[str, Any]:
        return {"opens": self.opens, "closes": self.closes, "days": sorted(WORKING_WEEKDAYS)}


class SlaTermsForm(msgspec.Struct):
    """The company page's form of one company's terms: SlaTermsChange, its targets and hours in
    fields of their own."""

    terms: SlaTermsChange
    targets: TargetsForm
    hours: WorkingHoursForm

    def change(self) -> SlaTermsChange:
        return msgspec.structs.replace(
            self.terms, targets=self.targets.as_targets(), calendar=self.hours.as_calendar()
        )
