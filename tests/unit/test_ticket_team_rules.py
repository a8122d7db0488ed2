"""Pure rules of the team's Hotline: time per Prague month, merge refusals, canned placeholders."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.canned import domain as canned
from backend.errors import InvalidInput
from backend.tickets.domain import MergeSide, TicketStatus, check_merge
from backend.tickets.schemas import TimeLogIn
from backend.tickets.time import MAX_MINUTES, check_time, minutes_per_month, month_of

PRAGUE = ZoneInfo("Europe/Prague")
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
entries = st.lists(st.tuples(instants, st.integers(min_value=1, max_value=MAX_MINUTES)), max_size=40)


def test_a_log_late_on_the_last_evening_belongs_to_the_next_month_in_prague() -> None:
    assert month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "2026-02"
    assert month_of(datetime(2026, 1, 31, 22, 59, tzinfo=UTC)) == "2026-01"
    # summer time: Prague is two hours ahead
    assert month_of(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == "2026-07"
    assert month_of(datetime(2026, 6, 30, 21, 59, tzinfo=UTC)) == "2026-06"


@given(entries)
def test_monthly_totals_keep_every_minute_once(logged) -> None:
    totals = minutes_per_month(logged)
    assert sum(totals.values()) == sum(minutes for _, minutes in logged)
    assert all(total > 0 for total in totals.values())


@given(entries)
def test_each_log_counts_in_the_month_its_prague_date_falls_in(logged) -> None:
    expected: Counter[str] = Counter()
    for at, minutes in logged:
        expected[at.astimezone(PRAGUE).strftime("%Y-%m")] += minutes
    assert minutes_per_month(logged) == dict(expected)


@given(instants, st.integers(min_value=1, max_value=MAX_MINUTES))
def test_the_same_instant_in_any_zone_is_the_same_month(at, minutes) -> None:
    elsewhere = at.astimezone(ZoneInfo("America/New_York"))
    assert minutes_per_month([(at, minutes)]) == minutes_per_month([(elsewhere, minutes)])


@given(instants)
def test_a_minute_before_prague_midnight_on_the_first_is_the_previous_month(at) -> None:
    local = at.astimezone(PRAGUE)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    before = (first - timedelta(minutes=1)).astimezone(UTC)
    assert month_of(first.astimezone(UTC)) == local.strftime("%Y-%m")
    assert month_of(before) != month_of(first.astimezone(UTC))


@pytest.mark.parametrize("minutes", [0, -1, MAX_MINUTES + 1])
def test_time_out_of_range_is_a_field_error(minutes) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_time(TimeLogIn(minutes=minutes))
    assert refused.value.field == "minutes"


def test_time_in_range_is_kept_with_its_note_trimmed() -> None:
    assert check_time(TimeLogIn(minutes=MAX_MINUTES, note="  Rozbor  ")) == (MAX_MINUTES, "Rozbor")


def side(id_: int = 1, company: int = 1, status=TicketStatus.OPEN, merged_into=None, order=None) -> MergeSide:
    return MergeSide(id=id_, company=company, status=status, merged_into=merged_into, order=order)


@pytest.mark.parametrize(
    ("duplicate", "target", "says"),
    [
        (side(), None, "no ticket"),
        (side(), side(), "itself"),
        (side(), side(2, company=2), "same company"),
        (side(merged_into=3), side(2), "merged already"),
        (side(order=9), side(2), "PAY order"),
        (side(status=TicketStatus.CLOSED), side(2), "closed ticket"),
        (side(), side(2, merged_into=3), "merged into another"),
        (side(), side(2, status=TicketStatus.CLOSED), "is closed"),
    ],
)
def test_a_merge_is_refused_with_the_reason(duplicate, target, says) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_merge(duplicate, target)
    assert refused.value.field == "target_number" and says in refused.value.message


@pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER])
@pytest.mark.parametrize("target_status", [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.RESOLVED])
def test_a_duplicate_goes_into_an_open_or_resolved_ticket_of_its_company(status, target_status) -> None:
    check_merge(side(status=status), side(2, status=target_status))


def test_known_placeholders_are_filled() -> None:
    text = canned.check_body(
        "{customer_name}, {ticket_number}, {engineer_name} {{x}}", field="body_cs", required=True
    )
    filled = canned.fill(text, customer_name="Karel", ticket_number="HD-2026-00001", engineer_name="Jana")
    assert filled == "Karel, HD-2026-00001, Jana {x}"


@pytest.mark.parametrize(
    "body", ["{jmeno}", "Dobrý den {customer}", "{0}", "{customer_name!r}", "{ticket_number:>30}", "{}"]
)
def test_an_unknown_placeholder_is_a_field_error(body) -> None:
    with pytest.raises(InvalidInput) as refused:
        canned.check_body(body, field="body_en", required=True)
    assert refused.value.field == "body_en"


@pytest.mark.parametrize("body", ["Dobrý {den", "konec}", "{customer_name"])
def test_a_lone_brace_is_a_field_error(body) -> None:
    with pytest.raises(InvalidInput) as refused:
        canned.check_body(body, field="body_cs", required=True)
    assert refused.value.field == "body_cs"


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_is_kept_as_it_is(text) -> None:
    if not text.strip():
        return
    body = canned.check_body(text, field="body_cs", required=True)
    assert canned.fill(body, customer_name="a", ticket_number="b", engineer_name="c") == text.strip()


@pytest.mark.parametrize("language", ["cs", "en"])
@pytest.mark.parametrize(
    ("kind", "context", "link"),
    [
        (
            "ticket_assigned",
            {"number": "HD-2026-00001", "ticket_id": 7, "subject": "Pád", "assigned_by": "Eva"},
            "/staff/tickets/7",
        ),
        (
            "ticket_resolved",
            {"number": "HD-2026-00001", "ticket_id": 7, "subject": "Pád", "token": "abc"},
            "/ticket-rating/abc",
        ),
        (
            "ticket_merged",
            {"number": "HD-2026-00002", "target_number": "HD-2026-00001", "ticket_id": 7, "subject": "Pád"},
            "/tickets/7",
        ),
    ],
)
def test_the_team_e_mails_say_it_in_the_readers_language_with_their_link(
    kind, context, link, language
) -> None:
    from backend.notifications.messages import SECRET_KINDS, compose

    message = compose(kind, context, language)
    assert context["number"] in message.subject and link in message.text and "%(" not in message.text
    assert (kind in SECRET_KINDS) == (
        kind == "ticket_resolved"
    )  # the rating link works once: cleared when sent
    if language == "cs":
        assert "požadav" in message.subject.lower()
