"""Read timeouts kept by the transport's one watch timer (aws_mlops_async/read_watch.py), over
real HTTP on a loopback server: each send ends at its own timeout, however many are in flight
with other timeouts; waiting for a pooled connection is not reading; a caller's own
cancellation stays a cancellation; a given aiohttp session is watched the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
import pytest
from aiohttp import web
from support import LoopbackServer, delay, json_reply

from aws_mlops_async import Config, Session, Timeout

pytestmark = pytest.mark.timeout(30)

DESCRIBED = {
    "jobId": "j",
    "jobName": "j",
    "jobQueue": "q",
    "status": "RUNNING",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "startedAt": 1,
}


async def never_answers(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(3600)
    raise AssertionError("unreachable")


async def timed(call: asyncio.Future[object] | object) -> tuple[BaseException | None, float]:
    """What a call raised (None: nothing) and how long it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        await call  # type: ignore[misc]
    except Exception as error:
        return error, loop.time() - started
    return None, loop.time() - started


@pytest.mark.parametrize("long_first", [True, False], ids=["long-first", "short-first"])
async def test_each_send_ends_at_its_own_read_timeout_with_others_in_flight(
    server: LoopbackServer, make_session: Callable[..., Session], long_first: bool
) -> None:
    server.default = never_answers
    async with make_session(config=Config(max_attempts=1)) as session:
        short = session.batch.with_options(read_timeout=0.3)
        long = session.batch.with_options(read_timeout=1.5)
        calls = [long.describe_service_job(job_id="a"), short.describe_service_job(job_id="b")]
        if not long_first:
            calls.reverse()
        first = asyncio.ensure_future(timed(calls[0]))
        await asyncio.sleep(0.1)  # the first waits already when the second starts
        second = asyncio.ensure_future(timed(calls[1]))
        (error_1, took_1), (error_2, took_2) = await asyncio.gather(first, second)
    took_long, took_short = (took_1, took_2) if long_first else (took_2, took_1)
    for error in (error_1, error_2):
        assert isinstance(error, Timeout) and error.reason == "read timeout", error
    assert 0.25 <= took_short < 1.0, took_short
    assert 1.4 <= took_long < 3.0, took_long


async def test_waiting_for_a_pooled_connection_is_not_reading(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # One connection; each answer takes 0.3 s, within the 0.5 s read timeout. The third call
    # waits 0.6 s for the connection: no read timeout counts that.
    server.default = delay(0.3, json_reply(DESCRIBED))
    config = Config(max_attempts=1, read_timeout=0.5, max_pool_connections=1)
    async with make_session(config=config) as session:
        described = await asyncio.gather(
            *(session.batch.describe_service_job(job_id=f"j{n}") for n in range(3))
        )
    assert [job.job_id for job in described] == ["j", "j", "j"]


async def test_a_callers_cancellation_stays_a_cancellation(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = never_answers
    async with make_session(config=Config(max_attempts=1, read_timeout=0.3)) as session:
        call = asyncio.ensure_future(session.batch.describe_service_job(job_id="j"))
        await asyncio.sleep(0.1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # The same Session, after: a timed-out send leaves its task usable.
        error, took = await timed(session.batch.describe_service_job(job_id="j"))
        assert isinstance(error, Timeout) and 0.25 <= took < 2.0, (error, took)
        await asyncio.sleep(0.05)  # the task that timed out goes on awaiting


async def test_a_given_aiohttp_session_is_watched_the_same(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = never_answers
    async with aiohttp.ClientSession() as http:
        config = Config(max_attempts=1, read_timeout=0.3)
        async with make_session(config=config, http_session=http) as session:
            error, took = await timed(session.batch.describe_service_job(job_id="j"))
    assert isinstance(error, Timeout) and error.reason == "read timeout", error
    assert 0.25 <= took < 2.0, took
