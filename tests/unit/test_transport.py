"""The transport seam: `AiohttpTransport` on its own pool or a given session's connector,
`MockTransport` answering from a function, and any `AsyncTransport` under a Session."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict
from support import ACCESS_KEY, SECRET_KEY, LoopbackServer, json_reply
from yarl import URL

from aws_mlops_async import (
    ConfigurationError,
    ConnectionFailed,
    EventLoopMismatch,
    ServiceError,
    Session,
    SessionClosedError,
    Timeout,
)
from aws_mlops_async.config import Timeouts
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import AiohttpTransport, MockTransport, TransportRequest

pytestmark = pytest.mark.timeout(30)

SUBMITTED = {"jobArn": "arn:aws:batch:us-east-1:1:job/j", "jobName": "train-1", "jobId": "j"}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}


def mock_session(transport: Any, **options: Any) -> Session:
    return Session(
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        transport=transport,
        **options,
    )


def answer(body: bytes, status: int = 200, **headers: str) -> HttpResponse:
    return HttpResponse(status, CIMultiDict(headers), body)


async def test_a_mock_transport_answers_every_call_with_no_network() -> None:
    seen: list[TransportRequest] = []

    def handler(request: TransportRequest) -> HttpResponse:
        seen.append(request)
        return answer(b'{"jobName": "train-1", "jobId": "j-1"}', **{"x-amzn-RequestId": "r1"})

    async with mock_session(MockTransport(handler)) as session:
        job = await session.batch.submit_service_job(**JOB)
    assert (job.job_id, job.response_metadata.request_id) == ("j-1", "r1")
    [request] = seen
    assert (request.service, request.operation, request.method) == (
        "batch",
        "SubmitServiceJob",
        "POST",
    )
    assert request.url.host == "batch.us-east-1.amazonaws.com"  # resolved, never contacted
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert request.params.job_name == "train-1"  # the validated request model
    # Its repr shows neither the signature nor the body.
    assert "Authorization" not in repr(request) and "train-1" not in repr(request)


async def test_an_async_handler_and_its_errors_reach_the_caller_typed() -> None:
    calls = 0

    async def handler(request: TransportRequest) -> HttpResponse:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionFailed(
                "lost", operation_name=request.operation, reason="connection reset"
            )
        return answer(b'{"message": "no"}', 400, **{"x-amzn-ErrorType": "ClientException"})

    async with mock_session(MockTransport(handler)) as session:
        with pytest.raises(ServiceError) as caught:
            await session.batch.submit_service_job(**JOB)
    assert caught.value.code == "ClientException"
    assert caught.value.attempts == 2  # the lost request was retried, the refusal was not
    assert calls == 2


async def test_a_handler_answering_something_else_is_a_configuration_error() -> None:
    async with mock_session(MockTransport(lambda request: {"jobId": "j"})) as session:  # type: ignore[arg-type, return-value]
        with pytest.raises(ConfigurationError, match="handler returned dict, not an HttpResponse"):
            await session.batch.submit_service_job(**JOB)


def test_a_transport_must_have_send_and_close_and_excludes_http_session() -> None:
    with pytest.raises(ConfigurationError, match=r"send\(\) and close\(\)"):
        mock_session(object())
    with pytest.raises(ConfigurationError, match="not both"):
        Session(transport=MockTransport(lambda r: answer(b"{}")), http_session=object())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"aiohttp\.ClientSession"):
        Session(http_session="http://x")  # type: ignore[arg-type]


async def test_a_given_transport_is_never_closed_by_the_session() -> None:
    transport = MockTransport(lambda request: answer(b"{}"))
    async with mock_session(transport) as session:
        pass
    assert not transport.closed
    with pytest.raises(SessionClosedError):
        await session.batch.describe_service_job(job_id="j")


async def test_closing_the_transport_refuses_later_sends_as_closed() -> None:
    transport = MockTransport(lambda request: answer(b"{}"))
    await transport.close()
    async with mock_session(transport) as session:
        with pytest.raises(SessionClosedError):
            await session.batch.describe_service_job(job_id="j")


async def test_the_aiohttp_transport_sends_and_reads_whole_responses(
    server: LoopbackServer,
) -> None:
    server.default = json_reply(SUBMITTED, headers={"x-amzn-RequestId": "r9"})
    transport = AiohttpTransport(max_connections=2)
    request = TransportRequest(
        "POST",
        URL(server.url + "/v1/submitservicejob"),
        {"Content-Type": "application/json"},
        b"{}",
        "batch",
        "SubmitServiceJob",
        None,  # type: ignore[arg-type]
    )
    try:
        response = await transport.send(request, Timeouts(connect=5, read=5))
        assert response.status == 200 and response.headers["x-amzn-RequestId"] == "r9"
        assert response.body.startswith(b'{"jobArn"')
        assert transport.http_session.connector is not None
        assert transport.http_session.connector.limit == 2
    finally:
        await transport.close()
    with pytest.raises(SessionClosedError):
        await transport.send(request, Timeouts())
    assert server.received[0].body == b"{}"


async def test_a_dead_endpoint_is_connection_refused_naming_it() -> None:
    transport = AiohttpTransport()
    request = TransportRequest(
        "POST",
        URL("http://127.0.0.1:9/"),
        {},
        b"",
        "batch",
        "ListServiceJobs",
        None,  # type: ignore[arg-type]
    )
    try:
        with pytest.raises(ConnectionFailed) as caught:
            await transport.send(request, Timeouts(connect=2))
    finally:
        await transport.close()
    assert caught.value.reason == "connection refused"
    assert caught.value.endpoint == "127.0.0.1:9"


async def test_a_given_session_lends_its_pool_and_is_left_open(server: LoopbackServer) -> None:
    server.default = json_reply(SUBMITTED)
    async with aiohttp.ClientSession() as mine:
        transport = AiohttpTransport(mine)
        assert transport.http_session is not mine
        assert transport.http_session.connector is mine.connector
        await transport.close()
        assert not mine.closed and not mine.connector.closed  # type: ignore[union-attr]


async def test_a_transport_opened_in_one_loop_refuses_another() -> None:
    transport = AiohttpTransport()
    transport.http_session  # noqa: B018  opened in this loop

    def elsewhere() -> None:
        async def use() -> None:
            transport.http_session  # noqa: B018

        with pytest.raises(EventLoopMismatch):
            asyncio.run(use())

    try:
        await asyncio.get_running_loop().run_in_executor(None, elsewhere)
    finally:
        await transport.close()


async def test_a_body_trickling_in_cannot_hold_a_call_past_the_read_timeout(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "1000"})
        await response.prepare(request)
        for _ in range(1000):  # a byte every 0.2 s: each read is quick, the whole is not
            await response.write(b" ")
            await asyncio.sleep(0.2)
        return response

    server.default = trickle
    from aws_mlops_async import Config

    session = make_session(config=Config(read_timeout=1.0, max_attempts=1))
    async with session:
        started = asyncio.get_running_loop().time()
        with pytest.raises(Timeout) as caught:
            await session.batch.describe_service_job(job_id="j")
        elapsed = asyncio.get_running_loop().time() - started
    assert caught.value.reason == "read timeout"
    assert elapsed < 5, elapsed
