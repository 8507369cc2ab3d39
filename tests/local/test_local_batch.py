"""Batch service jobs through our client against the emulator."""

from __future__ import annotations

import json

import pytest
from local_support import JOB

from aws_mlops_async import PaginationConfig, Session, WaiterError
from aws_mlops_async.local import Durations, LocalAws


async def test_a_job_runs_through_its_states_to_succeeded(
    endpoint: LocalAws, session: Session
) -> None:
    batch = session.batch
    submitted = await batch.submit_service_job(**JOB, scheduling_priority=5, tags={"team": "ml"})
    assert submitted.job_arn == (
        f"arn:aws:batch:us-east-1:123456789012:service-job/{submitted.job_id}"
    )
    described = await batch.describe_service_job(job_id=submitted.job_id)
    assert (described.status, described.started_at, described.attempts) == ("SUBMITTED", 0, [])
    assert described.job_queue == "arn:aws:batch:us-east-1:123456789012:job-queue/ml-queue"
    assert (described.scheduling_priority, described.tags) == (5, {"team": "ml"})
    assert json.loads(described.service_request_payload or "")["TrainingJobName"] == "train-1"
    done = await batch.get_waiter("service_job_finished").wait(job_id=submitted.job_id, delay=0.02)
    assert done.status == "SUCCEEDED" and not done.is_terminated
    assert done.created_at is not None and done.stopped_at is not None
    assert done.created_at < done.started_at < done.stopped_at  # epoch milliseconds
    assert done.latest_attempt is not None and done.latest_attempt.service_resource_id is not None
    # Batch names the training job itself, not as the payload's TrainingJobName says.
    assert done.latest_attempt.service_resource_id.value == (
        "arn:aws:sagemaker:us-east-1:123456789012:training-job/"
        f"awsbatch-train-1-{submitted.job_id[:8]}"
    )
    assert done.attempts is not None and done.attempts[0].stopped_at == done.stopped_at


async def test_the_clock_moves_jobs_without_waiting(endpoint: LocalAws, session: Session) -> None:
    job = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(0.06)
    assert (await session.batch.describe_service_job(job_id=job.job_id)).status == "RUNNABLE"
    endpoint.clock.advance(0.05)
    assert (await session.batch.describe_service_job(job_id=job.job_id)).status == "RUNNING"
    endpoint.clock.advance(3600)
    assert (await session.batch.describe_service_job(job_id=job.job_id)).status == "SUCCEEDED"


async def test_a_failing_job_ends_the_waiter(endpoint: LocalAws, session: Session) -> None:
    endpoint.state.fail_next("batch", reason="AlgorithmError: out of memory")
    job = await session.batch.submit_service_job(**JOB)
    with pytest.raises(WaiterError) as caught:
        await session.batch.get_waiter("service_job_finished").wait(job_id=job.job_id, delay=0.02)
    last = caught.value.last_response
    assert getattr(last, "status", None) == "FAILED"
    assert getattr(last, "status_reason", None) == "AlgorithmError: out of memory"
    following = await session.batch.submit_service_job(**JOB)  # only the next one fails
    endpoint.clock.advance(60)
    assert (await session.batch.describe_service_job(job_id=following.job_id)).status == (
        "SUCCEEDED"
    )


async def test_terminate_fails_the_job_with_the_reason(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.clock.hold()  # the job is still going when it is terminated
    job = await session.batch.submit_service_job(**JOB)
    await session.batch.terminate_service_job(job_id=job.job_id, reason="cancelled by user")
    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert (described.status, described.status_reason, described.is_terminated) == (
        "FAILED",
        "cancelled by user",
        True,
    )
    await session.batch.terminate_service_job(job_id=job.job_id, reason="again")  # a no-op
    assert (await session.batch.describe_service_job(job_id=job.job_id)).status_reason == (
        "cancelled by user"
    )


async def test_unknown_jobs_and_bad_input_are_client_exceptions(session: Session) -> None:
    batch = session.batch
    with pytest.raises(batch.exceptions.ClientException) as caught:
        await batch.describe_service_job(job_id="no-such-job")
    assert (caught.value.status_code, caught.value.attempts) == (400, 1)
    with pytest.raises(batch.exceptions.ClientException):
        await batch.terminate_service_job(job_id="no-such-job", reason="x")
    with pytest.raises(batch.exceptions.ClientException):
        await batch.submit_service_job(**{**JOB, "service_request_payload": "not json"})


async def test_list_shows_running_jobs_unless_told_otherwise() -> None:
    durations = Durations(
        service_job_submitted=0.05, service_job_runnable=0.05, service_job_running=10
    )
    async with (
        LocalAws(durations=durations) as endpoint,
        endpoint.session() as session,
    ):
        await _list_and_filter(endpoint, session)


async def _list_and_filter(endpoint: LocalAws, session: Session) -> None:
    batch = session.batch
    jobs = {}
    for name in ("train-a1", "train-a2", "eval-b1", "train-c1"):
        jobs[name] = await batch.submit_service_job(**{**JOB, "job_name": name})
        if name == "eval-b1":
            await batch.terminate_service_job(job_id=jobs[name].job_id, reason="stop")
        if name != "train-c1":
            endpoint.clock.advance(20)
    other = await batch.submit_service_job(**{**JOB, "job_queue": "other-queue"})
    endpoint.clock.advance(0.2)  # train-c1 and the other queue's job: RUNNING for 10 s
    running = await batch.list_service_jobs(job_queue="ml-queue")
    assert [job.job_name for job in running.job_summary_list] == ["train-c1"]
    everywhere = await batch.list_service_jobs(job_status="RUNNING")
    assert [job.job_id for job in everywhere.job_summary_list] == [
        other.job_id,
        jobs["train-c1"].job_id,
    ]
    succeeded = await batch.list_service_jobs(job_queue="ml-queue", job_status="SUCCEEDED")
    assert [job.job_name for job in succeeded.job_summary_list] == ["train-a2", "train-a1"]
    queue_arn = "arn:aws:batch:us-east-1:123456789012:job-queue/ml-queue"
    failed = await batch.list_service_jobs(job_queue=queue_arn, job_status="FAILED")
    assert [(job.job_name, job.is_terminated) for job in failed.job_summary_list] == [
        ("eval-b1", True)
    ]
    prefixed = await batch.list_service_jobs(
        job_queue="ml-queue", filters=[{"name": "JOB_NAME", "values": ["TRAIN-A*"]}]
    )
    assert [job.job_name for job in prefixed.job_summary_list] == ["train-a2", "train-a1"]
    exact = await batch.list_service_jobs(
        job_queue="ml-queue", filters=[{"name": "JOB_NAME", "values": ["Eval-B1"]}]
    )
    assert [job.job_name for job in exact.job_summary_list] == ["eval-b1"]
    second = (await batch.describe_service_job(job_id=jobs["train-a2"].job_id)).created_at
    after = await batch.list_service_jobs(
        job_queue="ml-queue", filters=[{"name": "AFTER_CREATED_AT", "values": [str(second)]}]
    )
    assert [job.job_name for job in after.job_summary_list] == [
        "train-c1",
        "eval-b1",
        "train-a2",
    ]
    before = await batch.list_service_jobs(
        job_queue="ml-queue", filters=[{"name": "BEFORE_CREATED_AT", "values": [str(second)]}]
    )
    assert [job.job_name for job in before.job_summary_list] == ["train-a2", "train-a1"]
    with pytest.raises(batch.exceptions.ClientException):
        await batch.list_service_jobs(
            filters=[
                {"name": "JOB_NAME", "values": ["a"]},
                {"name": "AFTER_CREATED_AT", "values": ["1"]},
            ]
        )
    with pytest.raises(batch.exceptions.ClientException):
        await batch.list_service_jobs(filters=[{"name": "COLOUR", "values": ["red"]}])


async def test_the_paginator_pages_through_a_queue(endpoint: LocalAws, session: Session) -> None:
    for n in range(7):
        await session.batch.submit_service_job(**{**JOB, "job_name": f"job-{n}"})
    endpoint.clock.advance(60)
    pages = session.batch.get_paginator("list_service_jobs").paginate(
        job_queue="ml-queue",
        job_status="SUCCEEDED",
        pagination_config=PaginationConfig(page_size=3),
    )
    sizes, names = [], []
    async for page in pages:
        sizes.append(len(page.job_summary_list))
        names += [job.job_name for job in page.job_summary_list]
    assert sizes == [3, 3, 1]
    assert names == [f"job-{n}" for n in reversed(range(7))]  # newest first


async def test_a_client_token_submits_once_and_conflicts_with_other_parameters(
    endpoint: LocalAws, session: Session
) -> None:
    first = await session.batch.submit_service_job(**JOB, client_token="run-7/job-1")
    again = await session.batch.submit_service_job(**JOB, client_token="run-7/job-1")
    assert again.job_id == first.job_id
    other = await session.batch.submit_service_job(**JOB, client_token="run-7/job-2")
    assert other.job_id != first.job_id
    with pytest.raises(session.batch.exceptions.ClientException):
        await session.batch.submit_service_job(
            **{**JOB, "job_name": "renamed"}, client_token="run-7/job-1"
        )
    assert endpoint.stats.created["service_job"] == 2
    assert endpoint.stats.replayed["SubmitServiceJob"] == 1
