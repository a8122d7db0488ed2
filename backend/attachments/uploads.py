"""Multipart uploads read as a stream, never whole into memory.

Litestar's own form parsing (and any ``request.body()``) holds the entire request in memory; a
25 MB screenshot would be 25 MB of RAM per upload. On the routes marked with ``UPLOAD_FORM`` or
``UPLOAD_JSON``, this middleware instead reads the ASGI stream through python-multipart's
streaming parser: each file goes into a spooled temporary file (memory for a small one, disk
beyond that), a file over the limit is not kept at all (only its name and that it was too big),
and the text fields are collected. The handler then gets the fields as the body it always took
(url-encoded for a page, JSON for the API, so the same Struct and the same checks read them) and
the files from ``received_files(request)``.

CSRF: the CSRF middleware does not read a multipart body on these routes (that would read the
whole request); it leaves the expected token in the scope, and this checks the ``_csrf_token``
field from the same stream before the handler runs."""

from __future__ import annotations

import hmac
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlencode

from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.empty import Empty
from litestar.utils.scope.state import ScopeState
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from backend.accounts.csrf import CSRF_DEFERRED, UPLOAD_OPT
from backend.attachments.domain import megabytes
from backend.attachments.services import IncomingFile
from backend.errors import N_, MalformedInput, TooLarge
from backend.settings import get_settings
from backend.validation import field_type, struct_fields

OPT = UPLOAD_OPT
RECEIVED = "attachments_received"
FORM_FIELD = "_csrf_token"
FIELDS_MAX_BYTES = 1024 * 1024  # all text fields together (a message is at most 50 000 characters)
IN_MEMORY_BYTES = 512 * 1024  # a spooled file moves to disk beyond this
READ_BYTES = 256 * 1024
UNREADABLE = N_("The upload cannot be read as multipart/form-data (it may have been cut off).")
TOO_LARGE_REQUEST = N_("The upload is larger than %(limit)s MB, the most a ticket may hold.")


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: str | None = None
    size: int = 0
    text: bytearray = field(default_factory=bytearray)
    spool: IO[bytes] | None = None


@dataclass
class Received:
    """What an upload carried besides its text fields."""

    files: list[IncomingFile]
    spools: list[IO[bytes]]

    def close(self) -> None:
        for spool in self.spools:
            spool.close()


def _read(spool: IO[bytes]) -> Iterator[bytes]:
    spool.seek(0)
    while chunk := spool.read(READ_BYTES):
        yield chunk


class _Parser:
    def __init__(self, boundary: bytes, max_file: int) -> None:
        self.max_file = max_file
        self.parts: list[_Part] = []
        self.fields_size = 0
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self.ended = False
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_end": self._end,
            },
        )

    def _end(self) -> None:
        self.ended = True

    def _begin(self) -> None:
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        part = _Part(name=options.get(b"name", b"").decode("utf-8", "replace"))
        if b"filename" in options:
            part.filename = options[b"filename"].decode("utf-8", "replace")
            part.content_type = self._headers.get("content-type", b"").decode("latin-1") or None
            part.spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)
        self.parts.append(part)

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self.parts[-1]
        part.size += end - start
        if part.filename is None:
            self.fields_size += end - start
            if self.fields_size > FIELDS_MAX_BYTES:
                raise MalformedInput(N_("The form's text fields are too long."))
            part.text.extend(data[start:end])
        elif part.spool is not None:
            if part.size > self.max_file:  # keep nothing of it: the use case refuses it by name
                part.spool.close()
                part.spool = None
            else:
                part.spool.write(data[start:end])

    def write(self, data: bytes) -> None:
        try:
            self.parser.write(data)
        except MultipartParseError:
            raise MalformedInput(UNREADABLE) from None


def _fields(parts: list[_Part]) -> list[tuple[str, str]]:
    try:
        return [(p.name, p.text.decode("utf-8")) for p in parts if p.filename is None]
    except UnicodeDecodeError:
        raise MalformedInput(N_("The form is not written in UTF-8.")) from None


def _json_body(scope: Scope, fields: list[tuple[str, str]]) -> bytes:
    """The text fields as the JSON object the handler's Struct reads: the last value of each,
    booleans and whole numbers as JSON has them (anything else stays text, for the same strict
    check a JSON request gets)."""
    values = {name: value for name, value in fields if name != FORM_FIELD}
    data = scope["route_handler"].parsed_fn_signature.parameters.get("data")
    kinds = struct_fields(field_type(data.annotation).base) if data is not None else {}
    out: dict[str, Any] = {}
    for name, value in values.items():
        base = kinds[name][1].base if name in kinds else str
        if base is bool and value.lower() in ("true", "false", "1", "0", "on", "off", ""):
            out[name] = value.lower() in ("true", "1", "on")
        elif base is int and value.strip().lstrip("-").isdigit():
            out[name] = int(value)
        else:
            out[name] = value
    return json.dumps(out).encode()


def _with_headers(scope: Scope, content_type: bytes, length: int) -> None:
    headers = [
        (name, value)
        for name, value in scope["headers"]
        if name.lower() not in (b"content-type", b"content-length", b"transfer-encoding")
    ]
    scope["headers"] = [*headers, (b"content-type", content_type), (b"content-length", str(length).encode())]
    state = ScopeState.from_scope(scope)
    state.headers = Empty  # the CSRF middleware has read (and cached) the original ones
    state.content_type = Empty


class StreamedUploadMiddleware(ASGIMiddleware):
    scopes = ("http",)  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = {name.lower(): value for name, value in scope["headers"]}
        kind, options = parse_options_header(headers.get(b"content-type", b""))
        if kind != b"multipart/form-data" or b"boundary" not in options:
            if CSRF_DEFERRED in scope:  # cannot happen: the CSRF middleware defers multipart only
                raise PermissionDeniedException("CSRF token verification failed")
            await next_app(scope, receive, send)
            return
        settings = get_settings()
        # the most one request may sensibly carry: a ticket's worth of files and the text
        limit = settings.attachment_max_ticket_bytes + FIELDS_MAX_BYTES
        refusal = TooLarge(
            TOO_LARGE_REQUEST, field="files", limit=megabytes(settings.attachment_max_ticket_bytes)
        )
        announced = headers.get(b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > limit:
            raise refusal
        parser = _Parser(options[b"boundary"], settings.attachment_max_file_bytes)
        received = Received(files=[], spools=[])
        try:
            total = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body = message.get("body", b"")
                total += len(body)
                if total > limit:
                    raise refusal
                parser.write(body)
                if not message.get("more_body", False):
                    break
            if not parser.ended:  # cut off before its last boundary: keep nothing of it
                raise MalformedInput(UNREADABLE)
            for part in parser.parts:
                if part.spool is not None:
                    received.spools.append(part.spool)
            fields = _fields(parser.parts)
            if CSRF_DEFERRED in scope:
                expected = scope[CSRF_DEFERRED]  # type: ignore[literal-required]
                sent = next((value for name, value in fields if name == FORM_FIELD), None)
                if not (expected and sent and hmac.compare_digest(sent, expected)):
                    raise PermissionDeniedException("CSRF token verification failed")
            for part in parser.parts:
                if part.filename is None or (not part.filename and part.size == 0):
                    continue  # a text field, or a file input left empty
                spool = part.spool
                received.files.append(
                    IncomingFile(
                        name=part.filename,
                        declared_type=part.content_type,
                        chunks=_read(spool) if spool is not None else iter(()),
                        size=part.size,
                    )
                )
            if scope["route_handler"].opt[OPT] == "json":
                new_body, new_type = _json_body(scope, fields), b"application/json"
            else:
                new_body = urlencode(fields).encode()
                new_type = b"application/x-www-form-urlencoded"
            _with_headers(scope, new_type, len(new_body))
            scope[RECEIVED] = received  # type: ignore[literal-required]
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": new_body, "more_body": False}

            await next_app(scope, replay, send)
        finally:
            received.close()
            for part in parser.parts:
                if part.spool is not None:
                    part.spool.close()


def received_files(request: Any) -> list[IncomingFile]:
    """The files the upload carried (none for a JSON or url-encoded request)."""
    received = request.scope.get(RECEIVED)
    return list(received.files) if received is not None else []


# spread into a route decorator: that route takes multipart uploads as a stream
UPLOAD_FORM: dict[str, Any] = {"opt": {OPT: "form"}, "middleware": [StreamedUploadMiddleware()]}
UPLOAD_JSON: dict[str, Any] = {"opt": {OPT: "json"}, "middleware": [StreamedUploadMiddleware()]}
