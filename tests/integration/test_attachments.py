"""Hotline attachments end to end: upload with a new ticket and a reply (API multipart and the
pages' forms), the type told from the content, the limits (nothing stored over them), scoping
(another company's file is 404 everywhere), both stores, e-mails that name files."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from backend.attachments.tables import Attachment, AttachmentChunk
from backend.notifications.messages import compose
from backend.notifications.tables import OutboxMessage
from backend.settings import get_settings
from backend.tickets.tables import Ticket, TicketMessage
from tests.attachment_files import HTML, LOG, png
from tests.helpers import load_catalogue, make_client, register, signed_in_staff
from tests.integration.test_tickets import give_alc, ticket

pytestmark = pytest.mark.db

PRODUCT = "CATIA V5 MD2 × 3"
HTMX = {"hx-request": "true"}


@pytest.fixture
async def hotline(db) -> None:
    from backend.demo import _load_demo_contracts

    await load_catalogue()
    await _load_demo_contracts()


@pytest.fixture
def limits(monkeypatch):
    """Switch the attachment settings for one test (the process's settings are rebuilt)."""

    def switch(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield switch
    get_settings.cache_clear()


async def alc_customer(client, app, **kwargs) -> dict:
    me = await register(client, language="en", **kwargs)
    async with signed_in_staff(app, "vedouci@example.cz", admin=True) as admin:
        await give_alc(admin, me["company"]["id"])
    return me


def form(**overrides) -> dict[str, str]:
    return {k: v for k, v in ticket(product=PRODUCT, **overrides).items() if v is not None}


async def counts() -> tuple[int, int, int, int]:
    return (
        await Ticket.count(),
        await TicketMessage.count(),
        await Attachment.count(),
        await AttachmentChunk.count(),
    )


async def test_a_ticket_with_a_screenshot_and_a_log_round_trips_through_the_api(
    anonymous, app, hotline
) -> None:
    await alc_customer(anonymous, app)
    image = png()
    created = await anonymous.post(
        "/api/v1/tickets",
        data=form(),
        files=[
            ("files", ("Snímek obrazovky.png", image, "image/png")),
            ("files", ("catia.log", LOG, "text/x-log")),
        ],
    )
    assert created.status_code == 201, created.text
    body = created.json()
    (opening,) = body["messages"]
    assert opening["body"] == "" and [a["name"] for a in opening["attachments"]] == [
        "Snímek obrazovky.png",
        "catia.log",
    ]
    listed = (await anonymous.get(f"/api/v1/tickets/{body['id']}/attachments")).json()
    assert [(a["content_type"], a["size"], a["preview"]) for a in listed] == [
        ("image/png", len(image), True),
        ("text/plain", len(LOG), False),
    ]
    shot = await anonymous.get(listed[0]["url"])
    assert shot.status_code == 200 and shot.content == image
    assert shot.headers["content-type"] == "image/png"
    assert shot.headers["x-content-type-options"] == "nosniff"
    disposition = shot.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Sn%C3%ADmek%20obrazovky.png" in disposition
    assert 'filename="Snimek obrazovky.png"' in disposition
    log = await anonymous.get(listed[1]["url"])
    assert log.content == LOG and log.headers["content-type"].startswith("text/plain")
    preview = await anonymous.get(f"/attachments/{listed[0]['id']}/preview")
    assert preview.status_code == 200 and preview.content == image
    assert preview.headers["content-security-policy"].startswith("sandbox")
    assert preview.headers["content-disposition"].startswith("inline;")
    assert (await anonymous.get(f"/attachments/{listed[1]['id']}/preview")).status_code == 404


async def test_the_type_follows_the_content_not_what_the_browser_claims(anonymous, app, hotline) -> None:
    await alc_customer(anonymous, app)
    created = await anonymous.post(
        "/api/v1/tickets",
        data=form(),
        files=[
            ("files", ("obrazek.png", HTML, "image/png")),
            ("files", ("stranka.html", png(), "text/html")),
        ],
    )
    assert created.status_code == 201, created.text
    fake_png, real_png = created.json()["messages"][0]["attachments"]
    assert fake_png["content_type"] == "text/html" and fake_png["preview"] is False
    assert real_png["content_type"] == "image/png" and real_png["preview"] is True
    # HTML is never served inline: no preview, and the download is an attachment the browser must not sniff
    assert (await anonymous.get(f"/attachments/{fake_png['id']}/preview")).status_code == 404
    download = await anonymous.get(f"/attachments/{fake_png['id']}")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_catia_files_stay_opaque_and_names_lose_their_paths(anonymous, app, hotline) -> None:
    await alc_customer(anonymous, app)
    created = await anonymous.post(
        "/api/v1/tickets",
        data=form(),
        files=[
            ("files", ("C:\\Projekty\\Víko.CATPart", b"V5_CFV2\x00\x01binary", "application/x-catia")),
            ("files", ("../../sestava\u202egpj.3dxml", b"PK\x03\x04rest-of-a-zip", "application/zip")),
        ],
    )
    assert created.status_code == 201, created.text
    part, model = created.json()["messages"][0]["attachments"]
    assert (part["name"], part["content_type"]) == ("Víko.CATPart", "application/octet-stream")
    assert (model["name"], model["content_type"]) == ("sestavagpj.3dxml", "application/octet-stream")


async def test_a_file_over_the_limit_stores_nothing_and_is_a_413_problem(
    anonymous, app, hotline, limits
) -> None:
    limits(ATTACHMENT_MAX_FILE_BYTES="2048", ATTACHMENT_MAX_TICKET_BYTES="4096")
    await alc_customer(anonymous, app)
    before = await counts()
    refused = await anonymous.post(
        "/api/v1/tickets",
        data=form(),
        files=[
            ("files", ("ok.log", b"a" * 100, "text/plain")),
            ("files", ("velky.log", b"b" * 2049, "text/plain")),
        ],
    )
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        refused.json()["detail"] == "The file velky.log is larger than 2 MB."
        or "velky.log" in refused.json()["detail"]
    )
    assert await counts() == before


async def test_a_reply_that_would_take_the_ticket_over_its_total_stores_nothing(
    anonymous, app, hotline, limits
) -> None:
    limits(ATTACHMENT_MAX_FILE_BYTES="3000", ATTACHMENT_MAX_TICKET_BYTES="4000")
    await alc_customer(anonymous, app)
    created = await anonymous.post(
        "/api/v1/tickets", data=form(), files=[("files", ("prvni.log", b"a" * 2500, "text/plain"))]
    )
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]
    before = await counts()
    refused = await anonymous.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        data={"body": "Posílám další log."},
        files=[("files", ("druhy.log", b"b" * 1600, "text/plain"))],
    )
    assert refused.status_code == 413, refused.text
    assert "druhy.log" in refused.json()["detail"]
    assert await counts() == before
    fits = await anonymous.post(
        f"/api/v1/tickets/{ticket_id}/messages",
        data={"body": "Posílám menší log."},
        files=[("files", ("treti.log", b"c" * 1500, "text/plain"))],
    )
    assert fits.status_code == 201, fits.text


async def test_the_page_says_which_file_is_too_large_and_keeps_what_was_typed(
    anonymous, app, hotline, limits
) -> None:
    limits(ATTACHMENT_MAX_FILE_BYTES=str(25 * 1024 * 1024))
    await alc_customer(anonymous, app)
    await anonymous.put("/api/v1/me/language", json={"language": "cs"})
    before = await counts()
    page = await anonymous.post(
        "/tickets",
        data=form(description="Padá to při otevření sestavy."),
        files=[("files", ("model.CATPart", b"x" * (25 * 1024 * 1024 + 1), "application/octet-stream"))],
    )
    assert page.status_code == 422
    error = re.search(r'<small id="files-error" class="field-error">(.*?)</small>', page.text, re.S)
    assert error and html.unescape(error.group(1)).strip() == "Soubor model.CATPart je větší než 25 MB."
    assert "Padá to při otevření sestavy." in page.text
    assert await counts() == before


async def test_a_reply_from_the_page_carries_several_files_and_the_csrf_field(
    anonymous, app, hotline
) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    token = anonymous.headers.pop("x-csrftoken")
    try:
        no_token = await anonymous.post(
            f"/tickets/{ticket_id}/reply",
            data={"body": "Bez tokenu"},
            files=[("files", ("a.log", LOG, "text/plain"))],
        )
        assert no_token.status_code == 403
        assert await Attachment.count() == 0 and await TicketMessage.count() == 0
        sent = await anonymous.post(
            f"/tickets/{ticket_id}/reply",
            data={"body": "Log a snímek.", "_csrf_token": token},
            files=[
                ("files", ("catia.log", LOG, "text/plain")),
                ("files", ("snimek.png", png(), "image/png")),
            ],
            headers=HTMX,
        )
    finally:
        anonymous.headers["x-csrftoken"] = token
    assert sent.status_code == 200, sent.text
    assert "catia.log" in sent.text and "/attachments/" in sent.text and "/preview" in sent.text
    message = await TicketMessage.select().first()
    assert message["body"] == "Log a snímek."
    assert await Attachment.count().where(Attachment.ticket_message == message["id"]) == 2


async def test_a_staff_answer_with_a_file_is_named_in_the_e_mail_not_attached(
    anonymous, app, hotline
) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with signed_in_staff(app) as staff:
        page = await staff.post(
            f"/staff/tickets/{ticket_id}/reply",
            data={"body": "Tady je opravený model."},
            files=[("files", ("Opraveny.CATPart", b"V5\x00model", "application/octet-stream"))],
            headers=HTMX,
        )
        assert page.status_code == 200, page.text
        assert "Opraveny.CATPart" in page.text
    answered = await OutboxMessage.select().where(OutboxMessage.kind == "ticket_answered").first()
    message = compose(
        "ticket_answered",
        answered["context"]
        if isinstance(answered["context"], dict)
        else __import__("json").loads(answered["context"]),
        "cs",
    )
    assert "Opraveny.CATPart" in message.text and f"/tickets/{ticket_id}" in message.text
    assert "/attachments/" not in message.text  # the link is the ticket page, which checks who asks
    seen = (await anonymous.get(f"/tickets/{ticket_id}")).text
    assert "Opraveny.CATPart" in seen


async def test_another_companys_attachment_is_404_through_pages_and_api(anonymous, app, hotline) -> None:
    await alc_customer(anonymous, app)
    created = await anonymous.post(
        "/api/v1/tickets", data=form(), files=[("files", ("snimek.png", png(), "image/png"))]
    )
    ticket_id = created.json()["id"]
    attachment_id = created.json()["messages"][0]["attachments"][0]["id"]
    async with make_client(app) as other:
        await alc_customer(other, app, name="Jiná s.r.o.")
        for path in (
            f"/api/v1/attachments/{attachment_id}",
            f"/api/v1/tickets/{ticket_id}/attachments",
            f"/attachments/{attachment_id}",
            f"/attachments/{attachment_id}/preview",
            f"/api/v1/attachments/{attachment_id + 1000}",
        ):
            response = await other.get(path)
            assert response.status_code == 404, path
        assert b"\x89PNG" not in (await other.get(f"/attachments/{attachment_id}")).content
        replied = await other.post(
            f"/api/v1/tickets/{ticket_id}/messages",
            data={"body": "cizí"},
            files=[("files", ("x.log", LOG, "text/plain"))],
        )
        assert replied.status_code == 404
    assert await Attachment.count() == 1
    async with signed_in_staff(app) as staff:
        assert (await staff.get(f"/api/v1/attachments/{attachment_id}")).status_code == 200
        assert len((await staff.get(f"/api/v1/tickets/{ticket_id}/attachments")).json()) == 1


async def test_the_filesystem_store_keeps_files_and_takes_them_back_on_a_rollback(
    anonymous, app, hotline, limits, tmp_path: Path
) -> None:
    folder = tmp_path / "attachments"
    limits(ATTACHMENT_STORE="filesystem", ATTACHMENT_DIR=str(folder), ATTACHMENT_MAX_TICKET_BYTES="6000")
    await alc_customer(anonymous, app)
    image = png()
    created = await anonymous.post(
        "/api/v1/tickets", data=form(), files=[("files", ("snimek.png", image, "image/png"))]
    )
    assert created.status_code == 201, created.text
    (stored,) = created.json()["messages"][0]["attachments"]
    assert (await anonymous.get(stored["url"])).content == image
    assert [p.read_bytes() for p in folder.iterdir()] == [image]
    assert await AttachmentChunk.count() == 0
    # the first file is written, the second passes the ticket's total: both go, with the message
    refused = await anonymous.post(
        f"/api/v1/tickets/{created.json()['id']}/messages",
        data={"body": "Dva logy."},
        files=[
            ("files", ("a.log", b"a" * 2000, "text/plain")),
            ("files", ("b.log", b"b" * 4000, "text/plain")),
        ],
    )
    assert refused.status_code == 413, refused.text
    assert len(list(folder.iterdir())) == 1
    assert await Attachment.count() == 1 and await TicketMessage.count() == 1


async def test_json_requests_still_work_and_show_no_files(anonymous, app, hotline) -> None:
    await alc_customer(anonymous, app)
    created = await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))
    assert created.status_code == 201 and created.json()["messages"] == []
    replied = await anonymous.post(
        f"/api/v1/tickets/{created.json()['id']}/messages", json={"body": "Doplňuji."}
    )
    assert replied.status_code == 201 and replied.json()["messages"][0]["attachments"] == []
    bad = await anonymous.post(
        "/api/v1/tickets",
        data={**form(), "priority": "urgent"},
        files=[("files", ("a.log", LOG, "text/plain"))],
    )
    assert bad.status_code == 400 and "priority" in bad.json()["errors"]
    assert await Attachment.count() == 0


async def test_two_uploads_at_once_cannot_both_fill_the_last_room_of_a_ticket(
    anonymous, app, hotline, limits
) -> None:
    """The ticket's row lock orders the two writers: the second counts the first's file."""
    import asyncio

    limits(ATTACHMENT_MAX_FILE_BYTES="4000", ATTACHMENT_MAX_TICKET_BYTES="5000")
    me = await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with make_client(app) as colleague:
        from tests.helpers import login

        assert (await login(colleague, me["user"]["email"])).status_code == 200

        def reply(client, name: str):
            return client.post(
                f"/api/v1/tickets/{ticket_id}/messages",
                data={"body": f"Posílám {name}."},
                files=[("files", (name, b"x" * 3000, "text/plain"))],
            )

        answers = await asyncio.gather(reply(anonymous, "a.log"), reply(colleague, "b.log"))
    assert sorted(answer.status_code for answer in answers) == [201, 413]
    assert await Attachment.count() == 1 and await TicketMessage.count() == 1


async def test_a_cut_off_or_garbled_upload_is_a_400_and_stores_nothing(anonymous, app, hotline) -> None:
    await alc_customer(anonymous, app)
    boundary = "hranice"
    whole = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="subject"\r\n\r\nNejde to\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nPopis\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="product"\r\n\r\n{PRODUCT}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.log"\r\n\r\n'
    ).encode() + LOG
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    cut = await anonymous.post("/api/v1/tickets", content=whole, headers=headers)
    garbled = await anonymous.post(
        "/api/v1/tickets", content=b"--hranice\r\nnot a header\r\n\r\n", headers=headers
    )
    assert cut.status_code == 400 and garbled.status_code == 400, (cut.text, garbled.text)
    assert await counts() == (0, 0, 0, 0)
    complete = await anonymous.post(
        "/api/v1/tickets", content=whole + f"\r\n--{boundary}--\r\n".encode(), headers=headers
    )
    assert complete.status_code == 201, complete.text


async def test_staff_answer_with_files_through_the_api_reads_its_flags_as_json_would(
    anonymous, app, hotline
) -> None:
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with signed_in_staff(app) as staff:
        refused = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages",
            data={"body": "Pošlete prosím log.", "wait_for_customer": "maybe"},
            files=[("files", ("navod.txt", b"Postup: ...", "text/plain"))],
        )
        assert refused.status_code == 400 and "wait_for_customer" in refused.json()["errors"]
        asked = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages",
            data={"body": "Pošlete prosím log.", "wait_for_customer": "true"},
            files=[("files", ("navod.txt", b"Postup: ...", "text/plain"))],
        )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "waiting_on_customer"
    (answer,) = asked.json()["messages"]
    assert answer["from_staff"] and [a["name"] for a in answer["attachments"]] == ["navod.txt"]
    # the customer sees the engineer's file on their side, through the API and the page
    listed = (await anonymous.get(f"/api/v1/tickets/{ticket_id}/attachments")).json()
    assert [a["name"] for a in listed] == ["navod.txt"]
    assert (await anonymous.get(listed[0]["url"])).content == b"Postup: ..."


async def test_add_to_message_takes_sync_and_async_chunks_and_refuses_as_uploads_do(
    anonymous, app, hotline, limits
) -> None:
    """The interface e-mail in uses: inside the caller's transaction, the same limits, the same error."""
    from backend.attachments.services import IncomingFile, add_to_message
    from backend.db import write_transaction
    from backend.errors import TooLarge

    limits(ATTACHMENT_MAX_FILE_BYTES="3000", ATTACHMENT_MAX_TICKET_BYTES="5000")
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]

    async def streamed(pieces):
        for piece in pieces:
            yield piece

    async def new_message() -> int:
        return (
            await TicketMessage.insert(
                TicketMessage(ticket=ticket_id, author=None, author_name="e-mail", body="Z e-mailu")
            ).returning(TicketMessage.id)
        )[0]["id"]

    async with write_transaction():
        message_id = await new_message()
        ids = await add_to_message(
            message_id,
            [
                IncomingFile(
                    name="screen.png", chunks=streamed([png()[:10], png()[10:]]), declared_type="text/html"
                ),
                IncomingFile(name="mail.log", chunks=[LOG[:5], LOG[5:]]),
            ],
        )
    rows = await Attachment.select().where(Attachment.id.is_in(ids)).order_by(Attachment.id)
    assert [(r["content_type"], r["size"]) for r in rows] == [
        ("image/png", len(png())),
        ("text/plain", len(LOG)),
    ]
    before = await counts()
    with pytest.raises(TooLarge):
        async with write_transaction():
            message_id = await new_message()
            await add_to_message(
                message_id, [IncomingFile(name="big.bin", chunks=streamed([b"x" * 2000] * 2))]
            )
    assert await counts() == before


async def test_the_files_of_an_internal_note_are_the_support_teams_only(anonymous, app, hotline) -> None:
    """A note's file is listed for staff, and for the customer nowhere: not in the ticket, not in
    its file list, not by its address, not as a preview, not on the page."""
    await alc_customer(anonymous, app)
    ticket_id = (await anonymous.post("/api/v1/tickets", json=ticket(product=PRODUCT))).json()["id"]
    async with signed_in_staff(app) as staff:
        noted = await staff.post(
            f"/api/v1/staff/tickets/{ticket_id}/messages",
            data={"body": "Zákazník má starou licenci.", "internal": "true"},
            files=[("files", ("licence-interni.png", png(), "image/png"))],
        )
        assert noted.status_code == 201, noted.text
        (note,) = [m for m in noted.json()["messages"] if m["internal"]]
        (file,) = note["attachments"]
        assert (await staff.get(file["url"])).status_code == 200
        assert [a["name"] for a in (await staff.get(f"/api/v1/tickets/{ticket_id}/attachments")).json()] == [
            "licence-interni.png"
        ]
    seen = (await anonymous.get(f"/api/v1/tickets/{ticket_id}")).json()
    assert all(not m["attachments"] for m in seen["messages"])
    assert (await anonymous.get(f"/api/v1/tickets/{ticket_id}/attachments")).json() == []
    assert (await anonymous.get(f"/api/v1/attachments/{file['id']}")).status_code == 404
    assert (await anonymous.get(f"/attachments/{file['id']}")).status_code == 404
    assert (await anonymous.get(f"/attachments/{file['id']}/preview")).status_code == 404
    assert "licence-interni" not in (await anonymous.get(f"/tickets/{ticket_id}")).text
