"""An error response whose `x-amz-retry-after` is a long run of digits crashes the call with a
raw OverflowError (protocol/errors.py `_retry_after`: `int(value) / 1000` for a 401-digit
int), and in a bulk run it ends the whole run with BulkRunError instead of being that job's
retry or outcome.

Promise (README): "What a call can raise is an AwsError, and nothing else"; "Responses are read
leniently"; bulk: "A job's own failure is its outcome, and the run goes on".

Observed (a loopback server answering 429 TooManyRequestsException with
x-amz-retry-after: 1000...0, 401 digits):
  call: OverflowError: integer division result too large for a float
  bulk: BulkRunError: The bulk run stopped: OverflowError: integer division result too large
        for a float
"""

from __future__ import annotations

import pytest
from aiohttp import web
from attack_support import JOB, Loopback, loop_session

from aws_mlops_async import AwsError, Config, ServiceError
from aws_mlops_async.bulk import BulkRunError

pytestmark = pytest.mark.timeout(30)

HUGE = "1" + "0" * 400


async def throttled(request: web.Request) -> web.Response:
    return web.json_response(
        {"message": "slow down"},
        status=429,
        headers={"x-amzn-ErrorType": "TooManyRequestsException", "x-amz-retry-after": HUGE},
    )


async def test_a_call_reads_a_huge_retry_after_leniently() -> None:
    async with Loopback(throttled) as server:
        async with loop_session(server.url, config=Config(max_attempts=1)) as session:
            try:
                await session.batch.submit_service_job(**JOB)
            except Exception as error:
                print("raised:", type(error).__name__, error)
                assert isinstance(error, ServiceError)


async def test_a_bulk_job_answered_so_does_not_end_the_run() -> None:
    async with Loopback(throttled) as server, loop_session(server.url) as session:
        run = session.batch.submit_service_jobs([JOB], job_deadline=0.5)
        try:
            async with run:
                outcomes = [outcome async for outcome in run]
        except BulkRunError as error:
            pytest.fail(f"the run ended: {error}")
        assert len(outcomes) == 1 and isinstance(outcomes[0].error, AwsError)
