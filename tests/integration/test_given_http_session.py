"""A user's own aiohttp session is used for what it is, a pool and its settings: none of its
own options changes what is signed or sent, or what an answer means."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from support import ACCESS_KEY, SECRET_KEY, LoopbackServer, error_reply, json_reply

from aws_mlops_async import Config, ServiceError, Session
from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(30)

JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}


async def _tracing(session: Any, context: Any, params: Any) -> None:
    params.headers["X-From-A-Trace"] = "1"  # changing a request a trace config sees


def _trace() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_tracing)
    return trace


async def _middleware(
    request: aiohttp.ClientRequest,
    handler: Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]],
) -> aiohttp.ClientResponse:
    request.headers["X-From-A-Middleware"] = "1"
    return await handler(request)


SESSIONS: dict[str, Callable[[str], aiohttp.ClientSession]] = {
    "raise_for_status": lambda url: aiohttp.ClientSession(raise_for_status=True),
    "auto_decompress off": lambda url: aiohttp.ClientSession(auto_decompress=False),
    "default headers": lambda url: aiohttp.ClientSession(
        headers={"Authorization": "Bearer app-token", "X-App": "1"}
    ),
    "cookies": lambda url: aiohttp.ClientSession(cookies={"session": "app-cookie"}),
    "trace config": lambda url: aiohttp.ClientSession(trace_configs=[_trace()]),
    "base url": lambda url: aiohttp.ClientSession(base_url=url),
    "middleware": lambda url: aiohttp.ClientSession(middlewares=(_middleware,)),
}


@pytest.mark.parametrize("option", list(SESSIONS))
async def test_a_service_error_stays_a_service_error_and_nothing_of_the_session_is_sent(
    server: LoopbackServer, option: str
) -> None:
    server.script = [error_reply("ClientException", 400, "no such queue")]
    server.default = json_reply({"jobName": "train-1", "jobId": "j"})
    async with SESSIONS[option](server.url) as mine:
        async with Session(
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=server.url,
            http_session=mine,
            config=Config(max_attempts=3),
        ) as session:
            with pytest.raises(ServiceError) as caught:
                await session.batch.submit_service_job(**JOB)
            job = await session.batch.submit_service_job(**JOB)
        assert not mine.closed
    assert caught.value.code == "ClientException" and caught.value.attempts == 1
    assert job.job_id == "j"
    for received in server.received:
        names = {name.lower() for name in received.headers}
        assert received.headers["Authorization"].startswith("AWS4-HMAC-SHA256")
        assert not names & {"cookie", "x-app", "x-from-a-trace", "x-from-a-middleware"}


async def test_a_raise_for_status_session_in_a_bulk_run_fails_a_refused_job_at_once() -> None:
    async with (
        LocalAws(strict_resources=True) as endpoint,  # an unknown queue: refused
        aiohttp.ClientSession(raise_for_status=True) as mine,
        endpoint.session(http_session=mine) as session,
        session.batch.submit_service_jobs([JOB], job_deadline=30) as run,
    ):
        [outcome] = [outcome async for outcome in run]
    assert isinstance(outcome.error, ServiceError) and outcome.attempts == 1


async def test_the_signed_request_is_what_arrives(server: LoopbackServer) -> None:
    async def echo(request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        return web.json_response({"jobName": body["jobName"], "jobId": "j"})

    server.default = echo
    async with (
        aiohttp.ClientSession(headers={"Content-Type": "text/plain"}) as mine,
        Session(
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=server.url,
            http_session=mine,
        ) as session,
    ):
        await session.batch.submit_service_job(**JOB)
    [received] = server.received
    assert received.headers["Content-Type"] == "application/json"
    signed = received.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert set(signed.split(";")) >= {"content-type", "host", "x-amz-date"}
