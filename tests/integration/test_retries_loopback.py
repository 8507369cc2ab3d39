"""Retries, timeouts, cancellation and the shared pool, over real HTTP on a loopback server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from registry import SERVICES
from support import (
    LoopbackServer,
    delay,
    drop_connection,
    error_reply,
    json_reply,
    raw_reply,
)

from aws_mlops_async import (
    Config,
    ConnectionFailed,
    ServiceError,
    Session,
    SessionClosedError,
    Timeout,
)

SUBMITTED = {
    "jobName": "train-1",
    "jobId": "job-1",
    "jobArn": "arn:aws:batch:us-east-1:1:job/job-1",
}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": '{"TrainingJobName": "train-1"}',
}


def tokens(server: LoopbackServer) -> list[str]:
    return [received.json()["clientToken"] for received in server.received]


@pytest.mark.parametrize(
    ("first", "kind"),
    [
        (error_reply("InternalFailure", 500), "HTTP 500"),
        (error_reply("ServiceUnavailable", 503), "HTTP 503"),
        (error_reply("BadGateway", 502), "HTTP 502"),
        (error_reply("GatewayTimeout", 504), "HTTP 504"),
        (error_reply("ThrottlingException", 429), "throttling"),
        (error_reply("TooManyRequestsException", 400), "throttling code on a 400"),
        (error_reply("RequestTimeoutException", 400), "transient code"),
        (raw_reply(b"<html>Service Unavailable</html>", 503), "HTML 503"),
        (drop_connection(), "dropped connection"),
    ],
)
async def test_retryable_failures_are_retried_with_the_same_idempotency_token(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    no_sleep: list[float],
    first: Any,
    kind: str,
) -> None:
    server.script = [first]
    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        response = await session.batch.submit_service_job(**JOB)
    assert response.job_id == "job-1", kind
    assert len(server.received) == 2, kind
    first_token, second_token = tokens(server)
    assert first_token == second_token
    assert len(first_token) == 36  # a UUID filled in by us
    assert len(no_sleep) == 1


async def test_a_client_token_given_by_the_caller_is_sent_unchanged_on_every_attempt(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [error_reply("InternalFailure", 500), error_reply("InternalFailure", 500)]
    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        await session.batch.submit_service_job(**JOB, client_token="my-token-1")
    assert tokens(server) == ["my-token-1"] * 3


async def test_each_call_gets_its_own_fresh_token(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        await session.batch.submit_service_job(**JOB)
        await session.batch.submit_service_job(**JOB)
    assert len(set(tokens(server))) == 2


@pytest.mark.parametrize("status", [400, 403, 404, 409])
async def test_other_4xx_are_not_retried_and_surface_as_the_modeled_error(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float], status: int
) -> None:
    server.default = error_reply("ClientException", status, "queue ml-queue does not exist")
    async with make_session() as session:
        with pytest.raises(session.batch.exceptions.ClientException) as caught:
            await session.batch.submit_service_job(**JOB)
    error = caught.value
    assert len(server.received) == 1
    assert no_sleep == []
    assert (error.code, error.status_code, error.retryable) == ("ClientException", status, False)
    assert error.message == "queue ml-queue does not exist"
    assert error.request_id == "req-ClientException"
    assert error.operation_name == "SubmitServiceJob"
    assert error.attempts == 1


async def test_attempts_stop_at_max_attempts(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.default = error_reply("ServerException", 500)
    async with make_session(config=Config(max_attempts=4)) as session:
        with pytest.raises(session.batch.exceptions.ServerException) as caught:
            await session.batch.submit_service_job(**JOB)
    assert len(server.received) == 4
    assert caught.value.attempts == 4
    assert caught.value.retryable


async def test_backoff_uses_the_throttling_base_and_honours_retry_after(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    no_sleep: list[float],
) -> None:
    server.script = [
        error_reply("ThrottlingException", 429),
        error_reply("ThrottlingException", 429),
        error_reply("InternalFailure", 500),
        error_reply("InternalFailure", 503, **{"x-amz-retry-after": "1500"}),
    ]
    server.default = json_reply(SUBMITTED)
    async with make_session(config=Config(max_attempts=5)) as session:
        session.batch.retry_policy.rand = lambda: 1.0  # the top of the jitter range
        await session.batch.submit_service_job(**JOB)
    # Throttling: 1 s base, doubling; transient: 50 ms base; retry-after (1.5 s) within bounds.
    assert no_sleep == [1.0, 2.0, 0.2, 1.5]


async def test_an_empty_retry_quota_fails_fast(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.default = error_reply("InternalFailure", 500)
    async with make_session() as session:
        session.batch.retry_policy.quota.available = 13  # less than one retry costs
        with pytest.raises(ServiceError):
            await session.batch.submit_service_job(**JOB)
    assert len(server.received) == 1


async def test_success_refunds_the_retry_quota(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [error_reply("InternalFailure", 500)]
    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        quota = session.batch.retry_policy.quota
        await session.batch.submit_service_job(**JOB)
        assert quota.available == quota.capacity  # took 14, gave 14 back
        server.script = [error_reply("ThrottlingException", 429)] * 2
        server.default = error_reply("ThrottlingException", 429)
        with pytest.raises(ServiceError):
            await session.batch.submit_service_job(**JOB)
        assert quota.available == quota.capacity - 2 * 5  # throttling retries cost 5 each


async def test_read_timeouts_become_timeout_and_are_retried(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [delay(2.0, json_reply(SUBMITTED))]
    server.default = json_reply(SUBMITTED)
    async with make_session(config=Config(read_timeout=0.2)) as session:
        started = time.perf_counter()
        response = await session.batch.submit_service_job(**JOB)
    assert response.job_id == "job-1"
    assert time.perf_counter() - started < 1.5
    assert len(server.received) == 2


async def test_timeouts_and_dropped_connections_stay_apart_from_service_errors(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.default = delay(2.0, json_reply(SUBMITTED))
    async with make_session(config=Config(read_timeout=0.2, max_attempts=2)) as session:
        with pytest.raises(Timeout) as timed_out:
            await session.batch.submit_service_job(**JOB)
    assert not isinstance(timed_out.value, ServiceError)
    assert timed_out.value.attempts == 2

    server.default = drop_connection()
    async with make_session(config=Config(max_attempts=2)) as session:
        with pytest.raises(ConnectionFailed) as dropped:
            await session.batch.submit_service_job(**JOB)
    assert not isinstance(dropped.value, (ServiceError, Timeout))


async def test_unreachable_endpoint_is_a_connection_failure(
    make_session: Callable[..., Session], no_sleep: list[float], unused_tcp_port: int
) -> None:
    async with make_session(endpoint_url=f"http://127.0.0.1:{unused_tcp_port}") as session:
        with pytest.raises(ConnectionFailed, match=r"127\.0\.0\.1"):
            await session.batch.describe_service_job(job_id="job-1")


def acquired_connections(session: Session) -> int:
    connector = session.http_session().connector
    assert isinstance(connector, aiohttp.TCPConnector)
    return len(connector._acquired)


async def test_cancelling_a_call_in_flight_releases_its_connection(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = delay(10.0, json_reply(SUBMITTED))
    async with make_session() as session:
        call = asyncio.create_task(session.batch.submit_service_job(**JOB))
        while not server.received:
            await asyncio.sleep(0.01)
        assert acquired_connections(session) == 1
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert acquired_connections(session) == 0


async def test_cancelling_a_call_during_backoff_cancels_the_sleep(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = error_reply("InternalFailure", 503, **{"x-amz-retry-after": "5000"})
    async with make_session() as session:
        call = asyncio.create_task(session.batch.submit_service_job(**JOB))
        while not server.received:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # now sleeping 5 s before the second attempt
        started = time.perf_counter()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert time.perf_counter() - started < 1
        assert acquired_connections(session) == 0
    assert len(server.received) == 1


async def test_all_clients_share_one_aiohttp_session_and_pool(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply({})
    async with make_session(config=Config(max_pool_connections=3)) as session:
        pool = session.http_session()
        clients = [getattr(session, service.name) for service in SERVICES]
        assert all(client.session.http_session() is pool for client in clients)
        server.default = delay(0.2, json_reply({"jobName": "j", "jobId": "i"}))
        await asyncio.gather(*(session.batch.submit_service_job(**JOB) for _ in range(9)))
        connector = pool.connector
        assert connector is not None and connector.limit == 3
    assert pool.closed


async def test_a_caller_supplied_aiohttp_session_is_used_and_left_open(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply(SUBMITTED)
    async with aiohttp.ClientSession() as mine:
        async with make_session(http_session=mine) as session:
            # Its pool is the one sent on (in a session of ours, so its settings cannot
            # change what is signed or what an answer means).
            assert session.http_session().connector is mine.connector
            await session.batch.submit_service_job(**JOB)
        assert not mine.closed and not mine.connector.closed
        with pytest.raises(SessionClosedError, match="closed"):
            await session.batch.submit_service_job(**JOB)
    assert len(server.received) == 1


async def test_a_closed_session_refuses_every_client(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    session = make_session()
    async with session:
        pass
    for call in (
        session.batch.describe_service_job(job_id="j"),
        session.sagemaker.describe_image_version(image_name="img"),
    ):
        with pytest.raises(SessionClosedError, match="Session is closed"):
            await call
    assert server.received == []


async def test_adaptive_mode_slows_the_client_down_after_throttling(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [error_reply("ThrottlingException", 429)]
    server.default = json_reply(SUBMITTED)
    async with make_session(config=Config(retry_mode="adaptive")) as session:
        limiter = session.batch.retry_policy.limiter
        assert limiter is not None and limiter.send_rate is None
        await session.batch.submit_service_job(**JOB)
        assert limiter.send_rate is not None
        assert limiter.send_rate >= 0.5
