"""The Hotline as a team works it: assignment, internal notes, merging duplicates, time on
tickets (and into the converted order), satisfaction ratings, canned replies, and the reports."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.audit.tables import AuditEvent
from backend.db import json_value
from backend.notifications.sender import send_all_due
from backend.notifications.tables import OutboxMessage
from backend.orders.tables import ServiceOrder, WorkLog
from backend.tickets.tables import Ticket, TicketMessage, TicketRating
from tests.helpers import load_catalogue, make_client, register, signed_in_staff
from tests.integration.test_tickets import give_alc, ticket

pytestmark = pytest.mark.db

PRODUCT = "CATIA V5 MD2 × 3"
PRAGUE = ZoneInfo("Europe/Prague")
SECRET = "PoznamkaProTym-7f3a"  # a word only an internal note holds


@asynccontextmanager
async def team(app, anonymous):
    """A customer company with ALC (``anonymous`` is its manager, in English), a second engineer,
    and the signed-in engineer Jana and staff admin."""
    await load_catalogue()
    me = await register(anonymous, language="en", email="manager@example.cz", full_name="Karel Zákazník")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, name="Vedoucí Eva") as admin:
        await give_alc(admin, me["company"]["id"])
        async with signed_in_staff(app, "petr@example.cz", name="Petr Druhý") as petr:
            async with signed_in_staff(app) as jana:
                yield me, admin, jana, petr


async def open_ticket(customer, **overrides) -> dict:
    response = await customer.post("/api/v1/tickets", json=ticket(product=PRODUCT, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def user_id(client) -> int:
    return (await client.get("/api/v1/me")).json()["user"]["id"]


# --- internal notes ---------------------------------------------------------------------------------


async def test_a_customer_cannot_read_an_internal_note_by_any_path(anonymous, app, smtp) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        opened = await open_ticket(anonymous)
        tid = opened["id"]
        await send_all_due()
        before = len(smtp.inbox.messages)
        note = await jana.post(
            f"/api/v1/staff/tickets/{tid}/messages", json={"body": f"Zavolej mu. {SECRET}", "internal": True}
        )
        assert note.status_code == 201, note.text
        body = note.json()
        # a note is no answer: the status, the clock and the first response stay as they were
        assert body["status"] == "new" and body["first_responded_at"] is None
        assert body["next_due"] == opened["next_due"]
        assert [m["internal"] for m in body["messages"]] == [True]
        # the staff page shows it, marked as a note
        staff_page = await jana.get(f"/staff/tickets/{tid}")
        assert SECRET in staff_page.text and "internal-note" in staff_page.text
        # no e-mail at all went out for the note
        assert await send_all_due() == 0 and len(smtp.inbox.messages) == before
        answer = await jana.post(f"/api/v1/staff/tickets/{tid}/messages", json={"body": "Hotovo, zkuste to."})
        assert answer.status_code == 201
        await send_all_due()
        await jana.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Vyřešeno."})
        await send_all_due()

    # the customer: API detail, list with threads, the page, the e-mails
    detail = await anonymous.get(f"/api/v1/tickets/{tid}")
    assert detail.status_code == 200
    assert SECRET not in detail.text and all(not m["internal"] for m in detail.json()["messages"])
    assert [m["body"] for m in detail.json()["messages"]] == ["Hotovo, zkuste to.", "Vyřešeno."]
    listed = await anonymous.get("/api/v1/tickets")
    assert SECRET not in listed.text and len(listed.json()["items"][0]["messages"]) == 2
    for path in (f"/tickets/{tid}", "/tickets", "/dashboard"):
        page = await anonymous.get(path)
        assert page.status_code == 200 and SECRET not in page.text, path
    to_customer = [m for m in smtp.inbox.messages if m["To"] == "manager@example.cz"]
    assert to_customer, "the answer and the resolution were e-mailed"
    for mail in to_customer:
        assert SECRET not in mail.as_string()
    assert all(SECRET not in row["context"] for row in await OutboxMessage.select(OutboxMessage.context))
    # and a customer cannot write one
    refused = await anonymous.post(f"/api/v1/tickets/{tid}/messages", json={"body": "x", "internal": True})
    assert refused.status_code == 403
    assert await TicketMessage.count().where(TicketMessage.body == "x") == 0


async def test_a_note_cannot_ask_the_customer(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        refused = await jana.post(
            f"/api/v1/staff/tickets/{tid}/messages",
            json={"body": "Poznámka", "internal": True, "wait_for_customer": True},
        )
        assert refused.status_code == 422
        assert await TicketMessage.count() == 0


# --- assignment -------------------------------------------------------------------------------------


async def test_take_assign_and_the_queue_filters(anonymous, app) -> None:
    async with team(app, anonymous) as (me, _admin, jana, petr):
        first = (await open_ticket(anonymous, priority="critical"))["id"]
        second = (await open_ticket(anonymous, priority="low"))["id"]
        await OutboxMessage.delete(force=True)
        taken = await jana.post(f"/api/v1/staff/tickets/{first}/take")
        assert taken.status_code == 200 and taken.json()["assignee"]["name"] == "Jana Technická"
        assert await OutboxMessage.count() == 0  # taking one yourself tells nobody
        petr_id = await user_id(petr)
        assigned = await jana.post(f"/api/v1/staff/tickets/{second}/assignee", json={"user_id": petr_id})
        assert assigned.status_code == 200 and assigned.json()["assignee"]["id"] == petr_id
        mails = await OutboxMessage.select().where(OutboxMessage.kind == "ticket_assigned")
        assert [m["recipient_email"] for m in mails] == ["petr@example.cz"]
        # the same assignment again tells nobody twice
        await jana.post(f"/api/v1/staff/tickets/{second}/assignee", json={"user_id": petr_id})
        assert await OutboxMessage.count().where(OutboxMessage.kind == "ticket_assigned") == 1
        # only the support team can be assigned
        customer_id = me["user"]["id"]
        wrong = await jana.post(f"/api/v1/staff/tickets/{second}/assignee", json={"user_id": customer_id})
        assert wrong.status_code == 422 and wrong.json()["errors"].keys() == {"user_id"}

        async def numbers(query: str) -> list[int]:
            response = await jana.get(f"/api/v1/staff/tickets?{query}")
            assert response.status_code == 200, response.text
            return [t["id"] for t in response.json()]

        assert await numbers("assigned=mine") == [first]
        assert await numbers("assigned=mine") == [first]
        assert sorted(await numbers(f"company={me['company']['id']}")) == sorted([first, second])
        assert await numbers("company=99999") == []
        assert await numbers("priority=low") == [second]
        unassigned = await jana.post(f"/api/v1/staff/tickets/{second}/assignee", json={"user_id": None})
        assert unassigned.json()["assignee"] is None
        assert await numbers("assigned=unassigned") == [second]
        assert (await jana.get("/api/v1/staff/tickets?assigned=someone")).status_code == 422
        page = await jana.get("/staff/tickets?assigned=mine")
        assert page.status_code == 200 and "Jana Technická" in page.text
        history = await AuditEvent.select(AuditEvent.action).where(AuditEvent.object_id == second)
        assert [e["action"] for e in history if e["action"].endswith("assigned")] == [
            "ticket.assigned",
            "ticket.unassigned",
        ]
    # customers see no assignment endpoints
    assert (await anonymous.post(f"/api/v1/staff/tickets/{first}/take")).status_code == 403


# --- merge ------------------------------------------------------------------------------------------


async def test_merging_moves_every_message_once_in_time_order(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        target = await open_ticket(anonymous, subject="Padá CATIA")
        await jana.post(f"/api/v1/staff/tickets/{target['id']}/messages", json={"body": "T1"})
        duplicate = await open_ticket(anonymous, subject="Zase padá CATIA", description="Duplikát.")
        await anonymous.post(f"/api/v1/tickets/{duplicate['id']}/messages", json={"body": "D1"})
        await jana.post(
            f"/api/v1/staff/tickets/{duplicate['id']}/messages", json={"body": "D2", "internal": True}
        )
        await anonymous.post(f"/api/v1/tickets/{target['id']}/messages", json={"body": "T2"})
        await jana.post(f"/api/v1/staff/tickets/{duplicate['id']}/time-logs", json={"minutes": 15})
        before = {row["id"]: row["body"] for row in await TicketMessage.select()}
        await OutboxMessage.delete(force=True)
        await jana.put("/api/v1/me/language", json={"language": "cs"})  # the engineer works in Czech

        merged = await jana.post(
            f"/api/v1/staff/tickets/{duplicate['id']}/merge", json={"target_number": target["number"].lower()}
        )
        assert merged.status_code == 200, merged.text
        assert merged.json()["status"] == "closed" and merged.json()["merged_into_id"] == target["id"]
        assert merged.json()["merged_into_number"] == target["number"] and merged.json()["messages"] == []
        thread = (await jana.get(f"/api/v1/staff/tickets/{target['id']}")).json()["messages"]
        # every message exactly once, the duplicate's report among them, in time order
        after = {m["id"]: m["body"] for m in thread}
        assert set(before.items()) <= set(after.items()) and len(after) == len(before) + 1
        assert [m["at"] for m in thread] == sorted(m["at"] for m in thread)
        bodies = [m["body"] for m in thread]
        assert bodies[0] == "T1" and bodies[-1] == "T2" and bodies.index("D1") < bodies.index("D2")
        # the reporter reads English (the engineer's page language does not decide it)
        assert f"(Reported as {duplicate['number']}: Zase padá CATIA)\n\nDuplikát." in bodies
        await jana.put("/api/v1/me/language", json={"language": "en"})
        assert (await jana.get(f"/api/v1/staff/tickets/{target['id']}/time-logs")).json()[
            "total_minutes"
        ] == 15
        # the customer is told, sees the link, and not the note
        assert await OutboxMessage.count().where(OutboxMessage.kind == "ticket_merged") == 1
        page = await anonymous.get(f"/tickets/{duplicate['id']}")
        assert f'href="/tickets/{target["id"]}"' in page.text and target["number"] in page.text
        assert "D2" not in [
            m["body"] for m in (await anonymous.get(f"/api/v1/tickets/{target['id']}")).json()["messages"]
        ]
        # both histories say so
        actions = {
            (e["action"], e["object_id"])
            for e in await AuditEvent.select(AuditEvent.action, AuditEvent.object_id)
        }
        assert {("ticket.merged", duplicate["id"]), ("ticket.merged_in", target["id"])} <= actions
        # a merged ticket cannot be merged again, nor take a reply
        again = await jana.post(
            f"/api/v1/staff/tickets/{duplicate['id']}/merge", json={"target_number": target["number"]}
        )
        assert again.status_code == 422
        late = await jana.post(f"/api/v1/staff/tickets/{duplicate['id']}/time-logs", json={"minutes": 5})
        assert late.status_code == 422 and "merged" in late.json()["errors"]["minutes"]
        into_merged = await jana.post(
            f"/api/v1/staff/tickets/{target['id']}/merge", json={"target_number": duplicate["number"]}
        )
        assert into_merged.status_code == 422


async def test_merges_that_are_refused_say_why_and_change_nothing(anonymous, app) -> None:
    async with team(app, anonymous) as (_, admin, jana, _petr):
        mine = await open_ticket(anonymous)
        other = await open_ticket(anonymous)
        async with make_client(app) as stranger:
            them = await register(stranger, language="en", email="jiny@example.cz")
            await give_alc(admin, them["company"]["id"])
            theirs = await open_ticket(stranger)

        async def refused(ticket_id: int, number: str) -> str:
            response = await jana.post(
                f"/api/v1/staff/tickets/{ticket_id}/merge", json={"target_number": number}
            )
            assert response.status_code == 422, response.text
            return response.json()["errors"]["target_number"]

        assert "same company" in await refused(mine["id"], theirs["number"])
        assert "itself" in await refused(mine["id"], mine["number"])
        assert "no ticket" in await refused(mine["id"], "HD-1999-00001")
        await jana.post(f"/api/v1/staff/tickets/{other['id']}/resolve")
        await anonymous.post(f"/api/v1/tickets/{other['id']}/close")
        assert "closed" in await refused(mine["id"], other["number"])
        converted = await jana.post(
            f"/api/v1/staff/tickets/{mine['id']}/convert", json={"service_code": "MACROS", "quantity": 1}
        )
        assert converted.status_code == 201
        third = await open_ticket(anonymous)
        assert "PAY order" in await refused(mine["id"], third["number"])
        assert await Ticket.count().where(Ticket.merged_into.is_not_null()) == 0


async def test_two_merges_of_one_pair_at_once_leave_one_merged(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        a = await open_ticket(anonymous)
        b = await open_ticket(anonymous)
        await anonymous.post(f"/api/v1/tickets/{a['id']}/messages", json={"body": "A1"})
        await anonymous.post(f"/api/v1/tickets/{b['id']}/messages", json={"body": "B1"})
        answers = await asyncio.gather(
            jana.post(f"/api/v1/staff/tickets/{a['id']}/merge", json={"target_number": b["number"]}),
            jana.post(f"/api/v1/staff/tickets/{b['id']}/merge", json={"target_number": a["number"]}),
        )
        assert sorted(r.status_code for r in answers) == [200, 422]
        assert await Ticket.count().where(Ticket.merged_into.is_not_null()) == 1
        bodies = [m["body"] for m in await TicketMessage.select(TicketMessage.body)]
        assert sorted(b for b in bodies if b in ("A1", "B1")) == ["A1", "B1"]


# --- time ---------------------------------------------------------------------------------------------


async def test_time_logged_carries_into_the_converted_order(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        for minutes, note in ((30, "Analýza logu"), (45, "Vzdálená session")):
            logged = await jana.post(
                f"/api/v1/staff/tickets/{tid}/time-logs", json={"minutes": minutes, "note": note}
            )
            assert logged.status_code == 201, logged.text
        assert logged.json()["total_minutes"] == 75 and len(logged.json()["items"]) == 2
        for wrong in (0, -5, 24 * 60 + 1):
            bad = await jana.post(f"/api/v1/staff/tickets/{tid}/time-logs", json={"minutes": wrong})
            assert bad.status_code == 422 and bad.json()["errors"].keys() == {"minutes"}
        page = await jana.get(f"/staff/tickets/{tid}")
        assert "Analýza logu" in page.text and "1 h 15 min" in page.text
        converted = await jana.post(
            f"/api/v1/staff/tickets/{tid}/convert", json={"service_code": "INTERVENTION", "quantity": 2}
        )
        assert converted.status_code == 201, converted.text
        order_id = converted.json()["order_id"]
        logs = await WorkLog.select().where(WorkLog.order == order_id)
        assert len(logs) == 1 and logs[0]["minutes"] == 75 and logs[0]["credit_drawn"] == 0
        assert converted.json()["number"] in logs[0]["note"] and "1 h 15 min" in logs[0]["note"]
        order = await ServiceOrder.select().where(ServiceOrder.id == order_id).first()
        assert order["logged_minutes"] == 75 and order["unit"] == "hour"
        staff_order = (await jana.get(f"/api/v1/staff/orders/{order_id}")).json()
        assert staff_order["logged_minutes"] == 75
    # customers see no time logs
    assert (await anonymous.get(f"/api/v1/staff/tickets/{tid}/time-logs")).status_code == 403


async def test_a_conversion_without_time_logs_no_work(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        converted = await jana.post(
            f"/api/v1/staff/tickets/{tid}/convert", json={"service_code": "INTERVENTION", "quantity": 1}
        )
        assert await WorkLog.count().where(WorkLog.order == converted.json()["order_id"]) == 0


# --- satisfaction -----------------------------------------------------------------------------------


async def rating_token() -> str:
    mail = (
        await OutboxMessage.select(OutboxMessage.context)
        .where(OutboxMessage.kind == "ticket_resolved")
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    return json_value(mail["context"])["token"]


async def test_one_rating_per_resolution_and_a_new_one_after_reopening(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{tid}/take")
        early = await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "good"})
        assert early.status_code == 409  # nothing resolved yet
        resolved = await jana.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Hotovo."})
        assert resolved.json()["rating"]["verdict"] is None
        page = await anonymous.get(f"/tickets/{tid}")
        assert 'name="verdict"' in page.text
        bad = await anonymous.post(
            f"/api/v1/tickets/{tid}/rating", json={"verdict": "bad", "comment": "Pořád to padá."}
        )
        assert bad.status_code == 200, bad.text
        assert (
            bad.json()["rating"]["verdict"] == "bad" and bad.json()["rating"]["engineer"] == "Jana Technická"
        )
        twice = await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "good"})
        assert twice.status_code == 409
        assert 'name="verdict"' not in (await anonymous.get(f"/tickets/{tid}")).text
        # the bad rating is on the staff page; the reopened ticket carries it in the queue
        assert "Pořád to padá." in (await jana.get(f"/staff/tickets/{tid}")).text
        await anonymous.post(f"/api/v1/tickets/{tid}/messages", json={"body": "Znovu."})
        queue = (await jana.get("/api/v1/staff/tickets")).json()
        assert queue[0]["rating"]["verdict"] == "bad"
        assert "rating-bad" in (await jana.get("/staff/tickets")).text
        # resolved again: asked again, and the new rating is given once
        await jana.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Teď už ano."})
        again = await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "good"})
        assert again.status_code == 200 and again.json()["rating"]["resolution"] == 2
        rows = await TicketRating.select().where(TicketRating.ticket == tid).order_by(TicketRating.resolution)
        assert [(r["resolution"], r["good"]) for r in rows] == [(1, False), (2, True)]
        bad_verdict = await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "meh"})
        assert bad_verdict.status_code == 400 or bad_verdict.status_code == 422
        assert (await jana.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "good"})).status_code == 403


async def test_the_emailed_link_rates_without_signing_in_once(anonymous, app, smtp) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Hotovo."})
        token = await rating_token()
        await send_all_due()
    mail = next(m for m in smtp.inbox.messages if m["Subject"].startswith("Your ticket"))
    assert f"/ticket-rating/{token}" in mail.get_body(preferencelist=("plain",)).get_content()
    # the link's secret is gone from the outbox once delivered
    assert "token" not in str(
        await OutboxMessage.select(OutboxMessage.context)
        .where(OutboxMessage.kind == "ticket_resolved")
        .first()
    )
    async with make_client(app) as nobody:
        page = await nobody.get(f"/ticket-rating/{token}?verdict=good")
        assert page.status_code == 200 and 'value="good" checked' in page.text
        missing = await nobody.post(f"/ticket-rating/{token}", data={"comment": "?"})
        assert missing.status_code == 422 and 'id="verdict-error"' in missing.text
        done = await nobody.post(f"/ticket-rating/{token}", data={"verdict": "good", "comment": "Díky"})
        assert done.status_code == 200, done.text
        used = await nobody.post(f"/ticket-rating/{token}", data={"verdict": "bad"})
        assert used.status_code == 404
        assert (await nobody.get(f"/ticket-rating/{token}")).status_code == 404
        assert (await nobody.get("/ticket-rating/not-a-token")).status_code == 404
    row = await TicketRating.select().where(TicketRating.ticket == tid).first()
    assert row["good"] is True and row["comment"] == "Díky"


async def test_a_reopened_tickets_old_link_no_longer_works(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{tid}/resolve")
        old = await rating_token()
        await anonymous.post(f"/api/v1/tickets/{tid}/messages", json={"body": "Nejde to."})
        async with make_client(app) as nobody:
            assert (await nobody.post(f"/ticket-rating/{old}", data={"verdict": "good"})).status_code == 404
            await jana.post(f"/api/v1/staff/tickets/{tid}/resolve")
            assert (await nobody.post(f"/ticket-rating/{old}", data={"verdict": "good"})).status_code == 404
            new = await rating_token()
            assert new != old
            assert (await nobody.post(f"/ticket-rating/{new}", data={"verdict": "good"})).status_code == 200


# --- canned replies -----------------------------------------------------------------------------------


async def test_canned_replies_are_kept_by_staff_admin_and_filled_for_a_ticket(anonymous, app) -> None:
    async with team(app, anonymous) as (_, admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        unknown = await admin.post(
            "/api/v1/staff/canned-replies",
            json={"title": "Pozdrav", "body_cs": "Dobrý den {zakaznik}", "body_en": "Hello {customer}"},
        )
        assert unknown.status_code == 422
        fields = unknown.json()["errors"]
        assert set(fields) == {"body_cs", "body_en"} and "{zakaznik}" in fields["body_cs"]
        brace = await admin.post("/api/v1/staff/canned-replies", json={"title": "X", "body_cs": "Dobrý {den"})
        assert brace.status_code == 422
        created = await admin.post(
            "/api/v1/staff/canned-replies",
            json={
                "title": "Restart licence",
                "body_cs": "Dobrý den, {customer_name}, k {ticket_number}: restartujte licenci. "
                "{engineer_name}",
                "body_en": "Hello {customer_name}, about {ticket_number}: restart the licence. "
                "{engineer_name}",
            },
        )
        assert created.status_code == 201, created.text
        reply_id = created.json()["id"]
        assert (
            await jana.post("/api/v1/staff/canned-replies", json={"title": "a", "body_cs": "b"})
        ).status_code == 403
        listed = await jana.get("/api/v1/staff/canned-replies")
        assert [r["title"] for r in listed.json()] == ["Restart licence"]
        number = (await jana.get(f"/api/v1/staff/tickets/{tid}")).json()["number"]
        filled = (await jana.get(f"/api/v1/staff/canned-replies/{reply_id}/filled/{tid}")).json()
        # the reporter uses the portal in English
        assert filled["language"] == "en"
        assert filled["body"] == f"Hello Karel Zákazník, about {number}: restart the licence. Jana Technická"
        updated = await admin.put(
            f"/api/v1/staff/canned-replies/{reply_id}",
            json={"title": "Restart", "body_cs": "Ahoj {customer_name}"},
        )
        assert updated.status_code == 200 and updated.json()["body_en"] == ""
        czech = (await jana.get(f"/api/v1/staff/canned-replies/{reply_id}/filled/{tid}")).json()
        assert czech == {
            "canned_reply_id": reply_id,
            "ticket_id": tid,
            "language": "cs",
            "body": "Ahoj Karel Zákazník",
        }
        # the page without JavaScript: a GET re-renders the ticket with the box filled
        page = await jana.get(f"/staff/tickets/{tid}?canned_reply={reply_id}")
        assert page.status_code == 200 and ">Ahoj Karel Zákazník</textarea>" in page.text
        fragment = await jana.get(
            f"/staff/tickets/{tid}/canned?canned_reply={reply_id}", headers={"HX-Request": "true"}
        )
        assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="reply-body">')
        assert (await admin.delete(f"/api/v1/staff/canned-replies/{reply_id}")).status_code == 204
        assert (await jana.get(f"/api/v1/staff/canned-replies/{reply_id}/filled/{tid}")).status_code == 404
        gone = await jana.get(f"/staff/tickets/{tid}?canned_reply={reply_id}")
        assert gone.status_code == 200 and "no such canned reply" in gone.text
    assert (await anonymous.get("/api/v1/staff/canned-replies")).status_code == 403


# --- reports ------------------------------------------------------------------------------------------


async def test_reports_show_time_per_company_and_satisfaction_per_engineer(anonymous, app) -> None:
    async with team(app, anonymous) as (me, admin, jana, petr):
        first = (await open_ticket(anonymous))["id"]
        second = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{first}/time-logs", json={"minutes": 40})
        await petr.post(f"/api/v1/staff/tickets/{second}/time-logs", json={"minutes": 20})
        await jana.post(f"/api/v1/staff/tickets/{first}/take")
        await petr.post(f"/api/v1/staff/tickets/{second}/take")
        for tid, verdict in ((first, "good"), (second, "bad")):
            await jana.post(f"/api/v1/staff/tickets/{tid}/resolve")
            assert (
                await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": verdict})
            ).status_code == 200
        report = (await admin.get("/api/v1/staff/reports")).json()
        month = report["months"][-1]
        assert report["bad_comments"] == []  # a bad rating without a comment lists nothing
        assert report["ticket_time"] == [
            {
                "month": month,
                "company_id": me["company"]["id"],
                "company": "Test s.r.o.",
                "contract": "alc",
                "tickets": 2,
                "minutes": 60,
            }
        ]
        assert report["satisfaction"][-1] == {"month": month, "good": 1, "bad": 1, "share_good_percent": 50}
        engineers = {row["engineer"]: (row["good"], row["bad"]) for row in report["satisfaction_by_engineer"]}
        assert engineers == {"Jana Technická": (1, 0), "Petr Druhý": (0, 1)}
        page = await admin.get("/staff/reports")
        assert page.status_code == 200 and "Petr Druhý" in page.text and "1 h" in page.text
        csv = (await admin.get("/staff/reports/ticket-time/csv")).content.decode("utf-8-sig")
        assert f"{month};Test s.r.o.;ALC;2;60" in csv


async def test_the_staff_ticket_page_tells_the_tickets_history(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, petr):
        tid = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{tid}/take")
        await jana.post(f"/api/v1/staff/tickets/{tid}/assignee", json={"user_id": await user_id(petr)})
        await jana.post(f"/api/v1/staff/tickets/{tid}/messages", json={"body": "Pro tým", "internal": True})
        page = (await petr.get(f"/staff/tickets/{tid}")).text
        history = page[page.index("<details>") :]
        for said in (
            "opened the Hotline ticket",
            "assigned the ticket",
            "Petr Druhý",
            "left an internal note on the ticket",
        ):
            assert said in history, said


async def test_time_logged_late_on_the_last_evening_counts_in_the_next_prague_month(anonymous, app) -> None:
    from datetime import UTC, datetime

    from backend.clock import now
    from backend.tickets.tables import TicketTime

    async with team(app, anonymous) as (_, admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        for minutes in (10, 20):
            await jana.post(f"/api/v1/staff/tickets/{tid}/time-logs", json={"minutes": minutes})
        this_month = now().astimezone(PRAGUE)
        first_day = datetime(this_month.year, this_month.month, 1, tzinfo=PRAGUE)
        last_evening = first_day.astimezone(UTC) - timedelta(minutes=30)  # 23:30 Prague, the day before
        late = last_evening + timedelta(hours=1)  # past Prague midnight: the current month
        await TicketTime.update({TicketTime.logged_at: last_evening}).where(TicketTime.minutes == 10)
        await TicketTime.update({TicketTime.logged_at: late}).where(TicketTime.minutes == 20)
        report = (await admin.get("/api/v1/staff/reports")).json()
        by_month = {row["month"]: row["minutes"] for row in report["ticket_time"]}
        previous = (first_day - timedelta(days=1)).strftime("%Y-%m")
        assert by_month == {previous: 10, first_day.strftime("%Y-%m"): 20}


async def test_two_ratings_of_one_resolution_at_once_keep_one(anonymous, app) -> None:
    async with team(app, anonymous) as (_, _admin, jana, _petr):
        tid = (await open_ticket(anonymous))["id"]
        await jana.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Hotovo."})
        token = await rating_token()
        async with make_client(app) as nobody:
            answers = await asyncio.gather(
                anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "good"}),
                nobody.post(f"/ticket-rating/{token}", data={"verdict": "bad"}),
                anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"verdict": "bad"}),
            )
        assert sorted(a.status_code for a in answers).count(200) == 1, [a.status_code for a in answers]
        rows = await TicketRating.select().where(TicketRating.ticket == tid)
        assert len(rows) == 1 and rows[0]["rated_at"] is not None


async def test_reports_round_the_share_half_up_and_list_the_bad_ratings_comments(anonymous, app) -> None:
    """4 good and 2 bad is 67 %, not 66 %; what the customers wrote with a bad rating is listed,
    latest first, each with its ticket's number linked to the ticket."""
    async with team(app, anonymous) as (_, admin, jana, _petr):
        said = []
        for index, verdict in enumerate(["good", "bad", "good", "good", "bad", "good"]):
            tid = (await open_ticket(anonymous))["id"]
            await jana.post(f"/api/v1/staff/tickets/{tid}/take")
            await jana.post(f"/api/v1/staff/tickets/{tid}/resolve")
            comment = f"Komentář {index}" if verdict == "bad" else ""
            rated = await anonymous.post(
                f"/api/v1/tickets/{tid}/rating", json={"verdict": verdict, "comment": comment}
            )
            assert rated.status_code == 200, rated.text
            if comment:
                number = (await jana.get(f"/api/v1/staff/tickets/{tid}")).json()["number"]
                said.append((tid, number, comment))
        report = (await admin.get("/api/v1/staff/reports")).json()
        assert report["satisfaction"][-1]["share_good_percent"] == 67
        assert [row["share_good_percent"] for row in report["satisfaction_by_engineer"]] == [67]
        latest_first = list(reversed(said))
        assert [
            (c["ticket_id"], c["ticket_number"], c["comment"]) for c in report["bad_comments"]
        ] == latest_first
        assert all(c["engineer"] == "Jana Technická" for c in report["bad_comments"])
        page = (await admin.get("/staff/reports")).text
        assert "67 %" in page
        listed = page[page.index('<ul class="bad-comments"') :]
        positions = [
            listed.index(f'<a href="/staff/tickets/{tid}">{number}</a>') for tid, number, _ in latest_first
        ]
        assert positions == sorted(positions) and all(c in listed for _, _, c in said)
