"""The order lifecycle, quantities, price and routing: pure rules, tested without a database."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.accounts.domain import Role
from backend.errors import Conflict, InvalidInput, PermissionDenied
from backend.orders import domain
from backend.orders.domain import Action, Billing, Entitlements, OrderStatus, SupportLevel, Unit

S = OrderStatus
STAFF = (Role.STAFF, Role.STAFF_ADMIN)
MANAGER = (Role.CUSTOMER_MANAGER,)

# The expected lifecycle, written out independently of domain.TRANSITIONS:
# (billing, action) -> (statuses it may start from, status it leads to, roles that may take it)
EXPECTED = {
    (Billing.PAY, Action.QUOTE): ({S.SUBMITTED, S.QUOTED}, S.QUOTED, STAFF),
    (Billing.PAY, Action.ACCEPT): ({S.QUOTED}, S.ACCEPTED, MANAGER),
    (Billing.PAY, Action.DECLINE): ({S.QUOTED}, S.DECLINED, MANAGER),
    (Billing.PAY, Action.CANCEL): ({S.SUBMITTED, S.QUOTED, S.ACCEPTED}, S.CANCELLED, MANAGER),
    (Billing.PAY, Action.APPROVE): ({S.ACCEPTED}, S.APPROVED, STAFF),
    (Billing.PAY, Action.REJECT): ({S.SUBMITTED, S.QUOTED, S.ACCEPTED}, S.REJECTED, STAFF),
    (Billing.PAY, Action.START): ({S.APPROVED}, S.IN_PROGRESS, STAFF),
    (Billing.PAY, Action.COMPLETE): ({S.IN_PROGRESS}, S.COMPLETED, STAFF),
    (Billing.SBP, Action.CANCEL): ({S.SUBMITTED}, S.CANCELLED, MANAGER),
    (Billing.SBP, Action.APPROVE): ({S.SUBMITTED}, S.APPROVED, STAFF),
    (Billing.SBP, Action.REJECT): ({S.SUBMITTED}, S.REJECTED, STAFF),
    (Billing.SBP, Action.START): ({S.APPROVED}, S.IN_PROGRESS, STAFF),
    (Billing.SBP, Action.COMPLETE): ({S.IN_PROGRESS}, S.COMPLETED, STAFF),
}
ROLES_THAT_EVER_TAKE = {
    action: {role for (_b, a), (_s, _t, roles) in EXPECTED.items() if a is action for role in roles}
    for action in Action
}


@pytest.mark.parametrize(
    ("billing", "status", "action", "role"),
    list(itertools.product(Billing, OrderStatus, Action, Role)),
)
def test_every_combination_of_billing_status_action_and_role(billing, status, action, role) -> None:
    expected = EXPECTED.get((billing, action))
    if role not in ROLES_THAT_EVER_TAKE[action]:
        with pytest.raises(PermissionDenied):
            domain.next_status(billing, status, action, role)
    elif expected is not None and status in expected[0] and role in expected[2]:
        assert domain.next_status(billing, status, action, role) is expected[1]
    else:
        with pytest.raises(Conflict) as refused:
            domain.next_status(billing, status, action, role)
        assert refused.value.params["status"] == domain.STATUS_LABELS[status]


def test_final_statuses_allow_nothing() -> None:
    for billing, status, role in itertools.product(Billing, domain.FINAL_STATUSES, Role):
        assert domain.allowed_actions(billing, status, role) == []


def test_sbp_orders_are_never_quoted() -> None:
    assert all(
        t.action not in (Action.QUOTE, Action.ACCEPT, Action.DECLINE) for t in domain.TRANSITIONS[Billing.SBP]
    )


def test_members_take_no_action_on_orders() -> None:
    for billing, status in itertools.product(Billing, OrderStatus):
        assert domain.allowed_actions(billing, status, Role.CUSTOMER_MEMBER) == []


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Role))), max_size=30))
def test_any_sequence_of_moves_follows_the_lifecycle(moves) -> None:
    """Whatever anyone tries, a PAY order only ever reaches a status through its transitions, and
    nothing leaves a final status."""
    status = S.SUBMITTED
    for action, role in moves:
        try:
            new = domain.next_status(Billing.PAY, status, action, role)
        except (Conflict, PermissionDenied):
            continue
        assert status not in domain.FINAL_STATUSES
        assert (status, new) in {
            (src, EXPECTED[(Billing.PAY, action)][1]) for src in EXPECTED[(Billing.PAY, action)][0]
        }
        status = new


@pytest.mark.parametrize(
    ("raw", "unit", "hundredths"),
    [
        ("1", Unit.HOUR, 100),
        ("1.25", Unit.HOUR, 125),
        ("0.25", Unit.HOUR, 25),
        ("2.5", Unit.DAY, 250),
        ("3", Unit.PIECE, 300),
    ],
)
def test_quantities_in_their_units(raw, unit, hundredths) -> None:
    assert domain.quantity_hundredths(Decimal(raw), unit) == hundredths


@pytest.mark.parametrize(
    ("raw", "unit"),
    [
        ("0", Unit.HOUR),
        ("-1", Unit.HOUR),
        ("1.5", Unit.PIECE),
        ("0.3", Unit.HOUR),
        ("1.25", Unit.DAY),
        ("NaN", Unit.HOUR),
        ("Infinity", Unit.DAY),
        ("1e9", Unit.HOUR),
        ("1001", Unit.PIECE),
        ("lots", Unit.HOUR),
    ],
)
def test_bad_quantities_are_refused(raw, unit) -> None:
    with pytest.raises(InvalidInput) as refused:
        domain.quantity_hundredths(raw, unit)
    assert refused.value.field == "quantity"


@given(st.integers(min_value=1, max_value=8000))
def test_every_quarter_hour_is_a_valid_quantity_and_prints_back(quarters: int) -> None:
    hundredths = domain.quantity_hundredths(Decimal(quarters) / 4, Unit.HOUR)
    assert hundredths == quarters * 25
    assert Decimal(domain.quantity_text(hundredths)) == Decimal(quarters) / 4


def test_description_and_notes() -> None:
    assert domain.check_description("  Potřebujeme školení.  ") == "Potřebujeme školení."
    for bad in ("", "   ", "x" * 4001):
        with pytest.raises(InvalidInput):
            domain.check_description(bad)
    with pytest.raises(InvalidInput) as refused:
        domain.check_note(" ", field="reason", required=True)
    assert refused.value.field == "reason"


def test_dates_before_today_are_refused() -> None:
    today = date(2026, 11, 25)
    assert domain.check_future_date(today, today, field="preferred_date") == today
    assert domain.check_future_date(None, today, field="preferred_date") is None
    with pytest.raises(InvalidInput):
        domain.check_future_date(date(2026, 11, 24), today, field="preferred_date")


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_work_logs_are_between_one_minute_and_a_day(minutes: int) -> None:
    with pytest.raises(InvalidInput):
        domain.check_minutes(minutes)


def price(billing: Billing, quantity: int, sla_discount: int = 0) -> tuple[int, int, int]:
    amount = domain.price(
        billing,
        pay_price=165_000,
        sbp_price=140_000,
        quantity=quantity,
        vat_rate=21,
        sla_discount=sla_discount,
    )
    return amount.net, amount.vat, amount.gross


def test_pay_is_priced_at_the_list_rate_less_the_sla_discount_and_vat_on_what_is_left() -> None:
    # 1.5 h at 1 650 Kč: 2 475 Kč net, 21 % VAT 519,75 Kč
    assert price(Billing.PAY, 150) == (247_500, 51_975, 299_475)
    # 10 % off: 2 227,50 Kč net; VAT 467,775 Kč rounds half up to 467,78 Kč
    assert price(Billing.PAY, 150, sla_discount=10) == (222_750, 46_778, 269_528)


def test_sbp_is_priced_at_the_sbp_rate_and_no_discount_applies() -> None:
    assert price(Billing.SBP, 150) == (210_000, 44_100, 254_100)
    assert price(Billing.SBP, 150, sla_discount=10) == (210_000, 44_100, 254_100)


def test_each_step_of_a_price_rounds_half_up_to_the_haler() -> None:
    # 0.25 h at 333,33 Kč = 83,3325 Kč → 83,33; 15 % off 12,4995 → 12,50, so 70,83; VAT 14,8743 → 14,87
    amount = domain.price(
        Billing.PAY, pay_price=33_333, sbp_price=0, quantity=25, vat_rate=21, sla_discount=15
    )
    assert (amount.net, amount.vat, amount.gross) == (7_083, 1_487, 8_570)
    half = domain.price(Billing.SBP, pay_price=0, sbp_price=1, quantity=50, vat_rate=21)
    assert (half.net, half.vat, half.gross) == (1, 0, 1)


@given(
    st.integers(0, 10**7),
    st.integers(1, 10**6),
    st.integers(0, 100),
    st.sampled_from([0, 12, 21]),
)
def test_a_price_is_net_plus_vat_and_a_discount_never_raises_it(unit_price, quantity, discount, vat) -> None:
    def pay(sla_discount: int):
        return domain.price(
            Billing.PAY,
            pay_price=unit_price,
            sbp_price=0,
            quantity=quantity,
            vat_rate=vat,
            sla_discount=sla_discount,
        )

    full, discounted = pay(0), pay(discount)
    assert full.gross == full.net + full.vat and discounted.gross == discounted.net + discounted.vat
    assert 0 <= discounted.net <= full.net
    sbp = domain.price(Billing.SBP, pay_price=0, sbp_price=unit_price, quantity=quantity, vat_rate=vat)
    assert (sbp.net, sbp.vat, sbp.gross) == (full.net, full.vat, full.gross)


def test_routing_follows_the_spec_order() -> None:
    nothing = Entitlements()
    assert domain.route_request(nothing, sbp_estimate=100) is SupportLevel.PAY
    alc = Entitlements(alc_products=frozenset({"CATIA V5"}))
    assert domain.route_request(alc, sbp_estimate=100, incident_product="CATIA V5") is SupportLevel.HOTLINE
    assert domain.route_request(alc, sbp_estimate=100, incident_product="SIMULIA") is SupportLevel.PAY
    sla = Entitlements(sla_active=True, sbp_balance=10**9)
    assert domain.route_request(sla, sbp_estimate=100) is SupportLevel.SLA
    credit = Entitlements(sbp_balance=1_000)
    assert domain.route_request(credit, sbp_estimate=1_000) is SupportLevel.SBP
    assert domain.route_request(credit, sbp_estimate=1_001) is SupportLevel.PAY
    assert domain.route_request(credit, sbp_estimate=None) is SupportLevel.PAY


def test_order_numbers() -> None:
    assert domain.order_number(2026, 42) == "OBJ-2026-00042"


def test_a_status_literal_writes_sorted_status_names_into_the_sql_and_nothing_else() -> None:
    """The partial indexes' predicates, as literals (db.status_literal); anything but a status
    name is refused, so no text from outside can reach the SQL this way."""
    from backend.db import status_literal
    from backend.orders.tables import ServiceOrder

    assert status_literal(ServiceOrder.status, ["submitted", "accepted"]).querystring.template == (
        "\"service_order\".\"status\" IN ('accepted', 'submitted')"
    )
    assert status_literal(ServiceOrder.status, ["quoted"]).querystring.template == (
        '"service_order"."status" = \'quoted\''
    )
    members = status_literal(ServiceOrder.status, [OrderStatus.SUBMITTED, OrderStatus.ACCEPTED])
    assert members.querystring.template == "\"service_order\".\"status\" IN ('accepted', 'submitted')"
    for bad in (["x'); DROP TABLE service_order; --"], [], ["Quoted"]):
        with pytest.raises(ValueError):
            status_literal(ServiceOrder.status, bad)


# --- a quote far above its estimate asks for a confirmation -----------------------------------------


@pytest.mark.parametrize(
    ("quote", "estimate", "unusual"),
    [
        (100_000_000_000, 1_197_900, True),  # the 1 000 000 000 Kč quote of an 11 979 Kč estimate
        (3_000_00, 1_000_00, False),  # exactly three times: still a price
        (3_000_01, 1_000_00, True),  # a haléř more: asked about
        (1_000_00, 1_000_00, False),
        (50_00, 1_000_00, False),  # far below is a discount, not a slip
        (1_000_000_00, 0, False),  # nothing to compare with
    ],
)
def test_a_quote_over_three_times_its_estimate_is_unusual(quote: int, estimate: int, unusual: bool) -> None:
    assert domain.quote_is_unusual(quote, estimate) is unusual


@given(estimate=st.integers(min_value=1, max_value=10**11), quote=st.integers(min_value=0, max_value=10**12))
def test_an_unusual_quote_is_exactly_one_above_the_factor(estimate: int, quote: int) -> None:
    assert domain.quote_is_unusual(quote, estimate) == (quote > domain.UNUSUAL_QUOTE_FACTOR * estimate)
    # raising an unusual quote keeps it unusual; lowering a usual one keeps it usual
    if domain.quote_is_unusual(quote, estimate):
        assert domain.quote_is_unusual(quote + 1, estimate)
    elif quote > 0:
        assert not domain.quote_is_unusual(quote - 1, estimate)
