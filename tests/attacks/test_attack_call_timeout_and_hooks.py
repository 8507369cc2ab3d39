"""`call_timeout` did not bound a call's before_call hook (it did bound before_attempt): with
call_timeout=0.5 and an async before_call that takes 3 s, the call returned successfully after
3.0 s. Now it bounds before_call and the call; after_call is never cut short (it must see every
ending, and end what before_call began), as Config documents.

Promise (README): "`call_timeout` (a whole call, retries and back-off included: `Timeout`
after it)"; options.py: "Seconds for a whole call"; interceptors run inside the call
(interceptors.py: "before_call(context): once, before the request is validated").

Observed:
  call_timeout=0.5, slow before_call: ok after 3.0 s
  call_timeout=0.5, slow before_attempt: Timeout after 0.5 s
  call_timeout=0.5, slow after_call: ok after 3.0 s
"""

from __future__ import annotations

import asyncio
import time

import pytest
from attack_support import JOB, mock_session

from aws_mlops_async import Config, Timeout
from aws_mlops_async.interceptors import CallContext


class Slow:
    def __init__(self, hook: str) -> None:
        self.hook = hook

    async def before_call(self, context: CallContext) -> None:
        if self.hook == "before_call":
            await asyncio.sleep(3)

    async def after_call(self, context: CallContext) -> None:
        if self.hook == "after_call":
            await asyncio.sleep(3)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("hook", ["before_call"])
async def test_the_call_timeout_bounds_the_whole_call(hook: str) -> None:
    config = Config(call_timeout=0.5)
    async with mock_session(interceptors=[Slow(hook)], config=config) as session:
        started = time.monotonic()
        with pytest.raises(Timeout):
            try:
                await session.batch.submit_service_job(**JOB)
            finally:
                print(f"{hook}: call ended after {time.monotonic() - started:.1f} s")


@pytest.mark.timeout(30)
async def test_after_call_is_never_cut_short_by_the_call_timeout() -> None:
    config = Config(call_timeout=0.5)
    async with mock_session(interceptors=[Slow("after_call")], config=config) as session:
        started = time.monotonic()
        job = await session.batch.submit_service_job(**JOB)
    assert job.job_id and time.monotonic() - started >= 3
