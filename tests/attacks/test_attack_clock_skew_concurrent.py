"""Clock-skew correction re-signs only the first refused request: calls in flight at the same
time, signed with the old clock, are refused and fail for good.

Promise (README): "A host whose clock is off by 4 minutes or more is corrected from the
service's Date header when the service refuses a request for its signing time ...: that request
is signed again and retried once ... and every later request of the Session is signed with the
service's time."

Why: SigningClock.correct returns True only when the offset it computes differs from the one
in use by 4 minutes or more; for the 2nd..nth refusals the first one already moved the offset,
so they return False, and _attempt hands the InvalidSignatureException (not retryable) to the
caller, although those requests were signed with the *old* offset.

Observed against the emulator with --clock-offset 900 (LocalAws(clock_offset=900)):
- 10 concurrent submit_service_job calls: 1 SubmitServiceJobResponse, 9 BatchError
  "InvalidSignatureException (HTTP 403) ... Signature expired: ... is now earlier than ...".
- submit_service_jobs(50 jobs, concurrency=16): 35 ok, 15 failed outcomes
  {'InvalidSignatureException'}.
"""

from __future__ import annotations

import asyncio

import pytest
from attack_support import JOB

from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(60)


async def test_every_call_in_flight_is_signed_again_after_a_skew() -> None:
    async with LocalAws(seed=1, clock_offset=900) as endpoint, endpoint.session() as session:
        results = await asyncio.gather(
            *[session.batch.submit_service_job(**{**JOB, "job_name": f"j{n}"}) for n in range(10)],
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        print(len(failures), "of 10 failed;", failures[:1])
        assert not failures


async def test_a_bulk_run_on_a_skewed_clock_loses_no_job() -> None:
    async with LocalAws(seed=1, clock_offset=900) as endpoint, endpoint.session() as session:
        jobs = [{**JOB, "job_name": f"j{n}"} for n in range(50)]
        async with session.batch.submit_service_jobs(jobs, concurrency=16) as run:
            outcomes = [outcome async for outcome in run]
        failed = [o for o in outcomes if not o.ok]
        print(len(failed), "of 50 failed:", {o.error.code for o in failed})  # type: ignore[union-attr]
        assert not failed
