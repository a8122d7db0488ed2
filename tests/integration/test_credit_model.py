"""A stateful property test: random top-ups, draws, adjustments, expiries and work logged on an
SBP order against the real credit services and database, compared after every step with a simple
model of the rules (work draws the cumulative cost of the order's minutes; beyond the balance it
draws what is left and the rest of its minutes are PAY)."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from backend.accounts.domain import Actor, Role
from backend.accounts.tables import Company
from backend.clock import aware
from backend.credit import changes, ledger
from backend.credit import services as credit
from backend.credit.domain import EntryKind, InsufficientCredit, add_months
from backend.credit.schemas import CreditChange
from backend.credit.tables import CreditAccount, CreditEntry, CreditLot

pytestmark = pytest.mark.db

_companies = itertools.count(1)


@dataclass
class ModelLot:
    amount: int
    remaining: int
    expires_at: datetime


# SBP rates per hour or day: one whose minute costs less than a haléř, one that does not divide
RATES = [(30, "hour"), (115_001, "hour"), (135_000, "hour"), (920_000, "day")]


def model_cost(price: int, unit: str, minutes: int) -> int:
    per = {"hour": 60, "day": 480}[unit]
    return int((Decimal(price) * minutes / per).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def make_machine(loop: asyncio.AbstractEventLoop, admin: Actor, clock: list[datetime]):
    """``clock[0]`` is the model's "now"; the credit services read it through a patched now()."""

    async def awaited(awaitable):
        return await awaitable

    def run(awaitable):
        """Run on the test's event loop (where the database pool lives) from Hypothesis's thread."""
        return asyncio.run_coroutine_threadsafe(awaited(awaitable), loop).result(timeout=60)

    class CreditRules(RuleBasedStateMachine):
        """The model: the lots in booking order, the expiries it expects, and a clock."""

        @initialize()
        def open_company(self) -> None:
            n = next(_companies)
            self.company_id = run(
                Company.insert(Company(name=f"Model {n}", ico=f"{n:08d}")).returning(Company.id)
            )[0]["id"]
            self.lots: list[ModelLot] = []
            self.expired: list[int] = []
            self.keys = itertools.count()
            self.credit_minutes = 0  # of the one SBP order the work rule logs on
            clock[0] = datetime.now(UTC)

        def _book_due_expiries(self) -> None:
            """Every credit operation first books what has expired by now: exactly the unused rest."""
            for lot in sorted(self.lots, key=lambda lot: lot.expires_at):
                if lot.remaining and lot.expires_at <= clock[0]:
                    self.expired.append(lot.remaining)
                    lot.remaining = 0

        def _snapshot(self) -> tuple[list[int], list[int]]:
            return [lot.remaining for lot in self.lots], list(self.expired)

        def _restore(self, snapshot: tuple[list[int], list[int]]) -> None:
            remaining, self.expired = snapshot[0], list(snapshot[1])
            for lot, value in zip(self.lots, remaining, strict=True):
                lot.remaining = value

        def _available(self) -> int:
            return sum(lot.remaining for lot in self.lots if lot.expires_at > clock[0])

        def _take(self, amount: int) -> None:
            """Soonest-expiring first, in booking order among equals."""
            for lot in sorted(self.lots, key=lambda lot: lot.expires_at):
                take = min(lot.remaining, amount)
                lot.remaining -= take
                amount -= take

        def _book_positive(self, amount: int, kind: str, months: int) -> None:
            change = CreditChange(
                amount=amount,
                idempotency_key=f"k{next(self.keys)}",
                note="model",
                kind=kind,
                valid_months=months,
            )
            run(credit.change_credit(admin, self.company_id, change))
            self._book_due_expiries()
            newest = run(
                CreditLot.select(CreditLot.expires_at)
                .where(CreditLot.company == self.company_id)
                .order_by(CreditLot.id, ascending=False)
                .first()
            )
            self.lots.append(ModelLot(amount, amount, aware(newest["expires_at"])))

        @rule(amount=st.integers(min_value=1, max_value=50_000), months=st.sampled_from([1, 2, 12]))
        def top_up(self, amount: int, months: int) -> None:
            self._book_positive(amount, "topup", months)

        @rule(amount=st.integers(min_value=1, max_value=30_000))
        def draw(self, amount: int) -> None:
            booking = credit.Booking(EntryKind.DRAW, actor=admin, note="model draw")
            before = self._snapshot()
            self._book_due_expiries()
            if amount > self._available():
                with pytest.raises(InsufficientCredit):
                    run(credit.draw(self.company_id, amount, booking))
                self._restore(before)  # a refusal rolls back everything, the due expiries too
                return
            run(credit.draw(self.company_id, amount, booking))
            self._take(amount)

        @rule(amount=st.integers(min_value=-30_000, max_value=30_000).filter(bool))
        def adjust(self, amount: int) -> None:
            if amount > 0:
                self._book_positive(amount, "adjustment", 12)
                return
            change = CreditChange(
                amount=amount, idempotency_key=f"k{next(self.keys)}", note="oprava", kind="adjustment"
            )
            before = self._snapshot()
            self._book_due_expiries()
            if -amount > self._available():
                with pytest.raises(InsufficientCredit):
                    run(credit.change_credit(admin, self.company_id, change))
                self._restore(before)
                return
            run(credit.change_credit(admin, self.company_id, change))
            self._take(-amount)

        @rule(
            amounts=st.lists(
                st.integers(min_value=-30_000, max_value=30_000).filter(bool), min_size=2, max_size=6
            )
        )
        def several_changes_at_once(self, amounts: list[int]) -> None:
            """Changes sent together are booked in shared transactions (group commit), yet each is
            decided as if it came alone, in the order sent: a later draw may use an earlier
            top-up of the same batch, and a refused one changes nothing."""
            before = self._snapshot()
            self._book_due_expiries()
            expected = []
            for amount in amounts:
                if amount > 0:
                    self.lots.append(ModelLot(amount, amount, add_months(clock[0], 12)))
                elif -amount > self._available():
                    expected.append(False)
                    continue
                else:
                    self._take(-amount)
                expected.append(True)
            if not any(expected):
                self._restore(before)

            async def at_once() -> list:
                changes = [
                    CreditChange(
                        amount=amount, idempotency_key=f"k{next(self.keys)}", note="batch", kind="adjustment"
                    )
                    for amount in amounts
                ]
                return await asyncio.gather(
                    *(credit.change_credit(admin, self.company_id, change) for change in changes),
                    return_exceptions=True,
                )

            results = run(at_once())
            assert [not isinstance(result, BaseException) for result in results] == expected
            assert all(isinstance(r, InsufficientCredit) for r in results if isinstance(r, BaseException))

        @rule(days=st.integers(min_value=1, max_value=200))
        def time_passes(self, days: int) -> None:
            """Only the clock moves: nothing is booked until the next credit operation or job."""
            clock[0] += timedelta(days=days)

        @rule(
            days=st.integers(min_value=20, max_value=120), amount=st.integers(min_value=1, max_value=20_000)
        )
        def draw_some_time_later(self, days: int, amount: int) -> None:
            """A draw that meets lots past their date the scheduled job has not booked yet."""
            self.time_passes(days)
            self.draw(amount)

        @rule(minutes=st.integers(min_value=1, max_value=600), rate=st.sampled_from(RATES))
        def work_logged(self, minutes: int, rate: tuple[int, str]) -> None:
            """A work log on the SBP order: the model's own cost of its running total, per minute."""
            price, unit = rate if self.credit_minutes == 0 or not hasattr(self, "rate") else self.rate
            self.rate = (price, unit)  # the order's rate is frozen at its first log
            self._book_due_expiries()
            left = self._available()
            cost = model_cost(price, unit, self.credit_minutes + minutes) - model_cost(
                price, unit, self.credit_minutes
            )
            if cost <= left:
                credit_part = minutes
            else:  # the fewest minutes whose cumulative cost reaches what is left, the rest PAY
                credit_part = next(
                    k
                    for k in range(minutes + 1)
                    if model_cost(price, unit, self.credit_minutes + k)
                    - model_cost(price, unit, self.credit_minutes)
                    >= left
                )
                cost = left
            booking = credit.Booking(EntryKind.DRAW, actor=admin, note="model work")
            plan = run(
                credit.draw_for_work(self.company_id, price, unit, self.credit_minutes, minutes, booking)
            )
            assert (plan.drawn, plan.credit_minutes, plan.pay_minutes) == (
                cost,
                credit_part,
                minutes - credit_part,
            )
            self._take(cost)
            self.credit_minutes += credit_part

        @rule()
        def expiry_job_runs(self) -> None:
            run(credit.expire_credit())
            self._book_due_expiries()

        @invariant()
        def the_database_agrees_with_the_model(self) -> None:
            account = run(CreditAccount.select().where(CreditAccount.company == self.company_id).first())
            balance = account["balance"] if account else 0
            remaining = run(
                CreditLot.select(CreditLot.remaining)
                .where(CreditLot.company == self.company_id)
                .order_by(CreditLot.id)
            )
            assert [row["remaining"] for row in remaining] == [lot.remaining for lot in self.lots]
            assert balance == sum(lot.remaining for lot in self.lots)
            ledger = run(CreditEntry.select(CreditEntry.amount).where(CreditEntry.company == self.company_id))
            assert sum(row["amount"] for row in ledger) == balance
            expiries = run(
                CreditEntry.select(CreditEntry.amount)
                .where((CreditEntry.company == self.company_id) & (CreditEntry.kind == "expiry"))
                .order_by(CreditEntry.id)
            )
            assert sorted(-row["amount"] for row in expiries) == sorted(self.expired)

    return CreditRules


async def test_random_credit_operations_match_the_model(db, monkeypatch) -> None:
    from backend.accounts.services import create_staff

    admin_id = await create_staff("model@example.cz", "Model Admin", "a long password", admin=True)
    admin = Actor(
        id=admin_id, email="", full_name="Model", role=Role.STAFF_ADMIN, company_id=None, language="en"
    )
    clock = [datetime.now(UTC)]
    for module in (credit, changes, ledger):  # every credit module that reads the clock to book
        monkeypatch.setattr(module, "now", lambda: clock[0])
    machine = make_machine(asyncio.get_running_loop(), admin, clock)
    config = settings(
        max_examples=60,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    await asyncio.get_running_loop().run_in_executor(
        None, lambda: run_state_machine_as_test(machine, settings=config)
    )
