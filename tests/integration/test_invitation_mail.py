"""An invitation is e-mailed through the outbox (and still shown to the manager)."""

from __future__ import annotations

import pytest

from backend.notifications.sender import send_all_due
from backend.notifications.tables import OutboxMessage
from tests.helpers import PASSWORD, make_client, register

pytestmark = pytest.mark.db


async def test_an_invitation_is_e_mailed_with_its_single_use_link(anonymous, app, db, smtp) -> None:
    await register(anonymous, language="cs", name="Strojírny Vysočina s.r.o.", full_name="Jana Nováková")
    created = await anonymous.post("/api/v1/company/invitations", json={"email": "kolega@vysocina.example"})
    assert created.status_code == 201, created.text
    link = created.json()["link"]  # the manager still sees the link
    queued = await OutboxMessage.select().where(OutboxMessage.kind == "invitation")
    assert len(queued) == 1 and queued[0]["recipient_email"] == "kolega@vysocina.example"
    await send_all_due()
    mails = [m for m in smtp.inbox.messages if m["To"] == "kolega@vysocina.example"]
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Jana Nováková vás zve do portálu podpory firmy Strojírny Vysočina s.r.o."
    text = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert link in text and "7 dnů" in text
    # delivered: the single-use link is in the person's mailbox only, not left in the outbox
    sent = await OutboxMessage.select().where(OutboxMessage.kind == "invitation").first()
    assert sent["sent_at"] is not None and sent["context"] in ("{}", {})
    token = link.rsplit("/", 1)[1]
    async with make_client(app) as colleague:
        joined = await colleague.post(
            f"/api/v1/auth/invitations/{token}/accept",
            json={"full_name": "Karel Kolega", "password": PASSWORD},
        )
        assert joined.status_code == 201, joined.text


async def test_a_refused_invitation_sends_nothing(anonymous, app, db, smtp) -> None:
    await register(anonymous, email="spravce@vysocina.example")
    refused = await anonymous.post("/api/v1/company/invitations", json={"email": "spravce@vysocina.example"})
    assert refused.status_code == 422
    assert await OutboxMessage.count().where(OutboxMessage.kind == "invitation") == 0
