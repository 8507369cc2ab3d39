"""`Patience.within`: the watchdog that ends a call in flight once it has gone
``give_up_after`` seconds without an answer, for watches and log followers alike."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from aws_mlops_async import EndpointUnreachable
from aws_mlops_async.patience import Patience

pytestmark = pytest.mark.timeout(10)


class Sent:
    """What `within` asks of a client: where its requests went."""

    sent_to = "127.0.0.1:9"


async def test_a_call_in_flight_past_give_up_after_ends_naming_the_endpoint() -> None:
    patience = Patience(0.1)
    started = time.monotonic()
    with pytest.raises(EndpointUnreachable) as caught:
        await patience.within(asyncio.sleep(5), "DescribeServiceJob", Sent())  # type: ignore[arg-type]
    assert time.monotonic() - started < 1
    assert caught.value.endpoint == "127.0.0.1:9"
    # give_up_after, and the moment the watchdog lets the loop settle before believing it
    assert re.search(
        r"No answer from 127\.0\.0\.1:9 for 0\.[12] s while DescribeServiceJob", str(caught.value)
    )
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_only_the_calls_own_time_counts_not_the_consumers() -> None:
    # Generous margins: a loaded machine may hold the loop for a good part of a second.
    patience = Patience(1.0)
    await asyncio.sleep(1.5)  # a consumer (or a sleep between looks) longer than give_up_after
    answer = await patience.within(asyncio.sleep(0.01, "answer"), "ListServiceJobs", None)
    assert answer == "answer"
    await asyncio.sleep(1.2)  # no cancellation is left behind for a later wait
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]


async def test_answers_during_the_call_keep_it_going() -> None:
    patience = Patience(0.15)

    async def answering() -> str:
        for _ in range(4):  # 0.4 s in all, an answer every 0.1 s
            await asyncio.sleep(0.1)
            patience.answered()
        return "done"

    assert await patience.within(answering(), "GetLogEvents", None) == "done"


async def test_the_callers_own_cancellation_goes_through() -> None:
    patience = Patience(0.1)
    task = asyncio.create_task(patience.within(asyncio.sleep(5), "GetLogEvents", None))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_answer_that_came_while_the_loop_stalled_is_read_not_given_up() -> None:
    # A blocking call holds the loop while the answer arrives. When the loop runs again its
    # overdue watchdog comes in the same turn as the answer, before the call could read it.
    patience = Patience(0.2)
    loop = asyncio.get_running_loop()

    async def answered_during_a_stall() -> str:
        came = loop.create_future()
        loop.call_later(0.01, time.sleep, 0.4)
        loop.call_later(0.05, came.set_result, "answer")
        answer: str = await came
        for _ in range(3):  # reading it takes a few turns
            await asyncio.sleep(0)
        return answer

    assert await patience.within(answered_during_a_stall(), "DescribeServiceJob", None) == "answer"
