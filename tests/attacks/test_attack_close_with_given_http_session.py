"""With a given aiohttp session (`Session(http_session=...)`), Session.close() does not end the
calls in flight: they keep waiting for the server and then *succeed* on the closed Session.

Promise: closing the Session ends in-flight calls with SessionClosedError (it does on the
library's own pool: every call below ends at once with SessionClosedError there);
AiohttpTransport.send: "SessionClosedError when the transport was closed meanwhile";
SessionClosedError: "The Session was closed; its clients can no longer send requests".

Observed: 2 s after `await session.close()` all 5 calls are still pending; once the server
answers, all 5 return SubmitServiceJobResponse. A server that never answers holds them until
read_timeout (or forever with read_timeout=None), although the Session is closed.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web
from attack_support import JOB, SUBMITTED, Loopback, loop_session

from aws_mlops_async import Config, SessionClosedError


@pytest.mark.timeout(30)
@pytest.mark.parametrize("given", [False, True], ids=["own pool", "given http_session"])
async def test_closing_the_session_ends_calls_in_flight(given: bool) -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response(SUBMITTED)

    async with Loopback(slow) as server:
        http = aiohttp.ClientSession() if given else None
        session = loop_session(server.url, http_session=http, config=Config(read_timeout=None))
        await session.__aenter__()
        calls = [asyncio.create_task(session.batch.submit_service_job(**JOB)) for _ in range(5)]
        await asyncio.sleep(0.3)
        await session.close()
        _, pending = await asyncio.wait(calls, timeout=2)
        release.set()
        results = await asyncio.gather(*calls, return_exceptions=True)
        if http is not None:
            await http.close()
        print("pending 2 s after close:", len(pending), [type(r).__name__ for r in results])
        assert not pending
        assert all(isinstance(result, SessionClosedError) for result in results)
