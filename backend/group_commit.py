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
# to raise for it alone. Raising fails every item of the batch with that error.
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
        waiting: _Waiting[T, R] = _Waiting(item)
        self._queues.setdefault(key, []).append(waiting)
        writer = self._writers.get(key)
        if writer is None or writer.done() or writer.get_loop() is not asyncio.get_running_loop():
            # a context of its own: the batch must not join the first caller's transaction or
            # borrow its request's language and address
            self._writers[key] = asyncio.create_task(self._drain(key), context=contextvars.Context())
        return await waiting.answer

    async def _drain(self, key: K) -> None:
        """Write batches of ``key`` until nobody waits; a new caller starts a new writer."""
        try:
            while queue := self._queues.pop(key, None):
                batch, rest = queue[: self._max_batch], queue[self._max_batch :]
                if rest:
                    self._queues[key] = rest
                await self._write_batch(key, batch)
        finally:
            if self._writers.get(key) is asyncio.current_task():
                del self._writers[key]

    async def _write_batch(self, key: K, batch: list[_Waiting[T, R]]) -> None:
        try:
            results = await self._write(key, [waiting.item for waiting in batch])
        except Exception as error:
            for waiting in batch:
                if not waiting.answer.done():
                    waiting.answer.set_exception(error)
            return
        except BaseException:  # cancelled with the app: nobody is left to answer
            for waiting in batch:
                waiting.answer.cancel()
            raise
        for waiting, result in zip(batch, results, strict=True):
            if waiting.answer.done():  # the caller went away; what was booked stays booked
                continue
            if isinstance(result, Exception):
                waiting.answer.set_exception(result)
            else:
                waiting.answer.set_result(result)
