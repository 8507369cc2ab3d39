"""What SubmitServiceJob needs to exist, emulated: service environments, SAGEMAKER_TRAINING job
queues and quota shares; strict resources; and the Batch operations the emulator leaves out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from local_support import FAST, JOB

from aws_mlops_async import PaginationConfig, Session, ValidationError
from aws_mlops_async.local import LocalAws
from aws_mlops_async.services.batch.client import BatchClient
from aws_mlops_async.services.batch.errors import ClientException
from aws_mlops_async.services.batch.models import ServiceEnvironmentOrder

CAPACITY = [{"max_capacity": 8, "capacity_unit": "NUM_INSTANCES"}]
SHARE: dict[str, Any] = {
    "capacity_limits": [{"max_capacity": 2, "capacity_unit": "ml.g5.xlarge"}],
    "resource_sharing_configuration": {"strategy": "LEND_AND_BORROW", "borrow_limit": 100},
    "preemption_configuration": {"in_share_preemption": "DISABLED"},
}


async def environment_and_queue(
    endpoint: LocalAws, session: Session, queue: str = "ml-queue"
) -> str:
    """A VALID service environment and a VALID SAGEMAKER_TRAINING queue over it; its ARN."""
    await session.batch.create_service_environment(
        service_environment_name="training-env",
        service_environment_type="SAGEMAKER_TRAINING",
        capacity_limits=CAPACITY,
    )
    created = await session.batch.create_job_queue(
        job_queue_name=queue,
        priority=1,
        job_queue_type="SAGEMAKER_TRAINING",
        service_environment_order=[{"order": 1, "service_environment": "training-env"}],
    )
    endpoint.clock.advance(1)
    return created.job_queue_arn


@pytest.fixture
async def long_jobs() -> AsyncIterator[LocalAws]:
    """The emulator with jobs that run for an hour."""
    async with LocalAws(durations=replace(FAST, service_job_running=3600), seed=1) as running:
        yield running


@pytest.fixture
async def strict() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=FAST, seed=1, strict_resources=True) as running:
        yield running


# ---- what a hurried user gets wrong ------------------------------------------------------


async def test_strict_resources_refuse_a_queue_never_created(strict: LocalAws) -> None:
    async with strict.session() as session:
        with pytest.raises(ClientException) as caught:
            await session.batch.submit_service_job(**{**JOB, "job_queue": "ml-queu"})
        assert "ml-queu" in caught.value.message and caught.value.status_code == 400
        await environment_and_queue(strict, session)
        accepted = await session.batch.submit_service_job(**JOB)
    assert list(strict.state.service_jobs) == [accepted.job_id]


async def test_by_default_any_queue_name_takes_jobs(endpoint: LocalAws, session: Session) -> None:
    job = await session.batch.submit_service_job(**{**JOB, "job_queue": "never-created"})
    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert described.job_queue.endswith(":job-queue/never-created")


async def test_a_queue_takes_jobs_only_once_valid_and_enabled(
    endpoint: LocalAws, session: Session
) -> None:
    await session.batch.create_service_environment(
        service_environment_name="training-env",
        service_environment_type="SAGEMAKER_TRAINING",
        capacity_limits=CAPACITY,
    )
    await session.batch.create_job_queue(
        job_queue_name="ml-queue",
        priority=1,
        service_environment_order=[
            ServiceEnvironmentOrder(order=1, service_environment="training-env")
        ],
    )
    with pytest.raises(ClientException, match="CREATING"):
        await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(1)
    await session.batch.update_job_queue(job_queue="ml-queue", state="DISABLED")
    with pytest.raises(ClientException, match="DISABLED"):
        await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(1)
    await session.batch.update_job_queue(job_queue="ml-queue", state="ENABLED")
    assert (await session.batch.submit_service_job(**JOB)).job_id
    assert len(endpoint.state.service_jobs) == 1


async def test_a_quota_share_named_must_belong_to_the_queue(
    endpoint: LocalAws, session: Session
) -> None:
    await environment_and_queue(endpoint, session)
    with pytest.raises(ClientException, match="Quota share research does not exist"):
        await session.batch.submit_service_job(**JOB, quota_share_name="research")
    share = await session.batch.create_quota_share(
        quota_share_name="research", job_queue="ml-queue", **SHARE
    )
    endpoint.clock.advance(1)
    job = await session.batch.submit_service_job(**JOB, quota_share_name="research")
    assert (await session.batch.describe_service_job(job_id=job.job_id)).quota_share_name == (
        "research"
    )
    await session.batch.update_quota_share(quota_share_arn=share.quota_share_arn, state="DISABLED")
    with pytest.raises(ClientException, match="DISABLED"):
        await session.batch.submit_service_job(**JOB, quota_share_name="research")


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"service_environment_order": [{"order": 1, "service_environment": "nope"}]}, "nope"),
        ({"service_environment_order": []}, "at least one service environment"),
        ({"job_queue_type": "ECS"}, "compute environments"),
        (
            {"compute_environment_order": [{"order": 1, "compute_environment": "ce"}]},
            "compute environments",
        ),
    ],
)
async def test_a_queue_the_emulator_cannot_run_is_refused(
    endpoint: LocalAws, session: Session, changes: dict[str, Any], complaint: str
) -> None:
    await environment_and_queue(endpoint, session, queue="first")
    request: dict[str, Any] = {
        "job_queue_name": "second",
        "priority": 1,
        "service_environment_order": [{"order": 1, "service_environment": "training-env"}],
        **changes,
    }
    with pytest.raises(ClientException, match=complaint):
        await session.batch.create_job_queue(**request)
    assert list(endpoint.state.job_queues) == ["first"]


async def test_names_are_unique_until_deleted(endpoint: LocalAws, session: Session) -> None:
    await environment_and_queue(endpoint, session)
    with pytest.raises(ClientException, match="already exists"):
        await session.batch.create_service_environment(
            service_environment_name="training-env",
            service_environment_type="SAGEMAKER_TRAINING",
            capacity_limits=CAPACITY,
        )
    with pytest.raises(ClientException, match="already exists"):
        await environment_and_queue(endpoint, session)


async def test_deleting_needs_disabled_and_unused(long_jobs: LocalAws) -> None:
    endpoint = long_jobs
    async with endpoint.session() as session:
        await delete_in_order(endpoint, session)


async def delete_in_order(endpoint: LocalAws, session: Session) -> None:
    batch = session.batch
    await environment_and_queue(endpoint, session)
    job = await batch.submit_service_job(**JOB)
    with pytest.raises(ClientException, match="must be DISABLED"):
        await batch.delete_job_queue(job_queue="ml-queue")
    await batch.update_service_environment(service_environment="training-env", state="DISABLED")
    endpoint.clock.advance(1)
    with pytest.raises(ClientException, match="used by job queue"):
        await batch.delete_service_environment(service_environment="training-env")

    await batch.update_job_queue(job_queue="ml-queue", state="DISABLED")
    endpoint.clock.advance(1)
    await batch.delete_job_queue(job_queue="ml-queue")
    [deleting] = (await batch.describe_job_queues(job_queues=["ml-queue"])).job_queues or []
    assert deleting.status == "DELETING"
    ended = await batch.describe_service_job(job_id=job.job_id)
    assert (ended.status, ended.status_reason) == ("FAILED", "The job queue was deleted.")
    endpoint.clock.advance(1)
    assert (await batch.describe_job_queues(job_queues=["ml-queue"])).job_queues == []
    await batch.delete_service_environment(service_environment="training-env")
    endpoint.clock.advance(1)
    listing = await batch.describe_service_environments()
    assert listing.service_environments == []


async def test_an_update_of_a_finished_job_is_refused(endpoint: LocalAws, session: Session) -> None:
    job = await session.batch.submit_service_job(**JOB)
    updated = await session.batch.update_service_job(job_id=job.job_id, scheduling_priority=42)
    assert (updated.job_id, updated.job_name) == (job.job_id, JOB["job_name"])
    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert described.scheduling_priority == 42
    endpoint.clock.advance(3600)
    with pytest.raises(ClientException, match="SUCCEEDED"):
        await session.batch.update_service_job(job_id=job.job_id, scheduling_priority=1)
    with pytest.raises(ClientException, match="does not exist"):
        await session.batch.update_service_job(job_id="no-such-job", scheduling_priority=1)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda b: b.update_service_job(job_id="j", scheduling_priority=10_000),
            "scheduling_priority",
        ),
        (lambda b: b.update_service_job(job_id="j", scheduling_priority=-1), "scheduling_priority"),
        (lambda b: b.terminate_service_jobs(jobs=[], reason="r"), "jobs"),
        (lambda b: b.terminate_service_jobs(jobs=["j"] * 51, reason="r"), "jobs"),
    ],
)
async def test_documented_limits_are_refused_before_sending(
    endpoint: LocalAws, session: Session, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(session.batch)
    assert [problem.field for problem in caught.value.problems] == [field]
    assert sum(endpoint.stats.received.values()) == 0


async def test_terminate_service_jobs_ends_each_and_counts_unknown_ones(
    endpoint: LocalAws, session: Session
) -> None:
    jobs = [await session.batch.submit_service_job(**JOB) for _ in range(3)]
    endpoint.clock.advance(3600)  # the first three finish
    running = await session.batch.submit_service_job(**JOB)
    ids = [job.job_id for job in [*jobs, running]] + ["no-such-job"]
    answer = await session.batch.terminate_service_jobs(jobs=ids, reason="budget cut")
    assert (answer.successful, answer.errors) == (ids, [])
    ended = await session.batch.describe_service_job(job_id=running.job_id)
    assert (ended.status, ended.status_reason, ended.is_terminated) == (
        "FAILED",
        "budget cut",
        True,
    )
    finished = await session.batch.describe_service_job(job_id=jobs[0].job_id)
    assert (finished.status, finished.is_terminated) == ("SUCCEEDED", False)


async def test_operations_not_emulated_answer_501_naming_them(
    endpoint: LocalAws, session: Session
) -> None:
    with pytest.raises(BatchClient.exceptions.base) as caught:
        await session.batch.describe_jobs(jobs=["j"])
    error = caught.value
    assert type(error) is session.batch.exceptions.base
    assert (error.code, error.status_code) == ("NotImplemented", 501)
    assert "Batch DescribeJobs is not emulated" in error.message
    assert endpoint.stats.received["DescribeJobs"] == 1  # not retried


# ---- the lifecycle -----------------------------------------------------------------------


async def test_resources_go_creating_valid_updating_valid(
    endpoint: LocalAws, session: Session
) -> None:
    batch = session.batch
    created = await batch.create_service_environment(
        service_environment_name="training-env",
        service_environment_type="SAGEMAKER_TRAINING",
        capacity_limits=CAPACITY,
        tags={"team": "ml"},
    )
    assert created.service_environment_arn == (
        "arn:aws:batch:us-east-1:123456789012:service-environment/training-env"
    )

    async def status() -> tuple[str | None, str | None]:
        [env] = (await batch.describe_service_environments()).service_environments or []
        return env.status, env.state

    assert await status() == ("CREATING", "ENABLED")
    endpoint.clock.advance(0.05)
    assert await status() == ("VALID", "ENABLED")
    await batch.update_service_environment(
        service_environment=created.service_environment_arn,
        capacity_limits=[{"max_capacity": 16, "capacity_unit": "NUM_INSTANCES"}],
    )
    assert await status() == ("UPDATING", "ENABLED")
    endpoint.clock.advance(0.05)
    [env] = (await batch.describe_service_environments()).service_environments or []
    assert (env.status, env.tags) == ("VALID", {"team": "ml"})
    assert [(c.max_capacity, c.capacity_unit) for c in env.capacity_limits] == [
        (16, "NUM_INSTANCES")
    ]


async def test_queues_and_shares_page_and_describe(endpoint: LocalAws, session: Session) -> None:
    queue_arn = await environment_and_queue(endpoint, session)
    for n in range(5):
        await session.batch.create_quota_share(
            quota_share_name=f"share-{n}", job_queue=queue_arn, **SHARE
        )
    paginator = session.batch.get_paginator("list_quota_shares")
    pages = [
        page
        async for page in paginator.paginate(
            job_queue="ml-queue", pagination_config=PaginationConfig(page_size=2)
        )
    ]
    names = [share.quota_share_name for page in pages for share in page.quota_shares or []]
    assert (len(pages), names) == (3, [f"share-{n}" for n in range(5)])
    first = (pages[0].quota_shares or [])[0]
    described = await session.batch.describe_quota_share(quota_share_arn=first.quota_share_arn)
    assert described.job_queue_arn == queue_arn
    assert described.resource_sharing_configuration is not None
    assert described.resource_sharing_configuration.borrow_limit == 100
    [queue] = (await session.batch.describe_job_queues()).job_queues or []
    assert (queue.job_queue_type, queue.compute_environment_order, queue.state) == (
        "SAGEMAKER_TRAINING",
        [],
        "ENABLED",
    )


async def test_resources_survive_a_snapshot(endpoint: LocalAws, session: Session) -> None:
    await environment_and_queue(endpoint, session)
    await session.batch.create_quota_share(quota_share_name="s", job_queue="ml-queue", **SHARE)
    saved = endpoint.state.snapshot()
    endpoint.state.clear()
    assert endpoint.state.job_queues == {}
    endpoint.state.restore(saved)
    assert endpoint.state.snapshot() == saved
    [queue] = (await session.batch.describe_job_queues(job_queues=["ml-queue"])).job_queues or []
    assert queue.status == "VALID"
