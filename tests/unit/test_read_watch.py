"""The read watch's own rules (aws_mlops_async/read_watch.py): a late send is cancelled once,
after what the loop's turn already holds, so an answer read in that same turn wins."""

from __future__ import annotations

import asyncio
import time

import pytest

from aws_mlops_async.read_watch import ReadWatch

pytestmark = pytest.mark.timeout(10)


async def late_send(watch: ReadWatch) -> asyncio.Task[None]:
    """A send registered with a 10 ms read timeout that has run out."""
    task = asyncio.ensure_future(asyncio.sleep(5))
    watch.begin(task, 0.01)
    watch.waiting(task)
    await asyncio.sleep(0.05)
    return task


async def test_a_late_send_is_cancelled_when_its_read_timeout_runs_out():
    watch = ReadWatch()
    task = await late_send(watch)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert watch._watched[task].expired  # what the send tells its own cancellation by
    watch.close()


async def test_an_answer_read_in_the_turn_the_deadline_passes_wins():
    watch = ReadWatch()
    task = asyncio.ensure_future(asyncio.sleep(0.2))
    watch.begin(task, 5.0)
    watch.waiting(task)
    watch._watched[task].deadline = 0.0  # due now: the timer's look finds it late ...
    watch._look()
    watch.not_waiting(task)  # ... but its answer, read this turn, wakes the send first
    await asyncio.sleep(0)
    await task  # not cancelled
    assert not watch._watched[task].expired
    watch.close()


async def test_an_answer_that_came_while_the_loop_was_held_up_wins():
    # A blocking call holds the loop past the deadline while the answer comes; the loop then
    # runs the overdue timer first, and the answer wakes the send only a few turns later.
    watch = ReadWatch()
    loop = asyncio.get_running_loop()
    answered = loop.create_future()

    async def send() -> str:
        answer: str = await answered
        for _ in range(5):  # a server in the same loop, the socket, the response's parser
            await asyncio.sleep(0)
        watch.not_waiting(task)
        return answer

    task = asyncio.ensure_future(send())
    watch.begin(task, 0.05)
    watch.waiting(task)
    loop.call_later(0.01, time.sleep, 0.2)
    loop.call_later(0.02, answered.set_result, "answer")
    assert await task == "answer"
    assert not watch._watched[task].expired
    watch.close()
