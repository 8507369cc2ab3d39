"""The library's log follower (`sagemaker.training_job_logs`, `batch.service_job_logs`) against
the emulator's CloudWatch Logs, in real time: lines written while the job trains are followed
until it ends, every line once and in time order, a failed job's last lines its own."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from logs_support import boto3_client, read_through, stream_names, training_request

from aws_mlops_async import Session
from aws_mlops_async.ext.training_logs import LogLine
from aws_mlops_async.local import Durations, LocalAws

pytestmark = pytest.mark.timeout(10)

#: Jobs train for 1.2 s of real time: long enough for a follower to see lines arrive.
LIVE = Durations(
    training_job_starting=0.1,
    training_job_running=1.2,
    service_job_submitted=0.05,
    service_job_runnable=0.05,
    service_job_running=1.2,
)
FOLLOW: dict[str, Any] = {"follow": True, "poll_interval": 0.05}


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=LIVE, seed=1) as running:
        yield running


@pytest.fixture
async def session(endpoint: LocalAws) -> AsyncIterator[Session]:
    async with endpoint.session() as opened:
        yield opened


async def follow(logs: Any) -> list[LogLine]:
    async with logs:
        return [line async for line in logs]


async def written(endpoint: LocalAws, prefix: str) -> list[tuple[str, int, str]]:
    """What the job's streams hold, read with boto3: (stream, timestamp, message)."""
    logs = boto3_client(endpoint, "logs")
    return [
        (name, event["timestamp"], event["message"])
        for name in await stream_names(logs, prefix)
        for event in await read_through(logs, name)
    ]


async def test_following_a_job_on_two_instances_ends_with_it_every_line_once_each_in_order(
    endpoint: LocalAws, session: Session
) -> None:
    await session.sagemaker.create_training_job(**wire_request("duo", instances=2, epochs=30))
    began = time.monotonic()

    lines = await follow(session.sagemaker.training_job_logs("duo", **FOLLOW))

    described = await session.sagemaker.describe_training_job(training_job_name="duo")
    assert described.training_job_status == "Completed"
    assert time.monotonic() - began >= 1.0  # it followed the job rather than read it after
    expected = await written(endpoint, "duo/")
    assert len(expected) == 2 * (30 + 7)
    assert sorted((line.stream, line.timestamp_ms, line.message) for line in lines) == sorted(
        expected
    )
    for instance in ("algo-1", "algo-2"):
        times = [line.timestamp_ms for line in lines if line.instance == instance]
        assert times == sorted(times) and times


async def test_followed_lines_of_every_instance_come_in_one_time_order(
    session: Session,
) -> None:
    await session.sagemaker.create_training_job(**wire_request("order", instances=2, epochs=60))

    lines = await follow(session.sagemaker.training_job_logs("order", **FOLLOW))

    assert len(lines) == 2 * (60 + 7)
    times = [line.timestamp_ms for line in lines]
    assert times == sorted(times)


async def test_a_failed_jobs_followed_lines_end_with_its_failure_reason(
    endpoint: LocalAws, session: Session
) -> None:
    reason = "AlgorithmError: CUDA out of memory while allocating 2.00 GiB"
    endpoint.state.fail_next("training_job", reason=reason)
    await session.sagemaker.create_training_job(**wire_request("oom", instances=2))

    lines = await follow(session.sagemaker.training_job_logs("oom", **FOLLOW))

    described = await session.sagemaker.describe_training_job(training_job_name="oom")
    assert described.failure_reason == reason
    last_of_each = {
        instance: [line.message for line in lines if line.instance == instance][-8:]
        for instance in ("algo-1", "algo-2")
    }
    for last in last_of_each.values():
        assert last[0] == "Traceback (most recent call last):"
        assert last[-1] == "RuntimeError: CUDA out of memory while allocating 2.00 GiB"


async def test_a_batch_service_jobs_training_job_writes_the_lines_its_logs_follow(
    endpoint: LocalAws, session: Session
) -> None:
    submitted = await session.batch.submit_service_job(
        job_name="batched",
        job_queue="ml-queue",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload=json.dumps(training_request("batched", instances=2)),
    )

    lines = await follow(session.batch.service_job_logs(submitted.job_id, **FOLLOW))

    described = await session.batch.describe_service_job(job_id=submitted.job_id)
    assert described.status == "SUCCEEDED"
    assert {line.instance for line in lines} == {"algo-1", "algo-2"}
    assert lines[-1].message.endswith("Reporting training SUCCESS")
    assert len(lines) == 2 * (3 + 7)


def wire_request(name: str, **shape: int) -> dict[str, Any]:
    """`training_request` as the library's client takes it (top-level members by Python
    name)."""
    request = training_request(name, **shape)
    return {
        "training_job_name": request["TrainingJobName"],
        "role_arn": request["RoleArn"],
        "output_data_config": request["OutputDataConfig"],
        "algorithm_specification": request["AlgorithmSpecification"],
        "resource_config": request["ResourceConfig"],
        "stopping_condition": request["StoppingCondition"],
        "hyper_parameters": request["HyperParameters"],
    }


async def test_a_watch_gives_a_failed_service_job_the_last_lines_its_training_job_wrote(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.state.fail_next("batch", reason="AlgorithmError: KeyError: 'labels'")
    submitted = await session.batch.submit_service_job(
        job_name="watched",
        job_queue="ml-queue",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload=json.dumps(training_request("watched", instances=2)),
    )

    watch = session.batch.watch_service_jobs(
        [submitted.job_id], poll_interval=0.05, logs_on_failure=3
    )
    updates = [update async for update in watch]

    failed = updates[-1]
    assert failed.status == "FAILED" and failed.logs is not None, failed.logs_unread
    assert [line.message for line in failed.logs][-1] == "KeyError: 'labels'"
    assert len(failed.logs) == 3


async def test_a_stopped_jobs_lines_end_where_it_was_stopped(
    endpoint: LocalAws, session: Session
) -> None:
    await session.sagemaker.create_training_job(**wire_request("halted", epochs=200))
    endpoint.clock.advance(0.6)  # partway through its Training phase
    await session.sagemaker.stop_training_job(training_job_name="halted")

    lines = await follow(session.sagemaker.training_job_logs("halted", **FOLLOW))

    assert 5 < len(lines) < 200 + 7
    assert "Received SIGTERM" in lines[-1].message
    assert lines[-2].message.startswith("epoch ")
