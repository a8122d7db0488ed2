"""JSON API of attachments: a ticket's files and one file's streamed download (customers their
company's, staff all); uploads go with the ticket and message routes (multipart, see uploads.py)."""

from __future__ import annotations

import re

from litestar import Controller, Litestar, get
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Schema
from litestar.response import Stream
from litestar.routes import HTTPRoute

from backend.accounts.api import ACTOR, CurrentActor
from backend.accounts.guards import signed_in
from backend.attachments import services
from backend.attachments.domain import content_disposition
from backend.attachments.schemas import AttachmentOut
from backend.attachments.services import Download
from backend.attachments.uploads import OPT
from backend.params import RowId


def download_response(download: Download, *, inline: bool = False) -> Stream:
    """The file as it is read from the store, under its own name, as the type it was found to be;
    the browser must not guess another. Inline (previews of images only): in a sandbox."""
    file = download.attachment
    headers = {
        "Content-Disposition": content_disposition(file.name, inline=inline),
        "Content-Length": str(file.size),
        "X-Content-Type-Options": "nosniff",
    }
    if inline:
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return Stream(download.chunks, media_type=file.content_type, headers=headers)


class AttachmentController(Controller):
    path = "/api/v1"
    tags = ["tickets"]
    guards = [signed_in]
    dependencies = ACTOR

    @get("/tickets/{ticket_id:int}/attachments")
    async def ticket_attachments(self, actor: CurrentActor, ticket_id: RowId) -> list[AttachmentOut]:
        """Every file of the ticket's messages, oldest first (staff: any ticket)."""
        return await services.for_ticket(actor, ticket_id)

    @get(
        "/attachments/{attachment_id:int}",
        response_description="The file's bytes, as the type found in its content.",
    )
    async def download(self, actor: CurrentActor, attachment_id: RowId) -> Stream:
        """Download one file (``Content-Disposition: attachment``), streamed."""
        return download_response(await services.open_download(actor, attachment_id))


FILES = Schema(
    type=OpenAPIType.OBJECT,
    properties={
        "files": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
            description="Files to attach (repeat the field); limits in the settings.",
        )
    },
)


DOWNLOAD_PATH = "/api/v1/attachments/{attachment_id}"


def document_uploads(app: Litestar) -> None:
    """The routes that take streamed uploads also take their JSON body's fields as a
    multipart/form-data form, with ``files`` besides; a download answers with the file's own type."""
    paths = app.openapi_schema.paths or {}
    if DOWNLOAD_PATH in paths and paths[DOWNLOAD_PATH].get is not None:
        answer = (paths[DOWNLOAD_PATH].get.responses or {})["200"]
        if isinstance(answer, OpenAPIResponse):
            answer.content = {
                "*/*": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
            }
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for handler in route.route_handlers:
            if handler.opt.get(OPT) != "json" or path not in paths:
                continue
            for method in handler.http_methods:
                operation = getattr(paths[path], method.lower(), None)
                if operation is None or operation.request_body is None:
                    continue
                content = operation.request_body.content
                fields = content["application/json"].schema
                content["multipart/form-data"] = OpenAPIMediaType(schema=Schema(all_of=[fields, FILES]))
