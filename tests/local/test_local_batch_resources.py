"""What SubmitServiceJob needs to exist, emulated: service environments, SAGEMAKER_TRAINING job
queues and quota shares; strict resources; and the Batch operations the emulator leaves out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from local_support import FAST, JOB, raw_request

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
    endpoint.clock.hold()  # only the test moves the jobs on
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


# ---- names Batch refuses: a ClientException, and nothing made --------------------------------

_ARN = "arn:aws:batch:us-east-1:123456789012"
BAD_NAMES = ["", " ", "a" * 129, "two words", "q/1", "ünïcode", "q\n", "arn:aws:batch:nope"]
"""Names Batch refuses (up to 128 letters, digits, hyphens and underscores), and an ARN that is
not one."""

_ENVIRONMENT = {"serviceEnvironmentType": "SAGEMAKER_TRAINING", "capacityLimits": [{}]}
_ORDER = [{"order": 1, "serviceEnvironment": "training-env"}]
_QUOTA = {
    "capacityLimits": [{"maxCapacity": 1, "capacityUnit": "ml.g5.xlarge"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}
_SUBMIT = {
    "jobName": "j",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": "{}",
}
# Each Batch operation with a name-like member: its path, its other members, that member's name,
# and what the member names (its ARNs' resource type; None: a name only, never an ARN).
NAMED: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("submitservicejob", _SUBMIT, "jobQueue", "job-queue"),
    ("submitservicejob", {**_SUBMIT, "jobQueue": "q"}, "quotaShareName", None),
    ("listservicejobs", {}, "jobQueue", "job-queue"),
    ("createserviceenvironment", _ENVIRONMENT, "serviceEnvironmentName", None),
    (
        "updateserviceenvironment",
        {"state": "DISABLED"},
        "serviceEnvironment",
        "service-environment",
    ),
    ("deleteserviceenvironment", {}, "serviceEnvironment", "service-environment"),
    ("createjobqueue", {"priority": 1, "serviceEnvironmentOrder": _ORDER}, "jobQueueName", None),
    ("updatejobqueue", {"state": "DISABLED"}, "jobQueue", "job-queue"),
    ("deletejobqueue", {}, "jobQueue", "job-queue"),
    ("createquotashare", {**_QUOTA, "jobQueue": "q"}, "quotaShareName", None),
    ("createquotashare", {**_QUOTA, "quotaShareName": "s"}, "jobQueue", "job-queue"),
    ("listquotashares", {}, "jobQueue", "job-queue"),
]


async def batch_call(endpoint: LocalAws, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """A Batch request as any SDK sends it (our client checks some members before sending)."""
    status, headers, answer = await raw_request(
        endpoint, "batch", "POST", f"/v1/{path}", body=json.dumps(body).encode()
    )
    return status, (headers.get("x-amzn-ErrorType"), answer)


@pytest.mark.parametrize("bad", BAD_NAMES)
@pytest.mark.parametrize(("path", "others", "member", "resource"), NAMED)
async def test_a_name_batch_refuses_is_a_client_exception(
    endpoint: LocalAws,
    session: Session,
    path: str,
    others: dict[str, Any],
    member: str,
    resource: str | None,
    bad: str,
) -> None:
    await environment_and_queue(endpoint, session, queue="q")
    before = dict(endpoint.stats.created)
    status, (code, answer) = await batch_call(endpoint, path, {**others, member: bad})
    assert (status, code) == (400, "ClientException"), answer
    assert answer["message"].startswith(f"{member} "), answer
    assert "1 to 128 letters, digits, hyphens and underscores" in answer["message"]
    assert ("or an ARN" in answer["message"]) == (resource is not None)
    assert endpoint.stats.created == before


@pytest.mark.parametrize(
    ("path", "member"),
    [("describejobqueues", "jobQueues"), ("describeserviceenvironments", "serviceEnvironments")],
)
async def test_a_list_of_names_batch_refuses_is_a_client_exception(
    endpoint: LocalAws, path: str, member: str
) -> None:
    for bad in BAD_NAMES:
        status, (code, answer) = await batch_call(endpoint, path, {member: ["ok", bad]})
        assert (status, code) == (400, "ClientException"), (bad, answer)
        assert answer["message"].startswith(f"{member} "), answer


@pytest.mark.parametrize("path", ["describequotashare", "updatequotashare", "deletequotashare"])
async def test_a_quota_share_arn_batch_refuses_is_a_client_exception(
    endpoint: LocalAws, path: str
) -> None:
    for bad in [
        "",
        "s",
        f"{_ARN}:quota-share/q",
        f"{_ARN}:job-queue/q/s",
        f"{_ARN}:quota-share/q/",
    ]:
        status, (code, answer) = await batch_call(endpoint, path, {"quotaShareArn": bad})
        assert (status, code) == (400, "ClientException"), (bad, answer)
        assert answer["message"].startswith("quotaShareArn "), answer


async def test_an_empty_queue_creates_no_job(endpoint: LocalAws, session: Session) -> None:
    """The adversarial review's case: our own client sends an empty queue name as it is."""
    with pytest.raises(ClientException) as caught:
        await session.batch.submit_service_job(**{**JOB, "job_queue": ""})
    assert caught.value.message.startswith("jobQueue '' is not a job queue name or ARN: ")
    assert caught.value.status_code == 400
    assert endpoint.state.service_jobs == {}


async def test_names_and_arns_batch_takes_are_taken(endpoint: LocalAws, session: Session) -> None:
    longest = "Q_" + "q-1" * 42  # 128 characters
    arn = await environment_and_queue(endpoint, session, queue=longest)
    assert arn == f"{_ARN}:job-queue/{longest}"
    for queue in (longest, arn):
        job = await session.batch.submit_service_job(**{**JOB, "job_queue": queue})
        described = await session.batch.describe_service_job(job_id=job.job_id)
        assert described.job_queue == arn
    environment = f"{_ARN}:service-environment/training-env"
    described_environments = await session.batch.describe_service_environments(
        service_environments=[environment]
    )
    assert [e.service_environment_name for e in described_environments.service_environments] == [
        "training-env"
    ]
    share = await session.batch.create_quota_share(job_queue=arn, quota_share_name="s", **SHARE)
    assert share.quota_share_arn == f"{_ARN}:quota-share/{longest}/s"
    described_share = await session.batch.describe_quota_share(
        quota_share_arn=share.quota_share_arn
    )
    assert described_share.quota_share_name == "s"


async def test_a_job_name_batch_refuses_is_a_client_exception(endpoint: LocalAws) -> None:
    for bad in ["", "a" * 129, "two words"]:
        status, (code, answer) = await batch_call(
            endpoint, "submitservicejob", {**_SUBMIT, "jobQueue": "q", "jobName": bad}
        )
        assert (status, code) == (400, "ClientException"), answer
        assert "'jobName'" in answer["message"]
    assert endpoint.state.service_jobs == {}
