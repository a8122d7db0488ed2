"""Staff reports: orders, revenue, SBP liability, SLA compliance and the e-mail sender's health.
Month buckets are Prague calendar months; the last twelve, oldest first."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Min, Sum

from backend.accounts.domain import Actor
from backend.catalog.tables import Service
from backend.clock import PRAGUE, aware, now
from backend.credit.tables import LOT_IS_OPEN, CreditLot
from backend.i18n import current_language
from backend.notifications.tables import OutboxMessage
from backend.orders.tables import OrderEvent, ServiceOrder
from backend.reports.schemas import (
    BadRatingComment,
    Breach,
    CountRow,
    CreditReport,
    EngineerSatisfaction,
    MonthCounts,
    Reports,
    RevenueRow,
    SatisfactionRow,
    SenderHealth,
    SlaRow,
    TicketTimeRow,
)
from backend.tickets.tables import Ticket, TicketRating, TicketTime
from backend.tickets.time import month_of as prague_month

MONTHS = 12
EXPIRY_HORIZON_DAYS = 90


def month_of(value: datetime) -> str:
    return aware(value).astimezone(PRAGUE).strftime("%Y-%m")


def last_months(at: datetime, count: int = MONTHS) -> list[str]:
    """The ``count`` months up to and including ``at``'s, oldest first, as YYYY-MM."""
    year, month = at.astimezone(PRAGUE).year, at.astimezone(PRAGUE).month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _start_of(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=PRAGUE)


async def _orders(months: list[str]) -> tuple[list[MonthCounts], list[MonthCounts]]:
    since = _start_of(months[0])
    rows = await ServiceOrder.select(
        ServiceOrder.created_at, ServiceOrder.status, ServiceOrder.service.code.as_alias("service")
    ).where(ServiceOrder.created_at >= since)
    by_status: dict[str, Counter] = defaultdict(Counter)
    by_service: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        month = month_of(row["created_at"])
        by_status[month][row["status"]] += 1
        by_service[month][row["service"]] += 1

    def table(counts: dict[str, Counter]) -> list[MonthCounts]:
        return [
            MonthCounts(month=m, counts=[CountRow(key=k, count=v) for k, v in sorted(counts[m].items())])
            for m in months
        ]

    return table(by_status), table(by_service)


async def _revenue(months: list[str]) -> list[RevenueRow]:
    """Net amounts quoted per month (by the day of the order's latest quote) and completed (by the
    completion's day): PAY work at its quote, SBP work at the credit it drew."""
    since = _start_of(months[0])
    events = await OrderEvent.select(
        OrderEvent.at,
        OrderEvent.order,
        OrderEvent.to_status,
        OrderEvent.order.billing.as_alias("billing"),
        OrderEvent.order.quote_net.as_alias("quote_net"),
        OrderEvent.order.credit_drawn.as_alias("credit_drawn"),
    ).where((OrderEvent.at >= since) & OrderEvent.to_status.is_in(["quoted", "completed"]))
    quoted: Counter = Counter()
    completed: Counter = Counter()
    last_quote: dict[int, dict[str, Any]] = {}  # a re-quote replaces the earlier quote: count it once
    for event in events:
        if event["to_status"] == "quoted":
            earlier = last_quote.get(event["order"])
            if earlier is None or aware(event["at"]) >= aware(earlier["at"]):
                last_quote[event["order"]] = event
        else:
            # PAY work at its quote, SBP work at the credit it drew (an order that went on as PAY, both)
            completed[month_of(event["at"])] += (event["quote_net"] or 0) + (event["credit_drawn"] or 0)
    for event in last_quote.values():
        quoted[month_of(event["at"])] += event["quote_net"] or 0
    return [RevenueRow(month=m, quoted=quoted[m], completed=completed[m]) for m in months]


async def _credit(at: datetime) -> CreditReport:
    # what is still usable: lots past their date are not owed, even before the expiry job books them
    outstanding = (
        await CreditLot.select(Sum(CreditLot.remaining))
        .where(LOT_IS_OPEN & (CreditLot.expires_at > at))
        .first()
    )
    expiring = (
        await CreditLot.select(Sum(CreditLot.remaining))
        .where(
            LOT_IS_OPEN
            & (CreditLot.expires_at > at)
            & (CreditLot.expires_at <= at + timedelta(days=EXPIRY_HORIZON_DAYS))
        )
        .first()
    )
    # PostgreSQL sums bigint as numeric
    return CreditReport(outstanding=int(outstanding["sum"] or 0), expiring_90_days=int(expiring["sum"] or 0))


async def _sla(months: list[str], at: datetime) -> tuple[list[SlaRow], list[Breach]]:
    since = _start_of(months[0])
    tickets = await Ticket.select(
        Ticket.created_at, Ticket.first_response_due, Ticket.first_responded_at
    ).where(Ticket.created_at >= since)
    total: Counter = Counter()
    in_time: Counter = Counter()
    for ticket in tickets:
        due = aware(ticket["first_response_due"])
        answered = aware(ticket["first_responded_at"]) if ticket["first_responded_at"] else None
        if answered is None and due > at:
            continue  # still within its time: not yet judged
        month = month_of(ticket["created_at"])
        total[month] += 1
        in_time[month] += answered is not None and answered <= due
    rows = [
        SlaRow(
            month=m,
            tickets=total[m],
            answered_in_time=in_time[m],
            share_percent=(100 * in_time[m] // total[m]) if total[m] else None,
        )
        for m in months
    ]
    breached = (
        await Ticket.select(
            Ticket.id,
            Ticket.number,
            Ticket.next_due,
            Ticket.priority,
            Ticket.company.name.as_alias("company"),
        )
        .where(Ticket.status.is_in(["new", "open"]) & (Ticket.next_due < at))
        .order_by(Ticket.next_due)
        .limit(200)
    )
    breaches = [
        Breach(
            ticket_id=row["id"],
            number=row["number"],
            company=row["company"],
            priority=row["priority"],
            due=aware(row["next_due"]),
        )
        for row in breached
    ]
    return rows, breaches


async def _ticket_time(months: list[str]) -> list[TicketTimeRow]:
    """Minutes logged on tickets per Prague month and company, under the contract the tickets ran
    on (contracts keep no included hours: the totals are what they are measured against)."""
    since = _start_of(months[0])
    logs = await TicketTime.select(
        TicketTime.logged_at,
        TicketTime.minutes,
        TicketTime.ticket,
        TicketTime.ticket.company.as_alias("company_id"),
        TicketTime.ticket.company.name.as_alias("company"),
        TicketTime.ticket.terms.as_alias("contract"),
    ).where(TicketTime.logged_at >= since)
    minutes: Counter = Counter()
    tickets: dict[tuple[str, int, str, str], set[int]] = defaultdict(set)
    for log in logs:
        key = (prague_month(log["logged_at"]), log["company_id"], log["company"], log["contract"])
        minutes[key] += log["minutes"]
        tickets[key].add(log["ticket"])
    return [
        TicketTimeRow(
            month=key[0],
            company_id=key[1],
            company=key[2],
            contract=key[3],
            tickets=len(tickets[key]),
            minutes=total,
        )
        for key, total in sorted(minutes.items(), key=lambda item: (item[0][0], item[0][2], item[0][3]))
        if key[0] in months
    ]


def share_percent(good: int, bad: int) -> int | None:
    """The whole percent of good ratings, rounded half up in integers (4 good of 6: 67, not 66)."""
    total = good + bad
    return (200 * good + total) // (2 * total) if total else None


BAD_COMMENTS_SHOWN = 50  # the latest ones; older ones stay on their tickets


async def _bad_comments(months: list[str]) -> list[BadRatingComment]:
    """What the customers wrote with a bad rating over the report's months, latest first."""
    rows = (
        await TicketRating.select(
            TicketRating.ticket,
            TicketRating.ticket.number.as_alias("ticket_number"),
            TicketRating.rated_at,
            TicketRating.comment,
            TicketRating.engineer.full_name.as_alias("engineer_name"),
        )
        .where(
            TicketRating.rated_at.is_not_null()
            & (TicketRating.rated_at >= _start_of(months[0]))
            & (TicketRating.good == False)  # noqa: E712
            & (TicketRating.comment != "")
        )
        .order_by(TicketRating.rated_at, ascending=False)
        .order_by(TicketRating.id, ascending=False)
        .limit(BAD_COMMENTS_SHOWN)
    )
    return [
        BadRatingComment(
            ticket_id=row["ticket"],
            ticket_number=row["ticket_number"],
            rated_at=aware(row["rated_at"]),
            comment=row["comment"],
            engineer=row["engineer_name"] or "",
        )
        for row in rows
    ]


async def _satisfaction(months: list[str]) -> tuple[list[SatisfactionRow], list[EngineerSatisfaction]]:
    """Ratings given per Prague month, and per engineer (the assignee at the resolution rated)
    over the same months."""
    since = _start_of(months[0])
    rated = await TicketRating.select(
        TicketRating.rated_at,
        TicketRating.good,
        TicketRating.engineer,
        TicketRating.engineer.full_name.as_alias("engineer_name"),
    ).where(TicketRating.rated_at.is_not_null() & (TicketRating.rated_at >= since))
    good: Counter = Counter()
    bad: Counter = Counter()
    by_engineer: dict[int | None, list[Any]] = {}
    for row in rated:
        month = prague_month(row["rated_at"])
        (good if row["good"] else bad)[month] += 1
        entry = by_engineer.setdefault(row["engineer"], [row["engineer_name"] or "", 0, 0])
        entry[1 if row["good"] else 2] += 1
    per_month = [
        SatisfactionRow(month=m, good=good[m], bad=bad[m], share_good_percent=share_percent(good[m], bad[m]))
        for m in months
    ]
    per_engineer = [
        EngineerSatisfaction(
            engineer_id=engineer_id, engineer=name, good=g, bad=b, share_good_percent=share_percent(g, b)
        )
        for engineer_id, (name, g, b) in sorted(
            by_engineer.items(), key=lambda item: (item[0] is None, item[1][0])
        )
    ]
    return per_month, per_engineer


def _instant(value: datetime | str) -> datetime:
    """An aggregate's timestamp: SQLite hands MIN() back as text, without Piccolo's conversion."""
    return aware(datetime.fromisoformat(value) if isinstance(value, str) else value)


async def sender_health() -> SenderHealth:
    queued = await OutboxMessage.count().where(OutboxMessage.sent_at.is_null())
    failing = await OutboxMessage.count().where(
        OutboxMessage.sent_at.is_null() & (OutboxMessage.attempts > 0)
    )
    sent = await OutboxMessage.count().where(OutboxMessage.sent_at.is_not_null())
    oldest = (
        await OutboxMessage.select(Min(OutboxMessage.created_at))
        .where(OutboxMessage.sent_at.is_null())
        .first()
    )
    last_error = (
        await OutboxMessage.select(OutboxMessage.last_error)
        .where(OutboxMessage.sent_at.is_null() & (OutboxMessage.attempts > 0))
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    return SenderHealth(
        queued=queued,
        failing=failing,
        sent=sent,
        oldest_unsent=_instant(oldest["min"]) if oldest and oldest["min"] else None,
        last_error=last_error["last_error"] if last_error else "",
    )


async def reports(actor: Actor) -> Reports:
    actor.require_staff_admin()
    at = now()
    months = last_months(at)
    by_status, by_service = await _orders(months)
    sla_rows, breaches = await _sla(months, at)
    satisfaction, by_engineer = await _satisfaction(months)
    return Reports(
        months=months,
        orders_by_status=by_status,
        orders_by_service=by_service,
        revenue=await _revenue(months),
        credit=await _credit(at),
        sla=sla_rows,
        breaches=breaches,
        sender=await sender_health(),
        services=[row["code"] for row in await Service.select(Service.code).order_by(Service.sort_order)],
        ticket_time=await _ticket_time(months),
        satisfaction=satisfaction,
        satisfaction_by_engineer=by_engineer,
        bad_comments=await _bad_comments(months),
    )


async def service_names() -> dict[str, str]:
    """Each service's name in the current language, by code (for headers people read)."""
    english = current_language() == "en"
    rows = await Service.select(Service.code, Service.name_cs, Service.name_en)
    return {row["code"]: row["name_en"] if english else row["name_cs"] for row in rows}


def shown(report: Reports) -> Reports:
    """The report from its first month with anything in it: a page or an export does not open
    with rows of empty months (the API keeps all twelve). The current month always shows."""
    busy = [
        index
        for index in range(len(report.months))
        if report.orders_by_status[index].counts
        or report.revenue[index].quoted
        or report.revenue[index].completed
        or report.sla[index].tickets
        or report.satisfaction[index].good
        or report.satisfaction[index].bad
        or any(row.month == report.months[index] for row in report.ticket_time)
    ]
    first = min(busy, default=len(report.months) - 1)
    return msgspec.structs.replace(
        report,
        months=report.months[first:],
        orders_by_status=report.orders_by_status[first:],
        orders_by_service=report.orders_by_service[first:],
        revenue=report.revenue[first:],
        sla=report.sla[first:],
        satisfaction=report.satisfaction[first:],
    )
