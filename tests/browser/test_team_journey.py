"""Journey: the Hotline as a team works it. A customer reports a problem; an engineer takes the
ticket, leaves the team an internal note, answers with a canned reply edited before sending, and
resolves it; the customer sees the answer but not the note, and rates it. (Attaching a screenshot
and a log to the report comes with attachments.)"""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PortalPage

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"HD-\d{4}-\d{5}")


def test_an_engineer_takes_notes_answers_with_a_canned_reply_and_the_customer_rates(
    portal: PortalPage,
) -> None:
    page = portal.page
    tag = random.randrange(10_000, 99_999)
    subject = f"Sestava se načítá bez kót ({tag})"
    note = f"Stejné jako loni u Moravy, zkontroluj mapování atributů ({tag})."

    # the customer reports it
    portal.sign_in("konstrukter@vysocina.example")
    portal.goto("/tickets/new")
    portal.label("Subject").fill(subject)
    portal.label("What happens, and what did you expect?").fill("Dimensions are missing after opening.")
    portal.label("Priority").select_option("high")
    portal.button("Send").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(subject)
    number = NUMBER.search(heading.inner_text()).group(0)
    portal.sign_out()

    # the engineer finds it among the unassigned ones and takes it
    portal.sign_in("technik@podpora.example")
    portal.nav().get_by_role("link", name=portal.t("Tickets"), exact=True).click()
    portal.label("Assignee").select_option("unassigned")
    row = page.get_by_role("row").filter(has_text=subject)
    expect(row).to_be_visible()
    portal.check("staff-queue-unassigned")
    row.get_by_role("link").first.click()
    expect(heading).to_contain_text(number)
    staff_ticket = page.url
    portal.button("Take it").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The ticket is yours."))
    expect(page.locator("dl.facts")).to_contain_text("Jana Technická")

    # a note for the team: yellow, marked, and the clock and status stay
    # the box says which kind it sends: the reply's words and the "ask the customer" box by default,
    # the note's words, the hint and yellow once the note tab is chosen
    expect(portal.button("Send reply to the customer")).to_be_visible()
    expect(portal.button("Add internal note")).to_have_count(0)
    asking = portal.label("Ask the customer (the clock stops until they reply)")
    expect(asking).to_be_visible()
    portal.label("Internal note").check()
    expect(portal.button("Send reply to the customer")).to_have_count(0)
    expect(asking).to_be_hidden()
    expect(page.locator("form.reply-box small.note-only")).to_be_visible()
    expect(page.locator("form.reply-box")).to_have_css("background-color", "rgb(254, 252, 232)")
    portal.label("Message").fill(note)
    portal.check("staff-ticket-note")
    portal.button("Add internal note").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The internal note has been added."))
    expect(page.locator("li.internal-note")).to_contain_text(note)
    expect(page.locator("li.internal-note .note-badge")).to_have_text(portal.t("Internal note"))
    expect(page.locator("#ticket-panel .status").first).to_have_text(portal.t("New"))

    # the canned reply comes filled in (the reporter reads English), and is edited before sending
    portal.label("Canned reply").select_option(label="Poděkování a potvrzení přijetí")
    portal.button("Insert into the reply").click()
    box = portal.label("Message")
    # in the reporter's language: the one she last chose, as this test's language
    greeting = {
        "cs": f"Dobrý den,\n\npožadavek {number}",
        "en": f"Hello Eva Dvořáková,\n\nwe have taken ticket {number}",
    }
    expect(box).to_have_value(re.compile("^" + re.escape(greeting[portal.language])))
    expect(box).to_have_value(re.compile(r"Jana Technická$"))
    box.fill(box.input_value() + "\n\nPS: please check the attribute mapping table.")
    portal.label("Public reply").check()
    expect(page.locator("form.reply-box small.note-only")).to_be_hidden()
    portal.button("Send reply to the customer").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The answer has been sent."))
    expect(page.locator("li.from-staff").last).to_contain_text("please check the attribute mapping table")
    portal.label("Minutes").fill("25")
    portal.label("What was done").fill("Reproduced on the test server.")
    portal.button("Log time").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The time has been logged."))
    portal.check("staff-ticket-team")
    portal.confirm_click(portal.button("Resolve"))
    expect(page.get_by_role("status")).to_have_text(portal.t("The ticket is resolved."))
    portal.goto("/staff/tickets?assigned=mine")
    portal.check("staff-queue-mine")
    portal.sign_out()

    # the customer sees the answer, never the note, and rates it
    portal.sign_in("konstrukter@vysocina.example")
    portal.nav().get_by_role("link", name=portal.t("Hotline"), exact=True).click()
    page.get_by_role("link", name=number, exact=True).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("please check the attribute mapping table")
    expect(main).not_to_contain_text(note)
    expect(page.locator("li.internal-note")).to_have_count(0)
    portal.check("customer-ticket-rating")
    portal.label("Yes, it helped").check()
    portal.label("Comment (optional)").fill("Fixed, thank you.")
    portal.button("Send the rating").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("Thank you for your rating."))
    expect(page.locator("#ticket-rating")).to_have_text(
        portal.t("Thank you: you rated the answer as helpful.")
    )
    portal.sign_out()

    # the staff see the rating on the ticket (resolved, it has left the queue: by its address)
    portal.sign_in("technik@podpora.example")
    portal.goto(staff_ticket)
    expect(page.locator("#ticket-rating")).to_contain_text(portal.t("Rated good"))
    expect(page.locator("#ticket-rating")).to_contain_text("Fixed, thank you.")
    portal.sign_out()

    # the staff admin keeps the canned replies and reads time and satisfaction in the reports
    portal.sign_in("vedouci@podpora.example")
    portal.nav().get_by_role("link", name=portal.t("Tickets"), exact=True).click()
    page.get_by_role("main").get_by_role("link", name=portal.t("Canned replies"), exact=True).click()
    expect(portal.heading("Canned replies")).to_be_visible()
    portal.label("Title").fill(f"Zkouška {tag}")
    portal.label("Text in Czech").fill("Dobrý den, {zakaznik}")
    portal.button("Save").click()
    expect(portal.label("Text in Czech")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#body_cs-error")).to_contain_text("{zakaznik}")
    portal.check("staff-canned-replies-error")
    portal.label("Text in Czech").fill("Dobrý den, {customer_name}")
    portal.button("Save").click()
    expect(page.get_by_role("status")).to_have_text(portal.t("The canned reply has been saved."))
    expect(page.get_by_role("link", name=f"Zkouška {tag}", exact=True)).to_be_visible()
    portal.check("staff-canned-replies")
    portal.nav().get_by_role("link", name=portal.t("Reports"), exact=True).click()
    expect(portal.heading("Hotline: time spent per company")).to_be_visible()
    expect(portal.heading("Hotline: customer satisfaction")).to_be_visible()
    expect(page.locator("section[aria-labelledby='satisfaction-heading']")).to_contain_text("Jana Technická")
    portal.check("staff-reports")
    portal.sign_out()
