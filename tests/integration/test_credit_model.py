"""A stateful property test: random top-ups, draws, adjustments and expiries against the real
credit services and database, compared after every step with a simple model of the rules."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from backend.accounts.domain import Actor, Role
from backend.accounts.tables import Company
from backend.credit import services as credit
from backend.credit.domain import EntryKind, InsufficientCredit
from backend.credit.schemas import CreditChange
from backend.credit.tables import CreditAccount, CreditEntry, CreditLot

pytestmark = pytest.mark.db

_companies = itertools.count(1)


@dataclass
class ModelLot:
    amount: int
    remaining: int
    expires_at: datetime


def make_machine(loop: asyncio.AbstractEventLoop, admin: Actor):
    async def awaited(awaitable):
        return await awaitable

    def run(awaitable):
        """Run on the test's event loop (where the database pool lives) from Hypothesis's thread."""
        return asyncio.run_coroutine_threadsafe(awaited(awaitable), loop).result(timeout=60)

    class CreditRules(RuleBasedStateMachine):
        """The model: a list of lots in the order they were booked, and nothing else."""

        @initialize()
        def open_company(self) -> None:
            n = next(_companies)
            self.company_id = run(
                Company.insert(Company(name=f"Model {n}", ico=f"{n:08d}")).returning(Company.id)
            )[0]["id"]
            self.lots: list[ModelLot] = []
            self.keys = itertools.count()

        def _available(self) -> int:
            return sum(lot.remaining for lot in self.lots)

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
            newest = run(
                CreditLot.select(CreditLot.expires_at)
                .where(CreditLot.company == self.company_id)
                .order_by(CreditLot.id, ascending=False)
                .first()
            )
            self.lots.append(ModelLot(amount, amount, newest["expires_at"]))

        @rule(amount=st.integers(min_value=1, max_value=50_000), months=st.sampled_from([1, 2, 12]))
        def top_up(self, amount: int, months: int) -> None:
            self._book_positive(amount, "topup", months)

        @rule(amount=st.integers(min_value=1, max_value=30_000))
        def draw(self, amount: int) -> None:
            booking = credit.Booking(EntryKind.DRAW, actor=admin, note="model draw")
            if amount > self._available():
                with pytest.raises(InsufficientCredit):
                    run(credit.draw(self.company_id, amount, booking))
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
            if -amount > self._available():
                with pytest.raises(InsufficientCredit):
                    run(credit.change_credit(admin, self.company_id, change))
                return
            run(credit.change_credit(admin, self.company_id, change))
            self._take(-amount)

        @rule(days=st.integers(min_value=0, max_value=400))
        def time_passes_and_credit_expires(self, days: int) -> None:
            at = datetime.now(UTC) + timedelta(days=days)
            expected = [lot.remaining for lot in self.lots if lot.remaining and lot.expires_at <= at]
            expiries = CreditEntry.select(CreditEntry.amount).where(
                (CreditEntry.company == self.company_id) & (CreditEntry.kind == "expiry")
            )
            before = len(run(expiries))
            run(credit.expire_credit(at=at))
            new = [-row["amount"] for row in run(expiries.order_by(CreditEntry.id))][before:]
            assert sorted(new) == sorted(expected)
            for lot in self.lots:
                if lot.expires_at <= at:
                    lot.remaining = 0

        @invariant()
        def the_database_agrees_with_the_model(self) -> None:
            account = run(CreditAccount.select().where(CreditAccount.company == self.company_id).first())
            balance = account["balance"] if account else 0
            assert balance == self._available()
            remaining = run(
                CreditLot.select(CreditLot.remaining)
                .where(CreditLot.company == self.company_id)
                .order_by(CreditLot.id)
            )
            assert [row["remaining"] for row in remaining] == [lot.remaining for lot in self.lots]
            ledger = run(CreditEntry.select(CreditEntry.amount).where(CreditEntry.company == self.company_id))
            assert sum(row["amount"] for row in ledger) == balance

    return CreditRules


async def test_random_credit_operations_match_the_model(db) -> None:
    from backend.accounts.services import create_staff

    admin_id = await create_staff("model@example.cz", "Model Admin", "a long password", admin=True)
    admin = Actor(
        id=admin_id, email="", full_name="Model", role=Role.STAFF_ADMIN, company_id=None, language="en"
    )
    machine = make_machine(asyncio.get_running_loop(), admin)
    config = settings(
        max_examples=20,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    await asyncio.get_running_loop().run_in_executor(
        None, lambda: run_state_machine_as_test(machine, settings=config)
    )
