"""The team's forms on the staff ticket page, the canned-reply admin page and the rating forms
read into the API's Structs: the same bad value gets the API's message, inline, in both languages."""

from __future__ import annotations

import html
import re

import pytest

from backend.canned.tables import CannedReply
from backend.tickets.tables import Ticket, TicketMessage, TicketRating, TicketTime
from tests.helpers import load_catalogue, register, signed_in_staff
from tests.integration.test_tickets import give_alc, ticket
from tests.web.test_ticket_forms import HTMX, PRODUCT, speak

pytestmark = pytest.mark.db


def inline_error(page: str, field: str) -> str:
    found = re.search(rf'<small id="{field}-error" class="field-error"[^>]*>(.*?)</small>', page, re.S)
    assert found, f"no error slot for {field}"
    return html.unescape(found.group(1)).strip()


async def opened(anonymous, app) -> tuple[dict, int]:
    await load_catalogue()
    me = await register(anonymous, language="en", full_name="Karel Zákazník")
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    created = await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))
    assert created.status_code == 201, created.text
    return me, created.json()["id"]


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_an_internal_note_from_the_page_is_marked_and_stays_with_the_team(
    anonymous, app, language
) -> None:
    _, tid = await opened(anonymous, app)
    async with signed_in_staff(app, language=language) as staff:
        posted = await staff.post(
            f"/staff/tickets/{tid}/reply", data={"body": "Jen pro tým.", "internal": "on"}
        )
        assert posted.status_code == 303
        fragment = await staff.post(
            f"/staff/tickets/{tid}/reply", data={"body": "Druhá poznámka.", "internal": "on"}, headers=HTMX
        )
        assert fragment.status_code == 200 and fragment.text.startswith('<article id="ticket-panel">')
        assert fragment.text.count('class="internal-note"') == 2
        assert (
            "Interní poznámka byla přidána." if language == "cs" else "The internal note has been added."
        ) in (fragment.text)
        # an empty note: the API's message, inline, and the note tab still chosen
        empty = await staff.post(f"/staff/tickets/{tid}/reply", data={"body": " ", "internal": "on"})
        api = await staff.post(f"/api/v1/staff/tickets/{tid}/messages", json={"body": " ", "internal": True})
        assert empty.status_code == 422 and api.status_code == 422
        assert inline_error(empty.text, "body") == api.json()["errors"]["body"]
        assert 'value="on" checked' in empty.text
    assert await TicketMessage.count().where(TicketMessage.internal == True) == 2  # noqa: E712
    assert (await Ticket.select(Ticket.status).first())["status"] == "new"
    page = await anonymous.get(f"/tickets/{tid}")
    assert "Jen pro tým." not in page.text and "Druhá poznámka." not in page.text


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_time_merge_and_assignment_forms_say_what_the_api_says(anonymous, app, language) -> None:
    me, tid = await opened(anonymous, app)
    async with signed_in_staff(app, language=language) as staff:
        await speak(staff, language)
        page = await staff.post(f"/staff/tickets/{tid}/time", data={"minutes": "0", "note": "x"})
        api = await staff.post(f"/api/v1/staff/tickets/{tid}/time-logs", json={"minutes": 0, "note": "x"})
        assert page.status_code == 422 and api.status_code == 422
        assert inline_error(page.text, "minutes") == api.json()["errors"]["minutes"]
        words = await staff.post(f"/staff/tickets/{tid}/time", data={"minutes": "hodina"})
        assert words.status_code == 422 and inline_error(words.text, "minutes")
        assert await TicketTime.count() == 0
        logged = await staff.post(f"/staff/tickets/{tid}/time", data={"minutes": "1 20", "note": "Rozbor"})
        assert logged.status_code == 303
        assert (await TicketTime.select(TicketTime.minutes).first())["minutes"] == 120

        page = await staff.post(f"/staff/tickets/{tid}/merge", data={"target_number": "HD-1999-00009"})
        api = await staff.post(f"/api/v1/staff/tickets/{tid}/merge", json={"target_number": "HD-1999-00009"})
        assert page.status_code == 422 and api.status_code == 422
        assert inline_error(page.text, "target_number") == api.json()["errors"]["target_number"]
        assert 'value="HD-1999-00009"' in page.text

        page = await staff.post(f"/staff/tickets/{tid}/assign", data={"user_id": str(me["user"]["id"])})
        api = await staff.post(f"/api/v1/staff/tickets/{tid}/assignee", json={"user_id": me["user"]["id"]})
        assert (
            page.status_code == 422 and inline_error(page.text, "user_id") == api.json()["errors"]["user_id"]
        )
        taken = await staff.post(f"/staff/tickets/{tid}/take", data={}, headers=HTMX)
        assert taken.status_code == 200 and "Jana Technická" in taken.text
        nobody = await staff.post(f"/staff/tickets/{tid}/assign", data={"user_id": ""})
        assert nobody.status_code == 303
    assert (await Ticket.select(Ticket.assignee).first())["assignee"] is None


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_the_canned_reply_admin_page_marks_an_unknown_placeholder(anonymous, app, language) -> None:
    async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
        fields = {"title": "Pozdrav", "body_cs": "Dobrý den {jmeno}", "body_en": ""}
        page = await admin.post("/staff/canned-replies", data=fields)
        api = await admin.post("/api/v1/staff/canned-replies", json=fields)
        assert page.status_code == 422 and api.status_code == 422
        assert inline_error(page.text, "body_cs") == api.json()["errors"]["body_cs"]
        assert "{jmeno}" in inline_error(page.text, "body_cs")
        assert 'value="Pozdrav"' in page.text and "Dobrý den {jmeno}</textarea>" in page.text
        assert await CannedReply.count() == 0
        saved = await admin.post(
            "/staff/canned-replies", data={**fields, "body_cs": "Dobrý den, {customer_name}"}
        )
        assert saved.status_code == 303
        reply_id = (await CannedReply.select(CannedReply.id).first())["id"]
        edit = await admin.get(f"/staff/canned-replies/{reply_id}")
        assert edit.status_code == 200 and "Dobrý den, {customer_name}</textarea>" in edit.text
        changed = await admin.post(f"/staff/canned-replies/{reply_id}", data={"title": "", "body_cs": "x"})
        assert changed.status_code == 422 and inline_error(changed.text, "title")
        removed = await admin.post(f"/staff/canned-replies/{reply_id}/delete", data={})
        assert removed.status_code == 303 and await CannedReply.count() == 0


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_the_rating_form_without_a_choice_says_so_inline(anonymous, app, language) -> None:
    _, tid = await opened(anonymous, app)
    await speak(anonymous, language)
    async with signed_in_staff(app) as staff:
        await staff.post(f"/api/v1/staff/tickets/{tid}/resolve", json={"body": "Hotovo."})
    page = await anonymous.post(f"/tickets/{tid}/rate", data={"comment": "Nevím"})
    api = await anonymous.post(f"/api/v1/tickets/{tid}/rating", json={"comment": "Nevím"})
    assert page.status_code == 422 and api.status_code in (400, 422)
    assert inline_error(page.text, "verdict") == api.json()["errors"]["verdict"]
    assert "Nevím</textarea>" in page.text
    rated = await anonymous.post(f"/tickets/{tid}/rate", data={"verdict": "good"}, headers=HTMX)
    assert rated.status_code == 200 and 'id="ticket-rating"' in rated.text
    assert (await TicketRating.select(TicketRating.good).first())["good"] is True


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_the_reply_box_says_which_kind_it_sends(anonymous, app, language) -> None:
    """The submit button names what it sends: the reply mode's words for the customer, the note
    mode's words for the team (the stylesheet shows one, by the chosen tab); the note hint and the
    'ask the customer' box belong to one mode each (tests/browser/test_team_journey.py clicks it)."""
    _, tid = await opened(anonymous, app)
    reply, note = {
        "en": ("Send reply to the customer", "Add internal note"),
        "cs": ("Odeslat odpověď zákazníkovi", "Přidat interní poznámku"),
    }[language]
    async with signed_in_staff(app, language=language) as staff:
        page = (await staff.get(f"/staff/tickets/{tid}")).text
        button = re.search(r'<form [^>]*class="reply-box".*?(<button type="submit">.*?</button>)', page, re.S)
        assert button, "no submit button in the reply box"
        assert button.group(1) == (
            f'<button type="submit"><span class="reply-only">{reply}</span>'
            f'<span class="note-only">{html.escape(note)}</span></button>'
        )
        assert re.search(
            r'<div class="reply-only">\s*<label><input type="checkbox" name="wait_for_customer"', page
        )
        assert re.search(r'<small class="who note-only">', page)


@pytest.mark.parametrize("language", ["en", "cs"])
@pytest.mark.parametrize("htmx", [True, False])
async def test_the_merge_confirmation_names_the_target(anonymous, app, language, htmx) -> None:
    _, duplicate = await opened(anonymous, app)
    target = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()
    said = {"en": "The ticket has been merged into %s.", "cs": "Požadavek byl sloučen do %s."}[language]
    async with signed_in_staff(app, language=language) as staff:
        merged = await staff.post(
            f"/staff/tickets/{duplicate}/merge",
            data={"target_number": target["number"]},
            headers=HTMX if htmx else None,
        )
        if htmx:  # the result message names the target
            assert merged.status_code == 200
            assert said % target["number"] in html.unescape(merged.text)
        else:  # after the redirect, the page's head names it and links to it
            assert merged.status_code == 303
            page = await staff.get(merged.headers["location"])
            link = rf'<p class="notice merged-into">[^<]*<a href="/staff/tickets/{target["id"]}">'
            link += re.escape(target["number"]) + "</a>"
            assert re.search(link, page.text)


def facts(page: str) -> dict[str, str]:
    block = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S)
    assert block, "no facts on the page"
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block.group(1), re.S)
    return {html.unescape(k): html.unescape(re.sub(r"<[^>]+>", "", v)).strip() for k, v in pairs}


@pytest.mark.parametrize("language", ["en", "cs"])
async def test_a_closed_or_merged_ticket_shows_no_countdown(anonymous, app, language) -> None:
    """Like a resolved one says 'resolved <when>', a closed or merged ticket says when it ended:
    no 'in 2 days' for a clock that no longer runs, on the customer's page and the staff one."""
    _, closed = await opened(anonymous, app)
    await speak(anonymous, language)
    target = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()
    duplicate = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()
    reaction, resolution = (
        ("Reaction by", "Resolution by") if language == "en" else ("Reakce do", "Vyřešení do")
    )
    countdown = re.compile(r"\((in|za) ")
    async with signed_in_staff(app, language=language) as staff:
        # closed by the customer after it was resolved (a resolution without a message: no answer)
        assert (await staff.post(f"/staff/tickets/{closed}/resolve", data={"body": ""})).status_code == 303
        assert (await anonymous.post(f"/tickets/{closed}/close", data={})).status_code == 303
        merged = await staff.post(
            f"/api/v1/staff/tickets/{duplicate['id']}/merge", json={"target_number": target["number"]}
        )
        assert merged.status_code == 200 and merged.json()["closed_at"]
        for path in (f"/tickets/{closed}", f"/staff/tickets/{closed}"):
            client = staff if path.startswith("/staff") else anonymous
            shown = facts((await client.get(path)).text)
            assert not countdown.search(shown[reaction]) and not countdown.search(shown[resolution])
        for path, ended in (
            (f"/tickets/{duplicate['id']}", "merged" if language == "en" else "sloučeno"),
            (f"/staff/tickets/{duplicate['id']}", "merged" if language == "en" else "sloučeno"),
        ):
            client = staff if path.startswith("/staff") else anonymous
            shown = facts((await client.get(path)).text)
            for label in (reaction, resolution):
                assert shown[label].startswith(ended + " "), (path, shown[label])
                assert not countdown.search(shown[label]), (path, shown[label])
        # an open ticket still counts down
        assert countdown.search(facts((await anonymous.get(f"/tickets/{target['id']}")).text)[reaction])
