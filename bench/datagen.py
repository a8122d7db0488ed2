"""A seeded, repeatable data set of a chosen size for the benchmark (``python -m bench generate-data``).

S: 10 companies, 100 orders, 1 000 ledger entries, 50 tickets.
L: 1 000 companies, 100 000 orders, 1 000 000 ledger entries, 50 000 tickets.
In both, the first company (the heavy customer) holds 5 % of the orders and of the ledger in L
(5 000 orders, 50 000 entries) and half of them in S, so its pages have more than one page of rows.

Rows are built in Python and written with bulk inserts into a freshly migrated database. They keep
the rules the services rely on: every order's status is reached through the lifecycle and its
history says so; each company's credit balance equals the sum of its ledger, the remaining sum of
its lots and the last entry's ``balance_after``, and draws take from the oldest lot first.
"""

from __future__ import annotations

import json
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from backend.accounts.domain import Role, ico_check_digit
from backend.accounts.security import hash_password
from backend.accounts.tables import Company, PortalUser
from backend.alc.tables import AlcContract
from backend.catalog.tables import Service
from backend.credit.tables import CreditAccount, CreditAllocation, CreditEntry, CreditLot
from backend.demo import PLANS, SERVICES
from backend.money import line_amount
from backend.orders.domain import OrderStatus, order_number
from backend.orders.tables import OrderEvent, OrderNumberCounter, ServiceOrder
from backend.plans.tables import Plan
from backend.settings import get_settings
from backend.sla.domain import STANDARD_CALENDAR, Priority, add_business_minutes, parse_targets
from backend.tickets.domain import TicketStatus, ticket_number
from backend.tickets.tables import Ticket, TicketMessage, TicketNumberCounter
from bench.bulk import BulkWriter, PostgresWriter, SqliteWriter, TableShape

BENCH_PASSWORD = "bench-portal-2026"  # noqa: S105 - published in docs/performance.md, bench data only
HEAVY_MANAGER = "manager@heavy.bench.example"
STAFF_ADMIN = "admin@staff.bench.example"
STAFF = "engineer@staff.bench.example"
BENCH_TOP_UP = 1_000_000_000  # haléře: the heavy customer's last top-up, what the draw benchmark spends
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    companies: int
    orders: int
    ledger_entries: int
    tickets: int
    heavy_orders: int
    heavy_entries: int
    heavy_tickets: int


SIZES = {
    "S": Size("S", 10, 100, 1_000, 50, 50, 500, 25),
    "L": Size("L", 1_000, 100_000, 1_000_000, 50_000, 5_000, 50_000, 2_500),
}


class NotEmpty(RuntimeError):
    """The generator writes only into a freshly migrated, empty database."""


# --- statuses and their histories ------------------------------------------------------------------

S = OrderStatus
PAY_PATH = (S.SUBMITTED, S.QUOTED, S.ACCEPTED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED)
SBP_PATH = (S.SUBMITTED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED)
# where an order stands, as a share of 100; the end states of refused work branch off the path
ORDER_MIX = (
    (S.COMPLETED, 70),
    (S.SUBMITTED, 5),
    (S.QUOTED, 4),
    (S.ACCEPTED, 4),
    (S.APPROVED, 4),
    (S.IN_PROGRESS, 5),
    (S.DECLINED, 2),
    (S.REJECTED, 3),
    (S.CANCELLED, 3),
)
TICKET_MIX = (
    (TicketStatus.CLOSED, 80),
    (TicketStatus.RESOLVED, 6),
    (TicketStatus.NEW, 5),
    (TicketStatus.OPEN, 5),
    (TicketStatus.WAITING_ON_CUSTOMER, 4),
)


def _history(billing: str, status: OrderStatus) -> list[OrderStatus]:
    """The statuses an order passed through to reach ``status``, in order."""
    path = SBP_PATH if billing == "sbp" else PAY_PATH
    if status in path:
        return list(path[: path.index(status) + 1])
    if status is S.DECLINED:
        return [S.SUBMITTED, S.QUOTED, S.DECLINED]
    return [S.SUBMITTED, status]  # rejected or cancelled straight after submitting


def _pick(rng: random.Random, mix: tuple[tuple[Any, int], ...]) -> Any:
    roll = rng.randrange(sum(weight for _, weight in mix))
    for value, weight in mix:
        if roll < weight:
            return value
        roll -= weight
    raise AssertionError("weights add up")


def _spread(total: int, heavy: int, companies: int) -> Iterator[int]:
    """Company index (0 = heavy) of each of ``total`` rows: the heavy customer's rows evenly
    spaced, the rest dealt round the other companies."""
    other = 0
    step = total / heavy if heavy else total + 1
    next_heavy = 0.0
    for position in range(total):
        if heavy and position >= next_heavy and position // step < heavy:
            next_heavy += step
            yield 0
        else:
            yield 1 + other % (companies - 1)
            other += 1


# --- the generator -----------------------------------------------------------------------------------


class Generator:
    def __init__(self, size: Size, seed: int, writer: BulkWriter, at: datetime) -> None:
        self.size = size
        self.rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
        self.writer = writer
        self.at = at
        self.shapes: dict[type, TableShape] = {}
        self.counts: dict[str, int] = {}

    def shape(self, table: type) -> TableShape:
        if table not in self.shapes:
            self.shapes[table] = TableShape(table)
        return self.shapes[table]

    async def write(self, table: type, rows: list[tuple[Any, ...]]) -> None:
        shape = self.shape(table)
        await self.writer.write(shape, rows)
        self.counts[shape.name] = self.counts.get(shape.name, 0) + len(rows)

    async def run(self) -> dict[str, int]:
        password_hash = await hash_password(BENCH_PASSWORD)
        await self.catalogue()
        staff_ids = await self.people(password_hash)
        await self.orders(staff_ids)
        await self.ledger(staff_ids)
        await self.tickets(staff_ids)
        await self.writer.finish(list(self.shapes.values()))
        return self.counts

    async def catalogue(self) -> None:
        service = self.shape(Service)
        self.services = [
            service.row(id=n + 1, **vars(item), sort_order=n * 10, updated_at=self.at)
            for n, item in enumerate(SERVICES)
        ]
        await self.write(Service, self.services)
        self.service_rows = [dict(zip(service.columns, row, strict=True)) for row in self.services]
        plan = self.shape(Plan)
        await self.write(
            Plan,
            [plan.row(id=n + 1, **vars(item), kind="sbp", sort_order=n * 10) for n, item in enumerate(PLANS)],
        )

    async def people(self, password_hash: str) -> list[int]:
        """Companies with one manager each (the heavy customer's is HEAVY_MANAGER), all with an
        active ALC contract, and two staff accounts. Returns the staff ids."""
        company, user, alc = self.shape(Company), self.shape(PortalUser), self.shape(AlcContract)
        companies, users, contracts = [], [], []
        self.manager_ids: list[int] = []
        self.manager_names: list[str] = []
        for n in range(self.size.companies):
            first_seven = f"{2_000_000 + n * 7:07d}"
            ico = first_seven + str(ico_check_digit(first_seven))
            name = "Velkoodběratel Strojírny a.s." if n == 0 else f"Konstrukce {n:04d} s.r.o."
            created = self.at - timedelta(days=1100)
            companies.append(
                company.row(
                    id=n + 1, name=name, ico=ico, dic=f"CZ{ico}", street=f"Průmyslová {n + 1}",
                    city="Brno", postal_code="602 00", created_at=created,
                )
            )  # fmt: skip
            email = HEAVY_MANAGER if n == 0 else f"manager-{n:04d}@bench.example"
            full_name = f"Správce {n:04d}"
            users.append(
                user.row(
                    id=n + 1, email=email, full_name=full_name, password_hash=password_hash,
                    role=Role.CUSTOMER_MANAGER.value, company=n + 1, language="cs", created_at=created,
                    password_changed_at=created,
                )
            )  # fmt: skip
            self.manager_ids.append(n + 1)
            self.manager_names.append(full_name)
            contracts.append(
                alc.row(
                    id=n + 1, company=n + 1, products=["CATIA V5 MD2 × 3", "ENOVIA VPM"],
                    valid_from=date(self.at.year - 3, 1, 1), valid_until=date(self.at.year + 1, 12, 31),
                    annual_fee=24_000_000, created_at=created,
                )
            )  # fmt: skip
        staff_ids = [self.size.companies + 1, self.size.companies + 2]
        for user_id, email, name, role in (
            (staff_ids[0], STAFF_ADMIN, "Vedoucí Benchmarku", Role.STAFF_ADMIN),
            (staff_ids[1], STAFF, "Technik Benchmarku", Role.STAFF),
        ):
            users.append(
                user.row(id=user_id, email=email, full_name=name, password_hash=password_hash,
                         role=role.value, company=None, language="cs")
            )  # fmt: skip
        self.staff_names = {staff_ids[0]: "Vedoucí Benchmarku", staff_ids[1]: "Technik Benchmarku"}
        await self.write(Company, companies)
        await self.write(PortalUser, users)
        await self.write(AlcContract, contracts)
        return staff_ids

    def _timeline(self, count: int, days: int) -> list[datetime]:
        """``count`` moments over the last ``days`` days, oldest first."""
        span = days * 86_400
        return sorted(self.at - timedelta(seconds=self.rng.randrange(span) + 60) for _ in range(count))

    async def orders(self, staff_ids: list[int]) -> None:
        size, rng = self.size, self.rng
        order, event = self.shape(ServiceOrder), self.shape(OrderEvent)
        vat_rate = get_settings().vat_rate_percent
        moments = self._timeline(size.orders, 3 * 365)
        owners = _spread(size.orders, size.heavy_orders, size.companies)
        sequence: dict[int, int] = {}
        orders: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        event_id = 0
        for order_id, (created, company_index) in enumerate(zip(moments, owners, strict=True), start=1):
            service = self.service_rows[rng.randrange(len(self.service_rows))]
            billing = "sbp" if rng.randrange(4) == 0 else "pay"
            status = _pick(rng, ORDER_MIX)
            if billing == "sbp" and status in (S.QUOTED, S.ACCEPTED, S.DECLINED):
                status = S.COMPLETED
            steps = _history(billing, status)
            quantity = 100 * rng.randrange(1, 9)
            estimate = line_amount(service["pay_price"], quantity, vat_rate)
            year = created.year
            sequence[year] = sequence.get(year, 0) + 1
            quoted = S.QUOTED in steps
            quote = estimate if quoted else None
            staff_id = staff_ids[1]
            updated = created + timedelta(hours=2 * (len(steps) - 1))
            orders.append(
                order.row(
                    id=order_id,
                    number=order_number(year, sequence[year]),
                    company=company_index + 1,
                    service=service["id"],
                    created_by=self.manager_ids[company_index],
                    status=status.value,
                    billing=billing,
                    quantity=quantity,
                    unit=service["unit"],
                    description=f"Požadavek {order_id}: {service['name_cs']} pro konstrukční oddělení.",
                    delivery="onsite" if order_id % 3 == 0 else "remote",
                    unit_price=service["pay_price"],
                    sbp_unit_price=service["sbp_price"],
                    vat_rate=vat_rate,
                    estimate_net=estimate.net,
                    estimate_vat=estimate.vat,
                    estimate_gross=estimate.gross,
                    quote_net=quote.net if quote else None,
                    quote_vat=quote.vat if quote else None,
                    quote_gross=quote.gross if quote else None,
                    quote_valid_until=(created + timedelta(days=30)).date() if quote else None,
                    quote_revision=1 if quote else 0,
                    assigned_to=staff_id if S.APPROVED in steps else None,
                    reject_reason="Mimo rozsah nabízených služeb." if status is S.REJECTED else "",
                    created_at=created,
                    updated_at=updated,
                )
            )
            previous = None
            for step_number, step in enumerate(steps):
                event_id += 1
                by_customer = step in (S.SUBMITTED, S.ACCEPTED, S.DECLINED, S.CANCELLED)
                actor = self.manager_ids[company_index] if by_customer else staff_id
                name = self.manager_names[company_index] if by_customer else self.staff_names[staff_id]
                events.append(
                    event.row(
                        id=event_id, order=order_id, actor=actor, actor_name=name,
                        from_status=previous.value if previous else None, to_status=step.value,
                        at=created + timedelta(hours=2 * step_number),
                    )
                )  # fmt: skip
                previous = step
            if len(orders) >= BATCH:
                await self.write(ServiceOrder, orders)
                await self.write(OrderEvent, events)
                orders, events = [], []
        await self.write(ServiceOrder, orders)
        await self.write(OrderEvent, events)
        counter = self.shape(OrderNumberCounter)
        await self.write(
            OrderNumberCounter,
            [
                counter.row(id=n + 1, year=year, last_number=last)
                for n, (year, last) in enumerate(sequence.items())
            ],
        )

    async def ledger(self, staff_ids: list[int]) -> None:
        """Each company's ledger: top-ups (each a lot valid 12 months) and draws taken oldest lot
        first, over the last 330 days, so no lot has expired yet. The heavy customer's ends with
        a large top-up for the draw benchmark."""
        size, rng = self.size, self.rng
        per_company = [0] * size.companies
        for company_index in _spread(size.ledger_entries, size.heavy_entries, size.companies):
            per_company[company_index] += 1
        ids = {"entry": 0, "lot": 0, "allocation": 0}
        batches: dict[type, list[tuple[Any, ...]]] = {
            CreditEntry: [], CreditLot: [], CreditAllocation: [], CreditAccount: []
        }  # fmt: skip
        shapes = {table: self.shape(table) for table in batches}
        staff_name = self.staff_names[staff_ids[0]]
        for company_index, count in enumerate(per_company):
            company_id = company_index + 1
            balance = 0
            open_lots: deque[list[int]] = deque()  # [lot id, remaining], oldest first
            lots: list[tuple[list[int], int, int, datetime]] = []
            moments = self._timeline(count, 330)
            for position, created in enumerate(moments):
                ids["entry"] += 1
                entry_id = ids["entry"]
                last = position == count - 1
                top_up = balance < 300_000 or position % 10 == 0 or (last and company_index == 0)
                if top_up:
                    amount = BENCH_TOP_UP if last and company_index == 0 else 5_000_000
                    balance += amount
                    ids["lot"] += 1
                    lot = [ids["lot"], amount]
                    open_lots.append(lot)
                    lots.append((lot, entry_id, amount, created + timedelta(days=365)))
                    kind, actor, note = "topup", staff_ids[0], "Dobití kreditu"
                else:
                    amount = -min(balance, rng.randrange(2, 21) * 50_000)  # on average what a top-up brings
                    balance += amount
                    to_take = -amount
                    while to_take:
                        lot = open_lots[0]
                        take = min(lot[1], to_take)
                        lot[1] -= take
                        to_take -= take
                        ids["allocation"] += 1
                        batches[CreditAllocation].append(
                            shapes[CreditAllocation].row(
                                id=ids["allocation"], entry=entry_id, lot=lot[0], amount=take
                            )
                        )
                        if lot[1] == 0:
                            open_lots.popleft()
                    kind, actor, note = "draw", staff_ids[1], "Odpracováno na objednávce"
                batches[CreditEntry].append(
                    shapes[CreditEntry].row(
                        id=entry_id, company=company_id, kind=kind, amount=amount, balance_after=balance,
                        actor=actor, actor_name=staff_name if kind == "topup" else self.staff_names[actor],
                        note=note, created_at=created,
                    )
                )  # fmt: skip
            # written once the draws have taken what they took
            batches[CreditLot].extend(
                shapes[CreditLot].row(
                    id=lot_id,
                    company=company_id,
                    entry=entry_id,
                    amount=amount,
                    remaining=remaining,
                    expires_at=expires,
                )
                for (lot_id, remaining), entry_id, amount, expires in lots
            )
            batches[CreditAccount].append(
                shapes[CreditAccount].row(
                    id=company_id, company=company_id, balance=balance,
                    updated_at=moments[-1] if moments else self.at,
                )
            )  # fmt: skip
            if len(batches[CreditEntry]) >= BATCH:
                await self._flush_ledger(batches)
        await self._flush_ledger(batches)

    async def _flush_ledger(self, batches: dict[type, list[tuple[Any, ...]]]) -> None:
        # parents first: lots refer to entries, allocations to both
        for table in (CreditEntry, CreditLot, CreditAllocation, CreditAccount):
            await self.write(table, batches[table])
            batches[table] = []

    async def tickets(self, staff_ids: list[int]) -> None:
        size, rng = self.size, self.rng
        ticket, message = self.shape(Ticket), self.shape(TicketMessage)
        targets = parse_targets(json.loads(get_settings().alc_targets))
        calendar = STANDARD_CALENDAR.to_json()
        due_cache: dict[tuple[datetime, int], datetime] = {}

        def due(start: datetime, minutes: int) -> datetime:
            key = (start, minutes)
            if key not in due_cache:
                due_cache[key] = add_business_minutes(start, minutes, STANDARD_CALENDAR)
            return due_cache[key]

        priorities = list(Priority)
        sequence: dict[int, int] = {}
        tickets: list[tuple[Any, ...]] = []
        messages: list[tuple[Any, ...]] = []
        message_id = 0
        moments = self._timeline(size.tickets, 2 * 365)
        owners = _spread(size.tickets, size.heavy_tickets, size.companies)
        staff_id = staff_ids[1]
        for ticket_id, (created, company_index) in enumerate(zip(moments, owners, strict=True), start=1):
            created = created.replace(minute=0, second=0, microsecond=0)  # few distinct clock starts
            status = _pick(rng, TICKET_MIX)
            priority = priorities[rng.randrange(len(priorities))]
            target = targets[priority]
            first_due, resolution_due = due(created, target.first_response), due(created, target.resolution)
            answered = status is not TicketStatus.NEW
            responded = created + timedelta(minutes=30) if answered else None
            done = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
            running = status in (TicketStatus.NEW, TicketStatus.OPEN)
            next_due = (first_due if not answered else resolution_due) if running else None
            year = created.year
            sequence[year] = sequence.get(year, 0) + 1
            tickets.append(
                ticket.row(
                    id=ticket_id,
                    number=ticket_number(year, sequence[year]),
                    company=company_index + 1,
                    created_by=self.manager_ids[company_index],
                    subject=f"Problém {ticket_id}: CATIA padá při otevření sestavy",
                    description="Při otevření velké sestavy se aplikace ukončí bez chybového hlášení.",
                    product="CATIA V5 MD2 × 3",
                    priority=priority.value,
                    status=status.value,
                    terms="alc",
                    calendar=calendar,
                    first_response_minutes=target.first_response,
                    resolution_minutes=target.resolution,
                    first_response_due=first_due,
                    resolution_due=resolution_due,
                    first_responded_at=responded,
                    paused_since=created + timedelta(hours=1)
                    if status is TicketStatus.WAITING_ON_CUSTOMER
                    else None,
                    next_due=next_due,
                    resolved_at=created + timedelta(hours=3) if done else None,
                    closed_at=created + timedelta(days=8) if status is TicketStatus.CLOSED else None,
                    created_at=created,
                    updated_at=created + timedelta(hours=3),
                )
            )
            if answered:
                message_id += 1
                messages.append(
                    message.row(
                        id=message_id, ticket=ticket_id, author=staff_id,
                        author_name=self.staff_names[staff_id],
                        from_staff=True, body="Dobrý den, podívám se na to. Pošlete prosím log.",
                        created_at=responded,
                    )
                )  # fmt: skip
            if len(tickets) >= BATCH:
                await self.write(Ticket, tickets)
                await self.write(TicketMessage, messages)
                tickets, messages = [], []
        await self.write(Ticket, tickets)
        await self.write(TicketMessage, messages)
        counter = self.shape(TicketNumberCounter)
        await self.write(
            TicketNumberCounter,
            [
                counter.row(id=n + 1, year=year, last_number=last)
                for n, (year, last) in enumerate(sequence.items())
            ],
        )


async def _is_empty() -> bool:
    return not await Company.exists() and not await PortalUser.exists() and not await Service.exists()


async def write_data_set(size: Size, seed: int = 1) -> dict[str, int]:
    """Write the data set into the configured database, which must be migrated and empty (the
    caller checks); the app's own pool, when open, is left alone. Returns rows per table."""
    settings = get_settings()
    # a fixed "now", rounded to the hour, so the same seed gives the same rows within the hour
    at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if settings.uses_sqlite:
        writer: BulkWriter = SqliteWriter(str(settings.sqlite_path))
    else:
        dsn = settings.database_url.replace("postgres+asyncpg://", "postgresql://", 1)
        writer = await PostgresWriter.open(dsn)
    try:
        return await Generator(size, seed, writer, at).run()
    finally:
        await writer.close()


async def generate(size_name: str, seed: int = 1) -> tuple[dict[str, int], float]:
    """Fill the configured (migrated, empty) database; returns rows per table and seconds taken."""
    from backend.db import database_lifespan

    async with database_lifespan(None):
        if not await _is_empty():
            raise NotEmpty(
                "generate-data writes into a freshly migrated, empty database; this one has data. "
                "Create a new database (or remove the SQLite file) and run `portal migrate` first."
            )
    started = time.perf_counter()
    counts = await write_data_set(SIZES[size_name], seed)
    return counts, time.perf_counter() - started
