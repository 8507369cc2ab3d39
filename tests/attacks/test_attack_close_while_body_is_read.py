"""Session.close() does not end a call whose response body is being read.

Promise (transport.py, AiohttpTransport.send): "Raises ... SessionClosedError when the transport
was closed meanwhile"; Session.close(): "later calls raise SessionClosedError"; the brief:
closing the Session ends in-flight calls with SessionClosedError (it does for calls waiting on
a connection or on the response's headers).

Observed: a call whose response headers came and whose body is still arriving stays pending
after `await session.close()`; even when the server then sends the rest of the body it does
not complete: it waits out `read_timeout` (60 s by default, then SessionClosedError), or
forever with read_timeout=None. With call_timeout=30 it ends as `Timeout` after 30 s.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from attack_support import JOB, Loopback, loop_session

from aws_mlops_async import Config, SessionClosedError


@pytest.mark.timeout(30)
async def test_closing_the_session_ends_a_call_reading_its_body() -> None:
    release = asyncio.Event()

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"jobName"')
        await release.wait()
        await response.write(b': "train-1", "jobId": "j", "jobArn": "a"}')
        return response

    async with Loopback(trickle) as server:
        session = loop_session(server.url, config=Config(read_timeout=None))
        await session.__aenter__()
        call = asyncio.create_task(session.batch.submit_service_job(**JOB))
        await asyncio.sleep(0.3)  # the headers came, the body has not
        await session.close()
        done, _ = await asyncio.wait([call], timeout=3)
        release.set()  # even the rest of the body does not end it
        if not done:
            done, _ = await asyncio.wait([call], timeout=3)
        still_pending = not done
        call.cancel()
        await asyncio.gather(call, return_exceptions=True)
        assert not still_pending, "the call was still pending 6 s after Session.close()"
        with pytest.raises(SessionClosedError):
            call.result()
