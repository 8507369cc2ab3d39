"""Injected faults: our client's retries absorb each kind, nothing is created twice, and the
emulator's counters show what happened."""

from __future__ import annotations

import asyncio
import time

import pytest
from local_support import CREATING_CALLS, JOB, create

from aws_mlops_async import Config, ConnectionFailed, ServiceError, Session
from aws_mlops_async.local import FAULT_KINDS, FaultKind, Faults, LocalAws

KINDS: dict[str, str] = {
    "sagemaker": "image_version",
    "batch": "service_job",
    "datazone": "notebook_run",
    "lookoutvision": "model_packaging_job",
}


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("service", list(CREATING_CALLS))
async def test_each_fault_is_absorbed_and_creates_once(
    endpoint: LocalAws, no_sleep: list[float], service: str, kind: FaultKind
) -> None:
    endpoint.faults.inject(kind, count=2)
    async with endpoint.session(config=Config(max_attempts=3)) as session:
        await create(session, service)
    stats = endpoint.stats
    assert sum(stats.received.values()) == 3
    assert stats.faults == {kind: 2}
    assert stats.created[KINDS[service]] == 1
    # A lost response was processed: the retries carry the same token and get the first answer.
    assert sum(stats.replayed.values()) == (2 if kind == "lost_response" else 0)
    assert len(no_sleep) == 2


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("sagemaker", "ThrottlingException", 400),
        ("batch", "TooManyRequestsException", 429),
        ("datazone", "ThrottlingException", 429),
        ("lookoutvision", "ThrottlingException", 429),
    ],
)
async def test_throttling_is_each_services_own_and_classified_as_throttling(
    endpoint: LocalAws, service: str, code: str, status: int
) -> None:
    endpoint.faults.inject("throttle")
    endpoint.faults.inject("server_error")
    endpoint.faults.inject("unavailable")
    async with endpoint.session(config=Config(max_attempts=1)) as session:
        with pytest.raises(ServiceError) as throttled:
            await create(session, service)
        with pytest.raises(ServiceError) as failed:
            await create(session, service)
        with pytest.raises(ServiceError) as unavailable:
            await create(session, service)
    assert (throttled.value.code, throttled.value.status_code) == (code, status)
    assert throttled.value.throttling and throttled.value.retryable
    assert failed.value.status_code == 500 and failed.value.retryable
    assert not failed.value.throttling
    assert unavailable.value.status_code == 503 and unavailable.value.retryable


async def test_a_drop_without_retries_is_a_connection_failure(endpoint: LocalAws) -> None:
    endpoint.faults.inject("drop", operation="DescribeServiceJob")
    async with endpoint.session(config=Config(max_attempts=1)) as session:
        job = await session.batch.submit_service_job(**JOB)  # not that operation
        with pytest.raises(ConnectionFailed):
            await session.batch.describe_service_job(job_id=job.job_id)
        await session.batch.describe_service_job(job_id=job.job_id)  # only the next one
    assert endpoint.stats.received == {"SubmitServiceJob": 1, "DescribeServiceJob": 2}


async def test_a_non_retryable_error_surfaces_typed_at_once(
    endpoint: LocalAws, session: Session, no_sleep: list[float]
) -> None:
    endpoint.faults.set(throttle=0.0)
    with pytest.raises(session.batch.exceptions.ClientException) as caught:
        await session.batch.terminate_service_job(job_id="no-such-job", reason="x")
    assert (caught.value.attempts, caught.value.retryable, no_sleep) == (1, False, [])


async def test_random_faults_with_a_seed_are_absorbed_and_nothing_is_created_twice(
    no_sleep: list[float],
) -> None:
    async with LocalAws(seed=42) as endpoint:
        endpoint.faults.set(
            throttle=0.2, server_error=0.05, unavailable=0.05, drop=0.05, lost_response=0.05
        )
        async with endpoint.session(config=Config(max_attempts=12)) as session:
            jobs = [{**JOB, "job_name": f"job-{n}"} for n in range(60)]
            responses = await asyncio.gather(
                *(session.batch.submit_service_job(**job) for job in jobs)
            )
        stats = endpoint.stats
    assert len({response.job_id for response in responses}) == 60
    assert stats.created["service_job"] == 60
    assert set(stats.faults) == set(FAULT_KINDS)
    assert stats.replayed["SubmitServiceJob"] >= stats.faults["lost_response"] > 0
    assert stats.received["SubmitServiceJob"] == 60 + sum(stats.faults.values())


def test_fault_draws_repeat_under_a_seed() -> None:
    def draws(seed: int) -> list[str | None]:
        faults = Faults(seed)
        faults.set(throttle=0.3, drop=0.1)
        faults.set(server_error=0.5, operation="DescribeServiceJob")
        return [
            faults.decide("SubmitServiceJob" if n % 2 else "DescribeServiceJob").kind
            for n in range(200)
        ]

    first = draws(7)
    assert first == draws(7) and first != draws(8)
    assert set(first[0::2]) == {None, "server_error"}  # the operation's own rule
    assert set(first[1::2]) == {None, "throttle", "drop"}


def test_fault_rules_are_checked() -> None:
    faults = Faults()
    with pytest.raises(ValueError, match="more than 1"):
        faults.set(throttle=0.7, drop=0.5)
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        faults.set(drop=-0.1)
    with pytest.raises(ValueError, match="unknown fault"):
        faults.inject("explode")  # type: ignore[arg-type]
    faults.set(throttle=0.5, operation="X")
    faults.clear("X")
    assert not faults.rule("X").active


async def test_a_delay_holds_requests_and_the_peak_in_flight_is_recorded(
    endpoint: LocalAws, session: Session
) -> None:
    await session.batch.submit_service_job(**JOB)
    endpoint.stats.reset()
    endpoint.faults.set(delay=0.1, operation="ListServiceJobs")
    started = time.perf_counter()
    await asyncio.gather(*(session.batch.list_service_jobs() for _ in range(8)))
    assert time.perf_counter() - started >= 0.1
    assert (endpoint.stats.peak_in_flight, endpoint.stats.in_flight) == (8, 0)
    assert endpoint.stats.received == {"ListServiceJobs": 8}


async def test_bulk_submission_survives_lost_responses_within_its_concurrency(
    endpoint: LocalAws, session: Session, no_sleep: list[float]
) -> None:
    endpoint.faults.set(delay=0.005, throttle=0.1, lost_response=0.1, drop=0.05)
    jobs = [{**JOB, "job_name": f"bulk-{n}"} for n in range(80)]
    run = session.batch.submit_service_jobs(jobs, concurrency=6, run_id="run-1")
    outcomes = [outcome async for outcome in run]
    assert all(outcome.ok for outcome in outcomes) and len(outcomes) == 80
    stats = endpoint.stats
    assert stats.created["service_job"] == 80
    assert stats.replayed["SubmitServiceJob"] >= stats.faults["lost_response"] > 0
    assert stats.peak_in_flight <= 6
    stats.reset()
    again = session.batch.submit_service_jobs(jobs, concurrency=6, run_id="run-1")
    assert len([outcome async for outcome in again]) == 80
    assert stats.created["service_job"] == 0  # the same run id: every job answered as before
