"""Closing a Session is an ending, not a crash: every call in flight ends with
SessionClosedError, nothing is retried after close, and no task appears cancelled that nobody
cancelled."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest
from support import LoopbackServer, delay, error_reply, json_reply

from aws_mlops_async import Config, Session, SessionClosedError

pytestmark = pytest.mark.timeout(30)

SUBMITTED = {"jobArn": "arn:aws:batch:us-east-1:1:job/j", "jobName": "train-1", "jobId": "j"}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}


async def test_calls_in_flight_when_the_session_closes_all_end_closed(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = delay(5, json_reply(SUBMITTED))
    session = make_session(config=Config(max_pool_connections=100))
    calls = [asyncio.create_task(session.batch.submit_service_job(**JOB)) for _ in range(150)]
    await asyncio.sleep(0.3)  # 100 requests sent, 50 waiting for a connection
    await session.close()
    endings = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
    assert Counter(type(ending).__name__ for ending in endings) == {"SessionClosedError": 150}
    assert not any(call.cancelled() for call in calls)


async def test_a_call_backing_off_ends_at_once_when_the_session_closes(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # The service asks for a long back-off (honoured up to 5 s beyond the jittered one).
    server.default = error_reply("ServerException", 500, **{"x-amz-retry-after": "20000"})
    session = make_session(config=Config(max_attempts=5))
    call = asyncio.create_task(session.batch.submit_service_job(**JOB))
    while len(server.received) < 1:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # backing off now
    started = asyncio.get_running_loop().time()
    await session.close()
    with pytest.raises(SessionClosedError):
        await asyncio.wait_for(call, 5)
    assert asyncio.get_running_loop().time() - started < 1
    assert len(server.received) == 1  # nothing retried after close


async def test_a_caller_s_own_cancellation_is_still_a_cancellation(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = delay(5, json_reply(SUBMITTED))
    async with make_session() as session:
        call = asyncio.create_task(session.batch.submit_service_job(**JOB))
        await asyncio.sleep(0.2)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
