"""What every browser test does with a page: translate its expectations, sign in, check the page
with axe-core, and keep a screenshot of it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from backend.i18n import translations

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# `make screenshots` points this at docs/screenshots, the set committed for reviewers
SCREENSHOT_DIR = ROOT / os.environ.get("PORTAL_SCREENSHOTS", "var/screenshots")
DEMO_PASSWORD = "demo-portal-2026"  # the README publishes it
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# how far the page is wider than its window, and which boxes scroll sideways with something hidden
LAYOUT_SCRIPT = """() => {
  const root = document.documentElement;
  const boxes = [...document.querySelectorAll("body *")].filter((element) => {
    const overflow = getComputedStyle(element).overflowX;
    return (overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth + 1;
  }).map((element) => `${element.tagName.toLowerCase()}.${element.className}: `
    + `${element.scrollWidth} > ${element.clientWidth}`);
  return {page: root.scrollWidth - root.clientWidth, boxes};
}"""
_EXPECTED_REFUSAL = re.compile(r"Failed to load resource: the server responded with a status of 4(09|22) ")


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


class PortalPage:
    """A page of the portal in one language, as one person's browser shows it."""

    def __init__(self, page: Page, language: str) -> None:
        self.page = page
        self.language = language
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))

    def _on_console(self, message) -> None:
        # a form sent with mistakes is answered 422 on purpose; the browser logs that as an error
        if message.type == "error" and not _EXPECTED_REFUSAL.match(message.text):
            self.console_errors.append(f"{message.text} (on {self.page.url})")

    def t(self, message: str, **params: Any) -> str:
        """``message`` as the page shows it in this test's language (the app's own catalogue)."""
        text = translations(self.language).gettext(message)
        return text % params if params else text

    def tp(self, context: str, message: str) -> str:
        """``message`` in ``context`` (pgettext), as the page shows it in this test's language."""
        return translations(self.language).pgettext(context, message)

    def goto(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"

    def button(self, message: str, **params: Any):
        return self.page.get_by_role("button", name=self.t(message, **params), exact=True)

    def link(self, message: str, **params: Any):
        return self.page.get_by_role("link", name=self.t(message, **params), exact=True)

    def label(self, message: str, **params: Any):
        """The field labelled ``message`` (a required field's label ends with an asterisk)."""
        return self.page.get_by_label(re.compile(rf"^\s*{re.escape(self.t(message, **params))}( \*)?\s*$"))

    def heading(self, message: str, **params: Any):
        return self.page.get_by_role("heading", name=self.t(message, **params), exact=True)

    def nav(self):
        return self.page.get_by_role("navigation", name=self.t("Main navigation"))

    def expect_language(self) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    def use_language(self) -> None:
        """Switch with the header's switch when the page is not in this test's language (a signed-in
        person's stored choice wins over the browser's)."""
        if self.page.locator("html").get_attribute("lang") != self.language:
            other = {"cs": "English", "en": "Česky"}[self.page.locator("html").get_attribute("lang") or "cs"]
            self.page.get_by_role("button", name=other, exact=True).click()
        self.expect_language()

    def confirm_click(self, locator) -> str:
        """Click ``locator`` and accept the confirmation it asks for; returns the question."""
        questions: list[str] = []

        def accept(dialog) -> None:
            questions.append(dialog.message)
            dialog.accept()

        self.page.once("dialog", accept)
        locator.click()
        expect(self.page.locator("[aria-busy='true']")).to_have_count(0)
        assert questions, "the action asked for no confirmation"
        return questions[0]

    def sign_in(self, email: str) -> None:
        self.goto("/login")
        self.label("E-mail").fill(email)
        self.label("Password").fill(DEMO_PASSWORD)
        self.button("Sign in").click()
        self.page.wait_for_load_state()
        self.use_language()

    def sign_out(self) -> None:
        self.button("Sign out").click()
        self.page.wait_for_load_state()

    def check(self, name: str, *, keep: bool = True) -> None:
        """The page as it is now, on a desktop (1366×900) and on a phone (390×844): it does not
        scroll sideways and hides nothing in a sideways-scrolling box; no serious or critical
        axe-core violation; full-page screenshots ``<language>/<name>.png`` and ``<name>-phone.png``
        (``keep=False``: only under var/screenshots, never in the committed set)."""
        self.page.wait_for_load_state("networkidle")
        self.expect_language()
        size = self.page.viewport_size
        try:
            for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
                self.page.set_viewport_size(viewport)
                self.expect_fits(f"{name}{suffix}")
                self.expect_accessible(f"{name}{suffix}")
                folder = (SCREENSHOT_DIR if keep else ROOT / "var" / "screenshots") / self.language
                folder.mkdir(parents=True, exist_ok=True)
                shot = folder / f"{name}{suffix}.png"
                self.page.screenshot(path=str(shot), full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(size)
        self.checked.append(name)

    def expect_fits(self, name: str) -> None:
        """Nothing wider than the window: the page does not scroll sideways, and no box of it
        scrolls sideways either (a table in an overflow-x wrapper hides its right-hand columns)."""
        layout = self.page.evaluate(LAYOUT_SCRIPT)
        where = f"{name} at {self.page.viewport_size['width']}px"
        assert layout["page"] <= 0, f"{where}: the page is {layout['page']}px wider than the window"
        assert not layout["boxes"], f"{where}: content hidden in sideways-scrolling boxes: {layout['boxes']}"

    def expect_accessible(self, name: str) -> None:
        if not self.page.evaluate("typeof window.axe === 'object'"):
            # evaluated through the DevTools protocol: the page's CSP does not apply to it
            self.page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        result = self.page.evaluate("""async () => await axe.run(document, {resultTypes: ["violations"]})""")
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, (
            f"axe-core on {name} ({self.page.url}, {self.language}):\n" + describe_violations(blocking)
        )
