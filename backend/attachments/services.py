"""Use cases of attachments: adding files to a Hotline message (within the message's own
transaction), listing a ticket's files and opening one for download, each scoped like the ticket.

The interface for other features (e-mail in files an e-mail's attachments into its ticket)::

    async with write_transaction():
        message_id = ...  # the TicketMessage just inserted
        ids = await add_to_message(message_id, [IncomingFile(name=..., chunks=..., declared_type=...)])

``add_to_message`` must run inside the caller's ``write_transaction``: it enforces the same limits
as an upload from the portal (``attachment_max_file_bytes`` a file, ``attachment_max_ticket_bytes``
a ticket, counting the files it already has) and raises ``TooLarge`` when one is broken, so the
caller's transaction rolls back with nothing of the message stored (a filesystem store's files
are removed then too). ``chunks`` is an iterable or async iterable of bytes, read once, in order;
the type is told from the content (attachments/domain.py): ``declared_type`` is what the sender
claimed, accepted so callers need not drop it, and never trusted nor stored."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from piccolo.query.functions.aggregate import Sum

from backend.accounts.domain import Actor
from backend.attachments import domain
from backend.attachments.schemas import AttachmentOut
from backend.attachments.store import current_store, store_of
from backend.attachments.tables import Attachment
from backend.clock import aware, now
from backend.db import locked
from backend.errors import N_, NotFound, TooLarge
from backend.settings import get_settings
from backend.tickets.tables import Ticket, TicketMessage

FILE_TOO_LARGE = N_("The file %(name)s is larger than %(limit)s MB.")
TICKET_TOO_LARGE = N_(
    "With %(name)s the files of this ticket would come to more than %(limit)s MB, the most a ticket may hold."
)
NOT_FOUND = N_("Attachment not found.")


@dataclass
class IncomingFile:
    """A file on its way in: its name as sent, what the sender said it is (never trusted), its
    bytes in order (sync or async), and its size when the upload already counted it."""

    name: str
    chunks: Iterable[bytes] | AsyncIterable[bytes]
    declared_type: str | None = None
    size: int | None = None


def visible_to(actor: Actor, message: dict[str, Any]) -> bool:
    """Whether ``actor`` may see the files of ``message`` (a row with its ticket's ``company`` and
    its ``internal`` flag). The one access rule of attachments: staff see all; a customer only
    their company's tickets', and never the files of an internal note."""
    if actor.is_staff:
        return True
    if message["internal"]:
        return False
    return actor.company_id is not None and message["company"] == actor.company_id


def _out(row: dict[str, Any]) -> AttachmentOut:
    return AttachmentOut(
        id=row["id"],
        name=row["name"],
        size=row["size"],
        content_type=row["content_type"],
        url=f"/api/v1/attachments/{row['id']}",
        preview=row["content_type"] in domain.PREVIEW_TYPES,
        created_at=aware(row["created_at"]),
    )


@cache  # Piccolo builds joined columns by copying: once per process
def _columns() -> tuple[Any, ...]:
    return (
        *Attachment.all_columns(),
        Attachment.ticket_message.ticket.as_alias("ticket"),
        Attachment.ticket_message.ticket.company.as_alias("company"),
        Attachment.ticket_message.from_staff.as_alias("from_staff"),
        Attachment.ticket_message.internal.as_alias("internal"),
    )


async def ticket_bytes(ticket_id: int) -> int:
    """What the files of a ticket's messages come to, in bytes (through the messages: files
    follow their message wherever it goes)."""
    row = (
        await Attachment.select(Sum(Attachment.size).as_alias("total"))
        .where(Attachment.ticket_message.ticket == ticket_id)
        .first()
    )
    return int((row or {}).get("total") or 0)


async def _pieces(chunks: Iterable[bytes] | AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    if isinstance(chunks, AsyncIterable):
        async for piece in chunks:
            yield bytes(piece)
    else:
        for piece in chunks:
            yield bytes(piece)


class _Counted:
    """The bytes of one file as they are stored: counted against the limits (raising TooLarge
    the moment one is passed) and the head kept for telling the type."""

    def __init__(self, chunks: Any, name: str, max_file: int, room: int, max_ticket: int) -> None:
        self.chunks, self.name = chunks, name
        self.max_file, self.room, self.max_ticket = max_file, room, max_ticket
        self.size = 0
        self.head = b""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for piece in _pieces(self.chunks):
            self.size += len(piece)
            _check(self.name, self.size, self.max_file, self.room, self.max_ticket)
            if len(self.head) < domain.HEAD_BYTES:
                self.head += piece[: domain.HEAD_BYTES - len(self.head)]
            yield piece


def _check(name: str, size: int, max_file: int, room: int, max_ticket: int) -> None:
    if size > max_file:
        raise TooLarge(FILE_TOO_LARGE, field="files", name=name, limit=domain.megabytes(max_file))
    if size > room:
        raise TooLarge(TICKET_TOO_LARGE, field="files", name=name, limit=domain.megabytes(max_ticket))


async def add_to_message(message_id: int, files: Sequence[IncomingFile]) -> list[int]:
    """Store ``files`` as attachments of the message; inside the caller's write_transaction
    (see the module's docstring). Returns the new attachments' ids, in the order given."""
    if not files:
        return []
    settings = get_settings()
    max_file, max_ticket = settings.attachment_max_file_bytes, settings.attachment_max_ticket_bytes
    message = await TicketMessage.select(TicketMessage.ticket).where(TicketMessage.id == message_id).first()
    if message is None:
        raise NotFound(N_("Message not found."))
    # the ticket's row lock makes two uploads to one ticket count its total one after the other
    await locked(Ticket.select(Ticket.id).where(Ticket.id == message["ticket"])).first()
    room = max_ticket - await ticket_bytes(message["ticket"])
    names = [domain.safe_name(file.name) for file in files]
    for name, file in zip(names, files, strict=True):  # what the upload already counted: refuse early
        if file.size is not None:
            _check(name, file.size, max_file, room, max_ticket)
            room -= file.size
    room = max_ticket - await ticket_bytes(message["ticket"])
    store = current_store()
    ids = []
    for name, file in zip(names, files, strict=True):
        attachment_id = (
            await Attachment.insert(
                Attachment(
                    ticket_message=message_id,
                    name=name,
                    size=0,
                    content_type=domain.OCTET_STREAM,
                    store=store.name,
                    created_at=now(),
                )
            ).returning(Attachment.id)
        )[0]["id"]
        counted = _Counted(file.chunks, name, max_file, room, max_ticket)
        stored = await store.write(attachment_id, counted.__aiter__())
        await Attachment.update(
            {
                Attachment.size: counted.size,
                Attachment.content_type: domain.sniff(counted.head, name),
                Attachment.store_key: stored.key,
                Attachment.chunks: stored.chunks,
            }
        ).where(Attachment.id == attachment_id)
        room -= counted.size
        ids.append(attachment_id)
    return ids


async def by_message(actor: Actor, ticket_ids: Sequence[int]) -> dict[int, list[AttachmentOut]]:
    """The files of the tickets' messages the actor may see, by message id (one query)."""
    if not ticket_ids:
        return {}
    rows = (
        await Attachment.select(*_columns())
        .where(Attachment.ticket_message.ticket.is_in(list(ticket_ids)))
        .order_by(Attachment.id)
    )
    found: dict[int, list[AttachmentOut]] = {}
    for row in rows:
        if visible_to(actor, row):
            found.setdefault(row["ticket_message"], []).append(_out(row))
    return found


async def for_ticket(actor: Actor, ticket_id: int) -> list[AttachmentOut]:
    """Every file of a ticket the actor may see, oldest first; another company's ticket is 404."""
    ticket = Ticket.select(Ticket.company).where(Ticket.id == ticket_id)
    row = await ticket.first()
    if row is None or not (actor.is_staff or row["company"] == actor.company_id):
        raise NotFound(N_("Ticket not found."))
    return [item for items in (await by_message(actor, [ticket_id])).values() for item in items]


@dataclass(frozen=True)
class Download:
    attachment: AttachmentOut
    chunks: AsyncIterator[bytes]


async def open_download(actor: Actor, attachment_id: int, *, preview: bool = False) -> Download:
    """One file for the actor, read chunk by chunk as it is sent. Another company's file, or for
    ``preview`` anything but a png, jpeg, gif or webp image, is 404."""
    row = await Attachment.select(*_columns()).where(Attachment.id == attachment_id).first()
    if row is None or not visible_to(actor, row):
        raise NotFound(NOT_FOUND)
    if preview and row["content_type"] not in domain.PREVIEW_TYPES:
        raise NotFound(NOT_FOUND)
    return Download(attachment=_out(row), chunks=store_of(row).read(row).__aiter__())
