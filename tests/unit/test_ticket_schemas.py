"""The ticket Struct's priority is the SLA's Priority, spelled for the API's schema."""

from __future__ import annotations

from typing import get_args

from backend.sla.domain import Priority
from backend.tickets.schemas import TicketIn
from backend.validation import struct_fields


def test_a_ticket_takes_exactly_the_sla_priorities() -> None:
    _, kind = struct_fields(TicketIn)["priority"]
    assert set(get_args(kind.base)) == {priority.value for priority in Priority}
