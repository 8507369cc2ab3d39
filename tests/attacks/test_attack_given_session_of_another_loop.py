"""A given aiohttp session that belongs to another event loop gives a raw RuntimeError, not
EventLoopMismatch.

Promise (README, Errors): "What a call can raise is an AwsError, and nothing else ...
EventLoopMismatch (a Session used from a second event loop)"; AiohttpTransport._open catches
RuntimeError "the given session's connector is another loop's" to raise EventLoopMismatch.

Observed (aiohttp 3.14: ClientSession(connector=...) no longer checks the connector's loop):
  RuntimeError: Task <Task pending ...> got Future <Future pending> attached to a different loop
(and with the other loop already closed: RuntimeError: Event loop is closed).
Typical setup: a session-scoped fixture's aiohttp.ClientSession used by a function-scoped
test's loop.
"""

from __future__ import annotations

import asyncio
import threading

import aiohttp
import pytest
from aiohttp import web
from attack_support import JOB, SUBMITTED, Loopback, loop_session

from aws_mlops_async import AwsError, EventLoopMismatch


@pytest.mark.timeout(30)
async def test_a_given_session_of_another_loop_is_event_loop_mismatch() -> None:
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever, daemon=True)
    thread.start()

    async def make() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    given = asyncio.run_coroutine_threadsafe(make(), other).result()

    async def ok(request: web.Request) -> web.Response:
        return web.json_response(SUBMITTED)

    try:
        async with Loopback(ok) as server:
            session = loop_session(server.url, http_session=given)
            try:
                await asyncio.wait_for(session.batch.submit_service_job(**JOB), 10)
            except Exception as error:
                print("raised:", type(error).__name__, error)
                assert isinstance(error, AwsError)
                assert isinstance(error, EventLoopMismatch)
            else:
                pytest.fail("a session of another loop was used")
            finally:
                await session.close()
    finally:
        asyncio.run_coroutine_threadsafe(given.close(), other).result()
        other.call_soon_threadsafe(other.stop)
        thread.join()
        other.close()
