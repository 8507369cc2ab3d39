"""Read timeouts kept by the transport's one watch timer (aws_mlops_async/read_watch.py), over
real HTTP on a loopback server: each send ends at its own timeout, however many are in flight
with other timeouts; waiting for a pooled connection is not reading; a caller's own
cancellation stays a cancellation; a given aiohttp session is watched the same way."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from support import LoopbackServer, delay, drop_connection, json_reply

from aws_mlops_async import Config, Session, SessionClosedError, Timeout
from aws_mlops_async.read_watch import ReadWatch

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


async def test_a_close_as_the_read_timeout_runs_out_ends_the_call_closed_not_cancelled(
    server: LoopbackServer, make_session: Callable[..., Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    server.default = never_answers
    session = make_session(config=Config(max_attempts=1, read_timeout=0.2))
    look = ReadWatch._look
    closing: list[asyncio.Future[None]] = []

    def close_as_it_looks(watch: ReadWatch) -> None:
        closing.append(asyncio.ensure_future(session.close()))  # before the send wakes
        look(watch)

    monkeypatch.setattr(ReadWatch, "_look", close_as_it_looks)
    async with session:
        call = asyncio.ensure_future(session.batch.describe_service_job(job_id="j"))
        error, _ = await timed(call)
        await asyncio.gather(*closing)
    assert isinstance(error, SessionClosedError), error
    assert not call.cancelled()
    if sys.version_info >= (3, 11):
        assert call.cancelling() == 0


async def test_a_connection_aiohttp_makes_again_is_not_read_time(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # A GET whose kept-alive connection the peer drops after 0.3 s: aiohttp sends it once more
    # on a new connection, which takes 0.6 s to make. Neither wait for the peer lasts the
    # 0.5 s read timeout, and making a connection is the connect timeout's to bound.
    class SlowSecondLookup(AbstractResolver):
        def __init__(self) -> None:
            self.lookups = 0

        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            self.lookups += 1
            if self.lookups == 2:
                await asyncio.sleep(0.6)
            return [
                ResolveResult(
                    hostname=host,
                    host="127.0.0.1",
                    port=port,
                    family=socket.AF_INET,
                    proto=0,
                    flags=socket.AI_NUMERICHOST,
                )
            ]

        async def close(self) -> None:
            return None

    tags = json_reply({"tags": {}})
    server.script = [tags, delay(0.3, drop_connection())]
    server.default = tags
    arn = "arn:aws:batch:us-east-1:123456789012:job-queue/q"
    resolver = SlowSecondLookup()
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        port = server.url.rsplit(":", 1)[1]
        config = Config(max_attempts=1, read_timeout=0.5, connect_timeout=None)
        session = make_session(
            config=config, http_session=http, endpoint_url=f"http://loopback.test:{port}"
        )
        async with session:
            await session.batch.list_tags_for_resource(resource_arn=arn)  # keeps a connection
            error, took = await timed(session.batch.list_tags_for_resource(resource_arn=arn))
    assert error is None, error
    assert resolver.lookups == 2 and len(server.received) == 3
    assert took >= 0.85, took


async def test_an_answer_given_while_the_loop_was_held_up_is_read(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # A blocking call holds the loop past the read timeout while the server (in the same
    # loop) has its answer ready: once the loop runs again, the overdue watch comes first.
    async def answers_while_the_loop_is_held(request: web.Request) -> web.StreamResponse:
        asyncio.get_running_loop().call_later(0.001, time.sleep, 0.3)
        await asyncio.sleep(0.005)
        return web.json_response(DESCRIBED)

    server.default = answers_while_the_loop_is_held
    async with make_session(config=Config(max_attempts=1, read_timeout=0.1)) as session:
        described = await session.batch.describe_service_job(job_id="j")
    assert described.job_id == "j"


async def test_a_total_timeout_is_told_from_a_read_timeout(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = never_answers
    config = Config(max_attempts=1, read_timeout=60, total_timeout=0.3)
    async with make_session(config=config) as session:
        error, took = await timed(session.batch.describe_service_job(job_id="j"))
    assert isinstance(error, Timeout) and error.reason == "total timeout", error
    assert "total timeout talking to 127.0.0.1:" in str(error)
    assert 0.25 <= took < 2.0, took
