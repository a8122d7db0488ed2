"""The pages' links to attachments: the download, and an inline preview of an image."""

from __future__ import annotations

from litestar import Router, get
from litestar.response import Stream

from backend.accounts import guards
from backend.accounts.api import ACTOR, CurrentActor
from backend.attachments import services
from backend.attachments.api import download_response
from backend.params import RowId


@get("/{attachment_id:int}", include_in_schema=False)
async def attachment_download(actor: CurrentActor, attachment_id: RowId) -> Stream:
    return download_response(await services.open_download(actor, attachment_id))


@get("/{attachment_id:int}/preview", include_in_schema=False)
async def attachment_preview(actor: CurrentActor, attachment_id: RowId) -> Stream:
    """Only png, jpeg, gif and webp, shown in the thread; anything else is 404 here."""
    return download_response(await services.open_download(actor, attachment_id, preview=True), inline=True)


router = Router(
    path="/attachments",
    route_handlers=[attachment_download, attachment_preview],
    guards=[guards.signed_in],
    dependencies=ACTOR,
)
