"""Time the support team spends on Hotline tickets: logged in minutes with a note, totalled on
the ticket, reported per company and Prague month, and carried into the PAY order a ticket is
converted into (one work log with the summed minutes, as the order's first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from backend.accounts.domain import Actor
from backend.audit.services import record
from backend.clock import PRAGUE, aware, now
from backend.db import locked, write_transaction
from backend.errors import N_, InvalidInput, NotFound
from backend.formatting import format_duration
from backend.i18n import gettext
from backend.orders.history import audit as order_audit
from backend.orders.tables import ServiceOrder, WorkLog
from backend.tickets.schemas import TimeLogIn, TimeLogOut, TimeLogs
from backend.tickets.tables import Ticket, TicketTime

MAX_MINUTES = 24 * 60  # one entry is at most a day's work; more is two entries or a mistake
NOTE_MAX_LENGTH = 2000


def check_time(data: TimeLogIn) -> tuple[int, str]:
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise InvalidInput(
            N_("Log between 1 and %(max)d minutes at a time."), field="minutes", max=MAX_MINUTES
        )
    note = data.note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(N_("At most %(max)d characters, please."), field="note", max=NOTE_MAX_LENGTH)
    return data.minutes, note


def month_of(at: datetime) -> str:
    """The Prague calendar month an instant belongs to (23:30 UTC on 31 January is February)."""
    return aware(at).astimezone(PRAGUE).strftime("%Y-%m")


def minutes_per_month(entries: Iterable[tuple[datetime, int]]) -> dict[str, int]:
    """Minutes summed per Prague month of the instant they were logged."""
    totals: Counter[str] = Counter()
    for at, minutes in entries:
        totals[month_of(at)] += minutes
    return dict(totals)


async def log_time(actor: Actor, ticket_id: int, data: TimeLogIn) -> TimeLogs:
    actor.require_staff()
    minutes, note = check_time(data)
    async with write_transaction():
        row = await locked(
            Ticket.select(Ticket.id, Ticket.company, Ticket.merged_into).where(Ticket.id == ticket_id)
        ).first()
        if row is None:
            raise NotFound(N_("Ticket not found."))
        if row["merged_into"] is not None:
            raise InvalidInput(
                N_("This ticket was merged into another one: log the time there."), field="minutes"
            )
        log_id = (
            await TicketTime.insert(
                TicketTime(ticket=ticket_id, staff=actor.id, minutes=minutes, note=note, logged_at=now())
            ).returning(TicketTime.id)
        )[0]["id"]
        await record(
            "ticket.time_logged",
            object_type="ticket",
            object_id=ticket_id,
            actor=actor,
            company_id=row["company"],
            after={"minutes": minutes, "note": note, "time_log_id": log_id},
        )
    return await time_logs(actor, ticket_id)


async def time_logs(actor: Actor, ticket_id: int) -> TimeLogs:
    actor.require_staff()
    if not await Ticket.exists().where(Ticket.id == ticket_id):
        raise NotFound(N_("Ticket not found."))
    rows = (
        await TicketTime.select(*TicketTime.all_columns(), TicketTime.staff.full_name.as_alias("staff_name"))
        .where(TicketTime.ticket == ticket_id)
        .order_by(TicketTime.logged_at)
        .order_by(TicketTime.id)
    )
    items = [
        TimeLogOut(
            id=row["id"],
            minutes=row["minutes"],
            note=row["note"],
            staff=row["staff_name"],
            logged_at=aware(row["logged_at"]),
        )
        for row in rows
    ]
    return TimeLogs(items=items, total_minutes=sum(item.minutes for item in items))


async def carry_into_order(actor: Actor, ticket_id: int, number: str, order_id: int) -> int:
    """In the converting transaction: the minutes already logged on the ticket become the new
    order's first work log (PAY work: nothing is drawn from credit). Returns the minutes."""
    logs = await TicketTime.select(TicketTime.minutes).where(TicketTime.ticket == ticket_id)
    minutes = sum(log["minutes"] for log in logs)
    if not minutes:
        return 0
    order = await ServiceOrder.select(ServiceOrder.company).where(ServiceOrder.id == order_id).first()
    note = gettext(
        N_("Time logged on Hotline ticket %(number)s before it became this order: %(time)s."),
        number=number,
        time=format_duration(minutes),
    )
    await WorkLog.insert(WorkLog(order=order_id, staff=actor.id, minutes=minutes, note=note, logged_at=now()))
    await ServiceOrder.update({ServiceOrder.logged_minutes: ServiceOrder.logged_minutes + minutes}).where(
        ServiceOrder.id == order_id
    )
    await order_audit(
        "work_logged", order_id, actor, order["company"], after={"minutes": minutes, "from_ticket": number}
    )
    return minutes


async def move_time(source_id: int, target_id: int) -> None:
    """A merged duplicate's time belongs to the ticket it went into."""
    await TicketTime.update({TicketTime.ticket: target_id}).where(TicketTime.ticket == source_id)
