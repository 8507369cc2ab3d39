from __future__ import annotations

import json
from typing import Any

from multidict import CIMultiDict

from aws_mlops_async import Session
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import MockTransport

JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}
SUBMITTED = {"jobArn": "arn:aws:batch:us-east-1:1:job/j", "jobName": "train-1", "jobId": "j"}


def answer(payload: Any = SUBMITTED, status: int = 200, **headers: str) -> HttpResponse:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return HttpResponse(status, CIMultiDict(headers), body)


def mock_session(handler: Any = None, **options: Any) -> Session:
    transport = (
        handler if not callable(handler) or hasattr(handler, "send") else MockTransport(handler)
    )
    if handler is None:
        transport = MockTransport(lambda request: answer())
    return Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="SECRETKEYVALUE",
        aws_session_token="SESSIONTOKENVALUE",
        transport=transport,
        **options,
    )


class Loopback:
    """An aiohttp server on 127.0.0.1 answering every request with ``handler``."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.url = ""

    async def __aenter__(self) -> Loopback:
        from aiohttp import web

        app = web.Application()
        app.router.add_route("*", "/{tail:(?s:.*)}", self.handler)
        self.runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=0.1
        )
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.runner.cleanup()


def loop_session(url: str, **options: Any) -> Session:
    return Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="SECRETKEYVALUE",
        endpoint_url=url,
        **options,
    )
