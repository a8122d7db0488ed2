"""The pure rules of invoices: totals and rounding over any lines (hypothesis), credit notes that
reverse exactly what they take back, what each order bills, status, dates and reminders."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.errors import InvalidInput
from backend.invoices import domain
from backend.invoices.document import LineIn, Unit, document_line, priced
from backend.invoices.domain import Balance, Kind, LoggedWork, OrderBill, Status
from backend.money import QUANTITY_SCALE, divide_half_up

line_in = st.builds(
    LineIn,
    description=st.just("Práce"),
    quantity=st.integers(min_value=1, max_value=100_000),
    unit=st.sampled_from(list(Unit)),
    unit_price=st.integers(min_value=0, max_value=10**8),
    vat_rate_percent=st.sampled_from(domain.VAT_RATES),
    discount_percent=st.integers(min_value=0, max_value=100),
)


@settings(max_examples=300)
@given(st.lists(line_in, min_size=1, max_size=20))
def test_the_recapitulation_always_equals_the_sum_of_the_lines(lines) -> None:
    priced_lines, recap, total_net, total_vat, total = priced(lines)
    for rate in {line.vat_rate_percent for line in lines}:
        of_rate = [line for line in priced_lines if line.vat_rate_percent == rate]
        [row] = [r for r in recap if r.vat_rate_percent == rate]
        assert row.net == sum(line.net for line in of_rate)
        assert row.vat == sum(line.vat for line in of_rate)
        assert row.gross == row.net + row.vat
    assert [r.vat_rate_percent for r in recap] == sorted({line.vat_rate_percent for line in lines})
    assert total_net == sum(line.net for line in priced_lines)
    assert total_vat == sum(line.vat for line in priced_lines)
    assert total == total_net + total_vat


@settings(max_examples=300)
@given(line_in)
def test_each_line_is_rounded_once_half_up(line) -> None:
    priced_line = document_line(line)
    exact = (
        Fraction(line.unit_price)
        * Fraction(line.quantity, QUANTITY_SCALE)
        * Fraction(100 - line.discount_percent, 100)
    )
    assert abs(priced_line.net - exact) <= Fraction(1, 2)
    assert priced_line.net == divide_half_up(exact.numerator, exact.denominator)
    assert priced_line.vat == divide_half_up(priced_line.net * line.vat_rate_percent, 100)
    assert priced_line.gross == priced_line.net + priced_line.vat


@settings(max_examples=200)
@given(st.lists(line_in, min_size=1, max_size=10), st.data())
def test_partial_credit_notes_then_the_rest_take_back_each_line_exactly_once(lines, data) -> None:
    original, *_ = priced(lines)
    notes: list[list[list[int]]] = []
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        taken = domain.credited_quantities(original, notes)
        wanted = [
            (number, data.draw(st.integers(min_value=1, max_value=line.quantity - done)))
            for number, (line, done) in enumerate(zip(original, taken, strict=True), start=1)
            if line.quantity > done and data.draw(st.booleans())
        ]
        if wanted:
            chosen = domain.credit_note_lines(original, wanted, taken)
            assert all(
                line.quantity < 0 and line.unit_price == original[n - 1].unit_price for n, line in chosen
            )
            notes.append([[number, -line.quantity] for number, line in chosen])
    taken = domain.credited_quantities(original, notes)
    if any(line.quantity > done for line, done in zip(original, taken, strict=True)):
        rest = domain.credit_note_lines(original, None, taken)
        notes.append([[number, -line.quantity] for number, line in rest])
    assert domain.credited_quantities(original, notes) == [line.quantity for line in original]
    with pytest.raises(InvalidInput):
        domain.credit_note_lines(original, None, domain.credited_quantities(original, notes))
    with pytest.raises(InvalidInput):
        domain.credit_note_lines(original, [(1, 1)], domain.credited_quantities(original, notes))


@settings(max_examples=200)
@given(st.lists(line_in, min_size=1, max_size=10))
def test_a_full_credit_note_sums_to_zero_per_vat_rate(lines) -> None:
    original, recap, _, _, total = priced(lines)
    chosen = domain.credit_note_lines(original, None, [0] * len(original))
    _, credit_recap, _, _, credit_total = priced([line for _, line in chosen])
    assert credit_total == -total
    by_rate = {r.vat_rate_percent: (r.net, r.vat) for r in recap}
    assert {r.vat_rate_percent: (-r.net, -r.vat) for r in credit_recap} == by_rate
    with pytest.raises(InvalidInput):
        domain.credit_note_lines(original, None, [line.quantity for line in original])


def test_credit_note_lines_refuse_unknown_or_repeated_lines_and_zero() -> None:
    original, *_ = priced(
        [LineIn(description="x", quantity=300, unit=Unit.PIECE, unit_price=100, vat_rate_percent=21)]
    )
    for wanted, field in (
        ([(2, 100)], "lines.0.line"),
        ([(1, 0)], "lines.0.quantity"),
        ([(1, 100), (1, 100)], "lines.1.line"),
    ):
        with pytest.raises(InvalidInput) as refused:
            domain.credit_note_lines(original, wanted, [0])
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        domain.credit_note_lines(original, [(1, 200)], [150])
    assert refused.value.field == "lines.0.quantity" and refused.value.params["left"] == "1.5"


def bill(**overrides) -> OrderBill:
    values = dict(
        number="OBJ-2026-00001",
        service_name="Makra",
        billing="pay",
        unit=Unit.HOUR,
        quantity=200,
        unit_price=165_000,
        vat_rate=21,
        quote_net=330_000,
        quote_fixed=False,
        discount_percent=0,
        logs=[],
    )
    return OrderBill(**{**values, **overrides})


def describe(kind: str, minutes: int, *, lot: bool) -> str:
    return f"{kind}:{minutes}:{lot}"


def test_what_an_order_bills() -> None:
    # a quoted order with no time logged: the quote
    assert domain.order_lines(bill(), describe) == [
        LineIn(description="Makra", quantity=200, unit=Unit.HOUR, unit_price=165_000, vat_rate_percent=21)
    ]
    # the time logged, exact in hundredths: at the rate with the SLA discount as a line discount
    [line] = domain.order_lines(bill(discount_percent=5, logs=[LoggedWork(90, 0, 0, "pay")]), describe)
    assert (line.quantity, line.unit_price, line.discount_percent) == (150, 165_000, 5)
    # not exact (46 min = 0.7666… h): one lot at the exact net, rounded once
    [line] = domain.order_lines(bill(logs=[LoggedWork(46, 0, 0, "pay")]), describe)
    assert (line.quantity, line.unit, line.unit_price, line.description) == (
        100,
        Unit.PIECE,
        126_500,
        "time:46:True",
    )
    # a fixed quote wins over the time logged
    [line] = domain.order_lines(bill(quote_fixed=True, logs=[LoggedWork(600, 0, 0, "pay")]), describe)
    assert line.quantity * line.unit_price // QUANTITY_SCALE == 330_000
    # SBP work: only what the credit did not cover, at the net each log told
    sbp = bill(
        billing="sbp", quote_net=None, logs=[LoggedWork(180, 46, 126_500, "sbp"), LoggedWork(60, 0, 0, "sbp")]
    )
    [line] = domain.order_lines(sbp, describe)
    assert (line.unit_price, line.description) == (126_500, "beyond_credit:46:True")
    # continued as PAY: the SBP part beyond credit and the later PAY time, each once
    mixed = bill(quote_net=None, logs=[LoggedWork(180, 46, 126_500, "sbp"), LoggedWork(120, 0, 0, "pay")])
    assert [line.description for line in domain.order_lines(mixed, describe)] == [
        "time:120:False",
        "beyond_credit:46:True",
    ]
    # all paid from credit: nothing
    assert (
        domain.order_lines(bill(billing="sbp", quote_net=None, logs=[LoggedWork(60, 0, 0, "sbp")]), describe)
        == []
    )
    # a flat-rate service at its quote; the quote per piece when whole haléře, else one lot
    assert (
        domain.order_lines(bill(unit=Unit.PIECE, quantity=300, quote_net=870_000), describe)[0].unit_price
        == 290_000
    )
    odd = domain.order_lines(bill(unit=Unit.PIECE, quantity=300, quote_net=100_001), describe)[0]
    assert (odd.quantity, odd.unit_price) == (100, 100_001)


def test_status_follows_payments_credit_notes_and_the_due_date() -> None:
    due = date(2026, 12, 15)
    status = domain.status_of
    assert status(Kind.INVOICE, Balance(1000, 0, 0), due, due) is Status.ISSUED
    assert status(Kind.INVOICE, Balance(1000, 0, 0), due, due + timedelta(days=1)) is Status.OVERDUE
    assert status(Kind.INVOICE, Balance(1000, 400, 0), due, due) is Status.PARTLY_PAID
    assert status(Kind.INVOICE, Balance(1000, 400, 0), due, due + timedelta(days=1)) is Status.OVERDUE
    assert status(Kind.INVOICE, Balance(1000, 1000, 0), due, due + timedelta(days=9)) is Status.PAID
    assert status(Kind.INVOICE, Balance(1000, 0, 1000), due, due + timedelta(days=9)) is Status.CREDITED
    assert status(Kind.INVOICE, Balance(1000, 600, 400), due, due) is Status.PAID
    assert status(Kind.CREDIT_NOTE, Balance(-1000, 0, 0), due, due + timedelta(days=9)) is Status.ISSUED


def test_a_credit_note_after_full_payment_leaves_an_overpayment_to_refund() -> None:
    due = date(2026, 12, 15)
    paid_then_credited = Balance(total=10_527_00, paid=10_527_00, credited=3_509_00)
    assert paid_then_credited.overpaid == 3_509_00 and paid_then_credited.left == 0
    assert domain.status_of(Kind.INVOICE, paid_then_credited, due, due) is Status.OVERPAID
    assert Balance(1000, 1000, 0).overpaid == 0 and Balance(1000, 600, 400).overpaid == 0
    assert Balance(1000, 0, 1000).overpaid == 0
    assert domain.status_of(Kind.INVOICE, Balance(1000, 1000, 1000), due, due) is Status.OVERPAID
    assert domain.STATUS_LABELS[Status.OVERPAID] == "Overpaid"


@given(
    total=st.integers(min_value=1, max_value=10**11),
    paid_part=st.fractions(min_value=0, max_value=1),
    credited_part=st.fractions(min_value=0, max_value=1),
    days=st.integers(min_value=-30, max_value=30),
)
def test_balance_splits_into_left_or_overpaid_never_both(
    total: int, paid_part: Fraction, credited_part: Fraction, days: int
) -> None:
    """Paid never exceeds the total (a payment is at most what is left) and credit notes take at
    most the total; whatever the order, what is owed − paid is either left to pay or to refund."""
    paid = int(total * paid_part)
    credited = int(total * credited_part)
    balance = Balance(total=total, paid=paid, credited=credited)
    assert balance.left >= 0 and balance.overpaid >= 0
    assert balance.left * balance.overpaid == 0
    assert balance.left - balance.overpaid == total - credited - paid
    due = date(2026, 12, 15)
    status = domain.status_of(Kind.INVOICE, balance, due, due + timedelta(days=days))
    assert (status is Status.OVERPAID) == (paid > total - credited)
    if status is not Status.OVERPAID:
        assert (status in (Status.PAID, Status.CREDITED)) == (balance.left == 0)


def test_first_working_day_skips_weekends_and_czech_holidays() -> None:
    assert domain.first_working_day(date(2027, 1, 1)) == date(2027, 1, 4)  # New Year (Fri), weekend
    assert domain.first_working_day(date(2026, 5, 20)) == date(2026, 5, 4)  # 1 May Fri, weekend
    assert domain.first_working_day(date(2026, 12, 31)) == date(2026, 12, 1)
    assert domain.sla_fee_due(date(2027, 1, 1)) is None
    assert domain.sla_fee_due(date(2027, 1, 4)) == date(2027, 1, 1)
    assert domain.sla_fee_due(date(2027, 1, 20)) == date(2027, 1, 1)
    assert domain.month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert domain.contract_covers_month(date(2026, 12, 31), None, date(2026, 12, 1))
    assert not domain.contract_covers_month(date(2027, 1, 1), None, date(2026, 12, 1))
    assert not domain.contract_covers_month(date(2026, 1, 1), date(2026, 11, 30), date(2026, 12, 1))


def test_reminders_once_overdue_then_every_few_days_up_to_the_cap() -> None:
    due = date(2026, 12, 15)

    def wanted(today, sent=0, last=None):
        return domain.reminder_due(due, today, sent, last, every_days=7, cap=3)

    assert not wanted(due)
    assert wanted(due + timedelta(days=1))
    assert not wanted(due + timedelta(days=5), 1, due + timedelta(days=1))
    assert wanted(due + timedelta(days=8), 1, due + timedelta(days=1))
    assert not wanted(due + timedelta(days=60), 3, due + timedelta(days=15))


def test_numbers_and_variable_symbols() -> None:
    assert domain.document_number(Kind.INVOICE, 2026, 42) == "FA-2026-00042"
    assert domain.document_number(Kind.CREDIT_NOTE, 2026, 7) == "DOD-2026-00007"
    assert domain.variable_symbol("FA-2026-00042") == "202600042"
    assert domain.exact_quantity(90, Unit.HOUR) == 150 and domain.exact_quantity(46, Unit.HOUR) is None
    assert domain.exact_quantity(240, Unit.DAY) == 50
