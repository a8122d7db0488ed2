"""The audit page says every kind of event as a sentence in the reader's language, with names
linked, amounts in Kč and before → after as the fields that changed; its filters go by name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from backend.audit.reading import changes, sentence
from backend.audit.schemas import AuditEventOut
from backend.audit.sentences import FALLBACK, SENTENCES
from backend.audit.services import audit_event, record_all
from backend.i18n import reset_language, translations, use_language
from tests.audit_kinds import recorded_actions
from tests.helpers import register, signed_in_staff

pytestmark = pytest.mark.db


def _sample(action: str) -> tuple[str, object, object]:
    """(object type, before, after) as the code records them for ``action``."""
    family = action.split(".")[0]
    if family == "order":
        return "order", "submitted", action.split(".")[1]
    if family == "ticket":
        return "ticket", "new", "open"
    if family == "credit" and action != "credit.threshold":
        return "credit_entry", 10_000, 7_550
    samples: dict[str, tuple[str, object, object]] = {
        "credit.threshold": ("credit_account", None, 500_000),
        "user.language": ("user", "cs", "en"),
        "user.activated": ("user", False, True),
        "user.deactivated": ("user", True, False),
        "service.updated": ("service", {"pay_price": 150_000}, {"pay_price": 165_000}),
        "company.updated": ("company", {"city": "Brno"}, {"city": "Jihlava"}),
        "invitation.created": ("invitation", None, {"email": "kolega@vysocina.example"}),
        "plan.requested": ("subscription", None, "SBP-50"),
    }
    return samples.get(action, (family if family in ("company", "plan", "user") else "user", None, None))


def _event(action: str, company_id: int | None, actor_id: int | None = None) -> AuditEventOut:
    object_type, before, after = _sample(action)
    return AuditEventOut(
        id=1, at=datetime.now(UTC), actor="jana@vysocina.example", company_id=company_id,
        company_name="Strojírny Vysočina s.r.o.", action=action, object_type=object_type, object_id=None,
        before=before, after=after, client_address="127.0.0.1", actor_id=actor_id,
    )  # fmt: skip


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.replace("\xa0", " "))).strip()


def test_every_recorded_action_has_its_own_sentence_in_both_languages() -> None:
    actions = recorded_actions()
    assert len(actions) > 40  # sign-ins, orders, tickets, credit, plans, contracts …
    missing = sorted(action for action in actions if action not in SENTENCES)
    assert not missing, f"audit actions without a sentence in backend/audit/sentences.py: {missing}"
    catalogue = translations("cs")
    for action in sorted(actions):
        assert catalogue.gettext(SENTENCES[action]) != SENTENCES[action], f"{action}: no Czech sentence"
        for language in ("cs", "en"):
            token = use_language(language)
            try:
                said = plain(str(sentence(_event(action, 7), {})))
                changes(_event(action, 7))
            finally:
                reset_language(token)
            assert "%(" not in said and action not in said and said.endswith("."), (action, language, said)
            assert said != plain(FALLBACK)


async def test_the_page_shows_every_kind_of_event_as_a_sentence(anonymous, app, db) -> None:
    me = await register(anonymous, name="Strojírny Vysočina s.r.o.", full_name="Jana Nováková")
    company_id, user_id = me["company"]["id"], me["user"]["id"]
    actions = sorted(recorded_actions())
    events = []
    for action in actions:
        object_type, before, after = _sample(action)
        events.append(
            audit_event(
                action,
                object_type=object_type,
                actor_id=user_id,
                actor_name=me["user"]["email"],
                company_id=company_id,
                before=before,
                after=after,
            )
        )
    await record_all(events)
    for language in ("cs", "en"):
        async with signed_in_staff(app, "vedouci@example.cz", admin=True, language=language) as admin:
            shown: list[str] = []
            url = f"/staff/audit?company={company_id}"
            while url:
                page = await admin.get(url)
                assert page.status_code == 200
                shown += [
                    plain(cell)
                    for cell in re.findall(r'<td class="audit-sentence">(.*?)</td>', page.text, re.S)
                ]
                more = re.search(r'<a href="(/staff/audit\?[^"]*cursor=[^"]+)"', page.text)
                url = more.group(1).replace("&amp;", "&") if more else ""
            ours = shown
            # and the registration itself, with its sign-in
            assert len(ours) == len(actions) + 2, (language, len(ours))
            for action in actions:
                token = use_language(language)
                try:
                    expected = plain(
                        str(
                            sentence(
                                _event(action, company_id, user_id), {("user", user_id): "Jana Nováková"}
                            )
                        )
                    )
                finally:
                    reset_language(token)
                # the object's name is looked up on the page; the rest of the sentence is the same
                head = expected.split("Jana Nováková", 1)[-1][:12]  # credit expires by itself
                assert any(head in text for text in ours), (language, action, expected)
            assert all("." in text for text in ours)
            assert not [text for text in ours for action in actions if action in text], "event codes shown"


async def test_sentences_link_names_show_amounts_in_crowns_and_filters_go_by_name(anonymous, app, db) -> None:
    me = await register(anonymous, name="Strojírny Vysočina s.r.o.", full_name="Jana Nováková")
    company_id = me["company"]["id"]
    async with signed_in_staff(
        app, "vedouci@example.cz", admin=True, name="Petr Vedoucí", language="en"
    ) as admin:
        await admin.post(
            f"/api/v1/staff/companies/{company_id}/credit",
            json={"amount": 6_750_000, "idempotency_key": "k1", "note": "SBP-50"},
        )
        page = await admin.get("/staff/audit")
        text = plain(page.text)
        assert "Petr Vedoucí topped up the credit of Strojírny Vysočina s.r.o. by CZK 67,500.00." in text
        assert f'href="/staff/companies/{company_id}"' in page.text
        assert "Jana Nováková registered the company Strojírny Vysočina s.r.o." in text
        assert "Balance — → CZK 67,500.00" in text or "CZK 0.00 → CZK 67,500.00" in text
        assert "\\u00" not in page.text and "credit.topup" not in page.text
        # the filters offer names, not ids
        assert (
            f'<option value="{company_id}"' in page.text
            and ">Strojírny Vysočina s.r.o.</option>" in page.text
        )
        assert ">Jana Nováková (Strojírny Vysočina s.r.o.)</option>" in page.text
        assert ">Credit entry</option>" in page.text and "Company (id)" not in page.text
        staff_id = (await admin.get("/api/v1/me")).json()["user"]["id"]
        only_jana = plain((await admin.get(f"/staff/audit?person={me['user']['id']}")).text)
        assert "signed in" in only_jana and "topped up" not in only_jana
        only_staff = plain((await admin.get(f"/staff/audit?person={staff_id}&object_type=credit_entry")).text)
        assert "topped up" in only_staff and "registered the company" not in only_staff
        czech = await admin.put("/api/v1/me/language", json={"language": "cs"})
        assert czech.status_code == 200
        text = plain((await admin.get("/staff/audit")).text)
        assert "Petr Vedoucí dobil(a) kredit firmy Strojírny Vysočina s.r.o. o 67 500,00 Kč." in text
        bad = await admin.get("/staff/audit?person=abc")
        assert bad.status_code == 422
