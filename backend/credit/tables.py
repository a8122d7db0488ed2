"""The SBP credit ledger: one account per company, append-only entries, and the lots (what
remains of each top-up) that draws consume and expiry closes."""

from __future__ import annotations

from piccolo.columns import BigInt, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.combination import WhereRaw
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.accounts.tables import Company, PortalUser
from backend.orders.tables import ServiceOrder, WorkLog
from backend.plans.tables import Subscription


class CreditAccount(Table, tablename="credit_account"):
    """The company's current balance. Changed only together with a ledger entry; a database
    constraint (CHECK on PostgreSQL, a trigger on SQLite) keeps it from going below zero."""

    company = ForeignKey(references=Company, unique=True, on_delete=OnDelete.restrict)
    balance = BigInt(default=0)
    low_balance_threshold = BigInt(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class CreditEntry(Table, tablename="credit_entry"):
    """One line of the ledger. Never updated or deleted: a correction is a new entry."""

    company = ForeignKey(references=Company, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=10)  # topup | draw | expiry | adjustment
    amount = BigInt()  # signed: + top-up, - draw, - expiry, ± adjustment
    balance_after = BigInt()
    actor = ForeignKey(references=PortalUser, null=True, on_delete=OnDelete.set_null)
    actor_name = Varchar(length=200, default="")
    order = ForeignKey(references=ServiceOrder, null=True, on_delete=OnDelete.restrict)
    work_log = ForeignKey(references=WorkLog, null=True, on_delete=OnDelete.restrict)
    subscription = ForeignKey(references=Subscription, null=True, on_delete=OnDelete.restrict)
    note = Text(default="")
    idempotency_key = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class CreditLot(Table, tablename="credit_lot"):
    """What remains of one top-up (or positive adjustment), and when it expires."""

    # no index of its own: credit_lot_company_expires (company, expires_at, id) serves lookups by
    # company, and with a plain (company) index the planner read every lot of a company to find
    # its open ones instead of using the partial index credit_lot_open (docs/performance.md)
    company = ForeignKey(references=Company, on_delete=OnDelete.restrict)
    entry = ForeignKey(references=CreditEntry, on_delete=OnDelete.restrict)
    amount = BigInt()
    remaining = BigInt()
    expires_at = Timestamptz()
    expired_at = Timestamptz(null=True, default=None)
    expiry_warned_at = Timestamptz(null=True, default=None)


class CreditAllocation(Table, tablename="credit_allocation"):
    """Which lots a draw, expiry or negative adjustment took from, and how much."""

    entry = ForeignKey(references=CreditEntry, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(references=CreditLot, on_delete=OnDelete.restrict, index=True)
    amount = BigInt()


# "remaining > 0" written into the SQL rather than sent as a value: the partial index credit_lot_open
# has that predicate, and PostgreSQL's generic plan for a prepared "remaining > $2" cannot prove it
# matches, so it read all 5 000 lots of the heaviest customer to find its 44 open ones
LOT_IS_OPEN = WhereRaw('"credit_lot"."remaining" > 0')
