"""msgspec Structs of the staff reports."""

from __future__ import annotations

from datetime import datetime

import msgspec


class CountRow(msgspec.Struct):
    key: str
    count: int


class MonthCounts(msgspec.Struct):
    month: str  # YYYY-MM, Prague
    counts: list[CountRow]


class RevenueRow(msgspec.Struct):
    month: str
    quoted: int  # net haléře quoted that month
    completed: int  # net haléře of work completed that month


class CreditReport(msgspec.Struct):
    outstanding: int  # prepaid credit the reseller still owes in work (liability), haléře
    expiring_90_days: int


class SlaRow(msgspec.Struct):
    month: str
    tickets: int  # tickets opened that month whose first response is due or given
    answered_in_time: int
    share_percent: int | None


class Breach(msgspec.Struct):
    ticket_id: int
    number: str
    company: str
    priority: str
    due: datetime


class SenderHealth(msgspec.Struct):
    queued: int
    failing: int
    sent: int
    oldest_unsent: datetime | None
    last_error: str


class TicketTimeRow(msgspec.Struct):
    month: str  # YYYY-MM, Prague, of when the time was logged
    company_id: int
    company: str
    contract: str  # the terms the tickets ran under: "sla" or "alc"
    tickets: int  # tickets with time logged that month
    minutes: int


class SatisfactionRow(msgspec.Struct):
    month: str  # of the rating
    good: int
    bad: int
    share_good_percent: int | None


class EngineerSatisfaction(msgspec.Struct):
    engineer_id: int | None  # the assignee when the ticket was resolved; None: nobody was
    engineer: str
    good: int
    bad: int
    share_good_percent: int | None


class BadRatingComment(msgspec.Struct):
    ticket_id: int
    ticket_number: str
    rated_at: datetime
    comment: str
    engineer: str  # the assignee when the ticket was resolved; "" when nobody was


class Reports(msgspec.Struct):
    months: list[str]
    orders_by_status: list[MonthCounts]
    orders_by_service: list[MonthCounts]
    revenue: list[RevenueRow]
    credit: CreditReport
    sla: list[SlaRow]
    breaches: list[Breach]
    sender: SenderHealth
    services: list[str]
    ticket_time: list[TicketTimeRow] = []
    satisfaction: list[SatisfactionRow] = []
    satisfaction_by_engineer: list[EngineerSatisfaction] = []
    bad_comments: list[BadRatingComment] = []  # the latest comments of bad ratings, latest first
