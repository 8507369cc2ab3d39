"""`after_settling`: a watchdog lets the loop run a few turns before it believes a silence,
however slow those turns are, and learns whether the loop was held up meanwhile."""

from __future__ import annotations

import asyncio
import time

import pytest

from aws_mlops_async.settling import SETTLE_TURNS, after_settling

pytestmark = pytest.mark.timeout(10)


def blocking(seconds: float) -> None:
    time.sleep(seconds)  # holds the whole loop


async def test_settling_on_a_loop_of_slow_turns_ends_after_a_few_of_them() -> None:
    # Another task blocks the loop 50 ms at each step: 20 turns would take a second.
    loop = asyncio.get_running_loop()
    running = True

    async def slow_steps() -> None:
        while running:
            blocking(0.05)
            await asyncio.sleep(0)

    busy = asyncio.ensure_future(slow_steps())
    settled: asyncio.Future[float] = loop.create_future()
    started = loop.time()
    after_settling(settled.set_result, seconds=0)
    await settled
    took = loop.time() - started
    running = False
    await busy
    assert took < SETTLE_TURNS * 0.05 / 2, took


async def test_settling_says_how_long_the_loop_was_held_up() -> None:
    loop = asyncio.get_running_loop()
    calm: asyncio.Future[float] = loop.create_future()
    after_settling(calm.set_result, seconds=0.01)
    assert await calm < 0.05
    held: asyncio.Future[float] = loop.create_future()
    after_settling(held.set_result, seconds=0.01)
    blocking(0.3)  # past the settling's moment
    assert await held >= 0.2


async def test_a_settling_cancelled_calls_nothing() -> None:
    loop = asyncio.get_running_loop()
    called: list[float] = []
    pending: list[asyncio.Handle] = []
    after_settling(called.append, seconds=0.05, pending=pending)
    await asyncio.sleep(0.01)  # before its moment is over
    for handle in pending:
        handle.cancel()
    after_settling(called.append, seconds=0, pending=pending)
    for _ in range(3):  # into its turns
        await asyncio.sleep(0)
    for handle in pending:
        handle.cancel()
    await asyncio.sleep(0.1)
    assert called == [] and loop.is_running()
