"""What every page offers whoever uses it: the skip link and visible focus for keyboard users, and
the header's language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import PortalPage

pytestmark = pytest.mark.browser


def test_keyboard_reaches_the_content_and_the_focus_is_visible(portal: PortalPage) -> None:
    page = portal.page
    portal.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=portal.t("Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # the sign-in form works from the keyboard alone, and the focused field shows an outline
    page.keyboard.press("Tab")
    email = portal.label("E-mail")
    expect(email).to_be_focused()
    outline = email.evaluate(
        "field => getComputedStyle(field).outlineStyle + getComputedStyle(field).boxShadow"
    )
    assert outline != "none" + "none", "the focused field looks like any other"
    page.keyboard.type("technik@podpora.example")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-portal-2026")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/login')[0]}/staff")


def test_the_header_switch_changes_the_language_and_stays_on_the_page(portal: PortalPage) -> None:
    page = portal.page
    portal.goto("/services")
    other, other_heading = (
        ("en", "Services and prices") if portal.language == "cs" else ("cs", "Služby a ceny")
    )
    switch = page.get_by_role("button", name={"en": "English", "cs": "Česky"}[other], exact=True)
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page).to_have_url(f"{page.url.split('/services')[0]}/services")
    expect(page.get_by_role("heading", level=1)).to_have_text(other_heading)
    # the choice is remembered over the browser's own language
    portal.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", other)
    page.get_by_role("button", name={"en": "Česky", "cs": "English"}[other], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", portal.language)
