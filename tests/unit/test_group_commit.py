"""Group commit without a database: who goes in which batch, and who gets which answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.group_commit import GroupCommit


class Recorder:
    """A writer that records its batches; an item "fail" is refused alone, "boom" fails the batch."""

    def __init__(self, pause: float = 0.01) -> None:
        self.batches: list[tuple[str, list[str]]] = []
        self.pause = pause

    async def write(self, key: str, items: Sequence[str]) -> list[str | Exception]:
        self.batches.append((key, list(items)))
        await asyncio.sleep(self.pause)  # the transaction's round trips
        if "boom" in items:
            raise RuntimeError("the database went away")
        return [ValueError(item) if item == "fail" else f"{key}:{item}" for item in items]


async def test_requests_arriving_during_a_batch_go_together_in_the_next_one() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.write)
    first = asyncio.create_task(group.submit("a", "1"))
    await asyncio.sleep(0)  # the writer starts on the first item alone
    rest = [asyncio.create_task(group.submit("a", str(n))) for n in range(2, 12)]
    answers = await asyncio.gather(first, *rest)
    assert answers == [f"a:{n}" for n in range(1, 12)]
    assert recorder.batches == [("a", ["1"]), ("a", [str(n) for n in range(2, 12)])]


async def test_each_key_has_its_own_batches_and_they_run_side_by_side() -> None:
    """Company a's batch waits until company b's has started: written one after the other, they
    would never finish."""
    b_started = asyncio.Event()
    batches: list[tuple[str, list[str]]] = []

    async def write(key: str, items: Sequence[str]) -> list[str]:
        batches.append((key, list(items)))
        if key == "a":
            await b_started.wait()
        else:
            b_started.set()
        return [f"{key}:{item}" for item in items]

    group = GroupCommit(write)
    answers = await asyncio.wait_for(asyncio.gather(group.submit("a", "x"), group.submit("b", "x")), 5)
    assert answers == ["a:x", "b:x"]
    assert sorted(batches) == [("a", ["x"]), ("b", ["x"])]


async def test_an_item_refused_alone_leaves_the_others_of_its_batch_answered() -> None:
    group = GroupCommit(Recorder().write)
    answers = await asyncio.gather(
        *(group.submit("a", item) for item in ("1", "fail", "3")), return_exceptions=True
    )
    assert answers[0] == "a:1" and answers[2] == "a:3"
    assert isinstance(answers[1], ValueError)


async def test_a_failed_batch_is_written_again_item_by_item_so_only_the_culprit_fails() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.write)
    answers = await asyncio.gather(
        *(group.submit("a", item) for item in ("1", "boom", "3")), return_exceptions=True
    )
    assert answers[0] == "a:1" and answers[2] == "a:3"
    assert isinstance(answers[1], RuntimeError)
    assert recorder.batches == [("a", ["1", "boom", "3"]), ("a", ["1"]), ("a", ["boom"]), ("a", ["3"])]
    assert await group.submit("a", "4") == "a:4"


async def test_a_writer_that_answers_too_few_items_fails_them_instead_of_leaving_them_waiting() -> None:
    async def short(key: str, items: Sequence[str]) -> list[str]:
        return [f"{key}:{item}" for item in items][:-1]

    group = GroupCommit(short)
    answers = await asyncio.wait_for(
        asyncio.gather(*(group.submit("a", item) for item in "xyz"), return_exceptions=True), 5
    )
    assert all(isinstance(answer, RuntimeError) for answer in answers)


async def test_a_caller_that_goes_away_does_not_stop_its_batch() -> None:
    recorder = Recorder(pause=0.05)
    group = GroupCommit(recorder.write)
    leaving = asyncio.create_task(group.submit("a", "1"))
    staying = asyncio.create_task(group.submit("a", "2"))
    await asyncio.sleep(0.01)
    leaving.cancel()
    assert await staying == "a:2"
    assert recorder.batches == [("a", ["1", "2"])]  # what was in the batch was written


async def test_a_caller_that_leaves_before_its_batch_starts_books_nothing() -> None:
    recorder = Recorder(pause=0.05)
    group = GroupCommit(recorder.write)
    first = asyncio.create_task(group.submit("a", "1"))
    await asyncio.sleep(0.01)  # "1" is being written; the next two wait for the next batch
    leaving = asyncio.create_task(group.submit("a", "2"))
    staying = asyncio.create_task(group.submit("a", "3"))
    await asyncio.sleep(0.01)
    leaving.cancel()
    assert await first == "a:1" and await staying == "a:3"
    assert recorder.batches == [("a", ["1"]), ("a", ["3"])]


async def test_batches_hold_at_most_max_batch_items() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.write, max_batch=4)
    await asyncio.gather(*(group.submit("a", str(n)) for n in range(10)))
    assert [len(items) for _key, items in recorder.batches] == [4, 4, 2]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from(["x", "y", "fail"])), max_size=30))
def test_every_caller_gets_the_answer_to_its_own_item_exactly_once(requests) -> None:
    """Whatever the mix of keys and refusals, each caller's answer is its own item's, and every
    item is written exactly once, in arrival order within its key."""

    async def run() -> None:
        recorder = Recorder(pause=0.001)
        group = GroupCommit(recorder.write, max_batch=5)
        tagged = [(key, f"{item}-{n}" if item != "fail" else item) for n, (key, item) in enumerate(requests)]
        answers = await asyncio.gather(
            *(group.submit(key, item) for key, item in tagged), return_exceptions=True
        )
        for (key, item), answer in zip(tagged, answers, strict=True):
            if item == "fail":
                assert isinstance(answer, ValueError)
            else:
                assert answer == f"{key}:{item}"
        for key in "ab":
            written = [item for batch_key, items in recorder.batches if batch_key == key for item in items]
            assert written == [item for item_key, item in tagged if item_key == key]

    asyncio.run(run())


@pytest.mark.parametrize("pause", [0.0, 0.01])
async def test_a_new_caller_after_the_queue_ran_dry_starts_a_new_writer(pause: float) -> None:
    recorder = Recorder(pause=pause)
    group = GroupCommit(recorder.write)
    assert await group.submit("a", "1") == "a:1"
    await asyncio.sleep(0)
    assert await group.submit("a", "2") == "a:2"
    assert recorder.batches == [("a", ["1"]), ("a", ["2"])]
