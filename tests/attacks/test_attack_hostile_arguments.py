"""Hostile arguments to the new public functions that escape as raw Python errors, hang, or are
silently taken for something else.

Promise (README, Errors): "What a call can raise is an AwsError, and nothing else, except
Python's own TypeError for a keyword the method does not have, asyncio.CancelledError and
KeyboardInterrupt"; ConfigurationError for a bad option. watch_service_jobs refuses one string
("jobs must be several jobs (a list of ids), not one string") but not one mapping.

Observed:
- watch_service_jobs(jobs, created_after=datetime(...)) -> TypeError: unsupported operand
  type(s) for *: 'datetime.datetime' and 'int'; created_after=nan -> ValueError: cannot convert
  float NaN to integer; created_after=inf -> OverflowError; jobs=None -> TypeError: 'NoneType'
  object is not iterable.
- watch_service_jobs({"job_id": "j-1", "job_queue": "q"}) (one job as a dict) follows the jobs
  "job_id" and "job_queue".
- submit_service_jobs(job) (one job as a dict) submits its 4 keys as 4 jobs, each a failed
  ValidationError outcome; submit_service_jobs("abc") submits "a", "b", "c".
- a waiter's wait(delay=nan) passes the `delay < 0` check and then sleeps forever after the
  first poll; max_attempts=1.5 or delay="1" -> raw TypeError; max_attempts=True is taken as 1
  ("still not done after True attempts").
- submit_service_job(..., validate_payload=0) (or 0.0) validates the payload as if True
  (`0 in (True, False)` and `0 is not False`): the "{}" payload fails with
  "service_request_payload.training_job_name: Field required; ..."; 1 and 1.0 are taken as
  True. README: "Nothing is coerced ... no 1 or "false" for a bool"; the check's own message
  is "validate_payload: must be True or False" (given for "true" and None).
- Config(max_pool_connections=1.5) is accepted (its own message says "must be an int >= 1")
  and the pool's limit is 1.5.
"""

from __future__ import annotations

import asyncio
import datetime
import math
from typing import Any

import pytest
from attack_support import JOB, answer, mock_session

from aws_mlops_async import Config, ConfigurationError

pytestmark = pytest.mark.timeout(30)

RUNNING = {
    "jobId": "j",
    "jobName": "n",
    "jobQueue": "q",
    "jobArn": "a",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "status": "RUNNING",
    "createdAt": 1,
    "startedAt": 1,
}


@pytest.mark.parametrize(
    "args",
    [
        {"jobs": ["j-1"], "job_queue": "q", "created_after": datetime.datetime(2026, 1, 1)},
        {"jobs": ["j-1"], "job_queue": "q", "created_after": math.nan},
        {"jobs": ["j-1"], "job_queue": "q", "created_after": math.inf},
        {"jobs": None},
        {"jobs": {"job_id": "j-1", "job_queue": "q"}},
    ],
    ids=[
        "created_after datetime",
        "created_after nan",
        "created_after inf",
        "jobs None",
        "one job as a dict",
    ],
)
async def test_watch_refuses_hostile_arguments(args: dict[str, Any]) -> None:
    async with mock_session() as session:
        jobs = args.pop("jobs")
        try:
            watch = session.batch.watch_service_jobs(jobs, **args)
        except ConfigurationError:
            return
        except Exception as error:
            pytest.fail(f"raw {type(error).__name__}: {error}")
        pytest.fail(f"accepted; following {list(watch._followed)}")


@pytest.mark.parametrize("jobs", [JOB, "abc"], ids=["one job as a dict", "a string"])
async def test_bulk_refuses_one_job_or_a_string_for_the_jobs(jobs: Any) -> None:
    async with mock_session() as session:
        try:
            run = session.batch.submit_service_jobs(jobs)
        except ConfigurationError:
            return
        async with run:
            outcomes = [outcome async for outcome in run]
        pytest.fail(
            f"{len(outcomes)} jobs: "
            + ", ".join(f"{o.request!r} -> {type(o.error).__name__}" for o in outcomes)
        )


@pytest.mark.parametrize(
    "options",
    [
        {"delay": math.nan, "max_attempts": 3},
        {"delay": 0.01, "max_attempts": 1.5},
        {"delay": "1", "max_attempts": 2},
        {"delay": 0, "max_attempts": True},
    ],
    ids=["delay nan", "max_attempts float", "delay str", "max_attempts bool"],
)
async def test_a_waiter_refuses_hostile_delay_and_attempts(options: dict[str, Any]) -> None:
    async with mock_session(lambda request: answer(RUNNING)) as session:
        waiter = session.batch.get_waiter("service_job_finished")
        try:
            await asyncio.wait_for(waiter.wait(job_id="j", **options), 3)
        except ConfigurationError:
            return
        except Exception as error:
            pytest.fail(f"{type(error).__name__}: {error}")


def test_config_refuses_a_fractional_pool_size() -> None:
    with pytest.raises(ConfigurationError):
        Config(max_pool_connections=1.5)


@pytest.mark.parametrize("flag", [0, 0.0, 1, 1.0])
async def test_validate_payload_takes_only_a_bool(flag: Any) -> None:
    from aws_mlops_async import ValidationError

    async with mock_session() as session:
        with pytest.raises(ValidationError, match="validate_payload: must be True or False"):
            await session.batch.submit_service_job(**JOB, validate_payload=flag)
