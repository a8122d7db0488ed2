"""Group commit: requests that must be serialised on one key (a company's credit) and arrive
while a transaction for that key is being written wait and go together in the next one.

A change of credit holds the company's account lock across every statement of its transaction.
One transaction per request makes the requests queue on that lock, each waiting out the others'
round trips; one transaction per batch takes the lock once and writes the whole batch in a
fixed number of statements, so the lock is held per batch, not per request. The writer still
decides each request on its own, in arrival order, and answers each with its own result or
error (docs/performance.md).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
R = TypeVar("R")

# writes one batch in one transaction; returns, per item and in order, its result or the error
# to raise for it alone. When it raises, nothing of the batch may have been written: each item is
# then written again alone, so that one item's failure is that item's answer only.
Writer = Callable[[K, Sequence[T]], Awaitable[Sequence[R | Exception]]]


@dataclass(slots=True)
class _Waiting(Generic[T, R]):
    item: T
    answer: asyncio.Future[R] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class GroupCommit(Generic[K, T, R]):
    def __init__(self, write: Writer[K, T, R], *, max_batch: int = 100) -> None:
        self._write = write
        self._max_batch = max_batch
        self._queues: dict[K, list[_Waiting[T, R]]] = {}
        self._writers: dict[K, asyncio.Task[None]] = {}

    async def submit(self, key: K, item: T) -> R:
        """Queue ``item`` for the next batch of ``key`` and wait for its own answer."""
        loop = asyncio.get_running_loop()
        writer = self._writers.get(key)
        if writer is not None and writer.get_loop() is not loop:
            # left by an event loop that is gone (one per test): its callers are gone with it
            del self._writers[key]
            self._queues.pop(key, None)
            writer = None
        waiting: _Waiting[T, R] = _Waiting(item)
        self._queues.setdefault(key, []).append(waiting)
        if writer is None or writer.done():
            # a context of its own: the batch must not join the first caller's transaction or
            # borrow its request's language and address
            self._writers[key] = loop.create_task(self._drain(key), context=contextvars.Context())
        return await waiting.answer

    async def _drain(self, key: K) -> None:
        """Write batches of ``key`` until nobody waits; a new caller starts a new writer."""
        try:
            while queue := self._queues.pop(key, None):
                waiting = [w for w in queue if not w.answer.done()]  # a caller that left books nothing
                batch, rest = waiting[: self._max_batch], waiting[self._max_batch :]
                if rest:
                    self._queues[key] = rest
                if batch:
                    await self._write_batch(key, batch)
        finally:
            if self._writers.get(key) is asyncio.current_task():
                del self._writers[key]
                # only when the writer itself failed or was cancelled: nobody would answer these
                for waiting in self._queues.pop(key, []):
                    if not waiting.answer.done():
                        waiting.answer.cancel()

    async def _write_batch(self, key: K, batch: list[_Waiting[T, R]]) -> None:
        try:
            results = await self._write(key, [waiting.item for waiting in batch])
            if len(results) != len(batch) or any(result is None for result in results):
                raise RuntimeError(f"the writer answered {len(results)} of {len(batch)} items")
        except Exception as error:
            if len(batch) > 1:
                # one item's failure (or a lost connection) must not decide the others: nothing of
                # the batch was written, so each is written again on its own
                for waiting in batch:
                    await self._write_batch(key, [waiting])
                return
            if not batch[0].answer.done():
                batch[0].answer.set_exception(error)
            return
        except BaseException:  # cancelled with the app: nobody is left to answer
            for waiting in batch:
                waiting.answer.cancel()
            raise
        for waiting, result in zip(batch, results, strict=True):
            if waiting.answer.done():  # the caller went away while its batch was written
                continue
            if isinstance(result, Exception):
                waiting.answer.set_exception(result)
            else:
                waiting.answer.set_result(result)
