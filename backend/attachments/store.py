"""Where attachment bytes live, behind one small interface: in the database by default (chunks
written in the message's own transaction, so nothing is orphaned and every app process sees
them), or as files under ``attachment_dir`` (setting ``attachment_store="filesystem"``).

Neither holds a whole file in memory: ``write`` takes the bytes as they arrive, ``read`` gives
them back a chunk at a time."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import anyio

from backend.attachments.tables import AttachmentChunk
from backend.db import on_rollback
from backend.settings import get_settings

CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Stored:
    key: str  # the file's name in the filesystem store; "" in the database
    chunks: int  # how many chunk rows (database store)


class AttachmentStore(Protocol):
    name: str

    async def write(self, attachment_id: int, data: AsyncIterator[bytes]) -> Stored:
        """Keep the bytes of a new attachment; called inside the write transaction that inserts
        its row, so a rollback leaves nothing behind."""
        ...

    def read(self, row: dict[str, Any]) -> AsyncIterator[bytes]:
        """The bytes of a stored attachment (its row), a chunk at a time."""
        ...


async def _rechunked(data: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The incoming pieces (whatever size the client sent) as CHUNK_BYTES-sized chunks."""
    pending = bytearray()
    async for piece in data:
        pending += piece
        while len(pending) >= CHUNK_BYTES:
            yield bytes(pending[:CHUNK_BYTES])
            del pending[:CHUNK_BYTES]
    if pending:
        yield bytes(pending)


class DatabaseStore:
    name = "database"

    async def write(self, attachment_id: int, data: AsyncIterator[bytes]) -> Stored:
        seq = 0
        async for chunk in _rechunked(data):
            await AttachmentChunk.insert(AttachmentChunk(attachment=attachment_id, seq=seq, data=chunk))
            seq += 1
        return Stored(key="", chunks=seq)

    async def read(self, row: dict[str, Any]) -> AsyncIterator[bytes]:
        # a query per chunk, each on its own: no transaction or connection is held between them
        for seq in range(row["chunks"]):
            chunk = (
                await AttachmentChunk.select(AttachmentChunk.data)
                .where((AttachmentChunk.attachment == row["id"]) & (AttachmentChunk.seq == seq))
                .first()
            )
            if chunk is None:  # deleted while it was being read (its ticket merged away and gone)
                return
            yield bytes(chunk["data"])


class FilesystemStore:
    name = "filesystem"

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        if not key or not key.isalnum():  # a random hex name, never a path from anywhere else
            raise ValueError(f"not an attachment key: {key!r}")
        return self.folder / key

    async def write(self, attachment_id: int, data: AsyncIterator[bytes]) -> Stored:
        await anyio.to_thread.run_sync(lambda: self.folder.mkdir(parents=True, exist_ok=True))
        key = secrets.token_hex(16)
        final = self._path(key)
        temporary = self.folder / f".{key}.part"
        on_rollback(lambda: [path.unlink(missing_ok=True) for path in (temporary, final)])
        handle = await anyio.open_file(temporary, "wb")
        try:
            async for chunk in _rechunked(data):
                await handle.write(chunk)
        finally:
            await handle.aclose()
        await anyio.to_thread.run_sync(os.replace, temporary, final)
        return Stored(key=key, chunks=0)

    async def read(self, row: dict[str, Any]) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(row["store_key"]), "rb") as handle:
            while chunk := await handle.read(CHUNK_BYTES):
                yield chunk


def current_store() -> AttachmentStore:
    """The store new attachments go to (the setting); each stored row names its own store."""
    settings = get_settings()
    if settings.attachment_store == "filesystem":
        return FilesystemStore(settings.attachment_dir)
    return DatabaseStore()


def store_of(row: dict[str, Any]) -> AttachmentStore:
    if row["store"] == FilesystemStore.name:
        return FilesystemStore(get_settings().attachment_dir)
    return DatabaseStore()
