"""Files attached to Hotline messages, and the chunks the database store keeps them in.

An attachment hangs on its message, not on the ticket: whatever moves a message (a merge) moves
its files with it, and a ticket's files are found through the join."""

from __future__ import annotations

from piccolo.columns import BigInt, Bytea, ForeignKey, Integer, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.tickets.tables import TicketMessage


class Attachment(Table, tablename="attachment"):
    ticket_message = ForeignKey(references=TicketMessage, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)  # sanitised (attachments/domain.py)
    size = BigInt()
    content_type = Varchar(length=100)  # sniffed from the content, never the browser's word
    store = Varchar(length=12)  # database | filesystem
    store_key = Varchar(length=64, default="")  # the file's random name in the filesystem store
    chunks = Integer(default=0)  # how many AttachmentChunk rows hold it (database store)
    created_at = Timestamptz(default=TimestamptzNow())


class AttachmentChunk(Table, tablename="attachment_chunk"):
    attachment = ForeignKey(references=Attachment, on_delete=OnDelete.cascade, index=True)
    seq = Integer()
    data = Bytea()
