"""SageMaker training jobs through our client against the emulator: created directly, or
started by the Batch service jobs whose payload describes them; and jobs failed on purpose."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from local_support import FAST, JOB, TRAINING_REQUEST, raw_request

from aws_mlops_async import PaginationConfig, ServiceError, Session, WaiterError
from aws_mlops_async.local import Durations, Faults, LocalAws, LocalState
from aws_mlops_async.local.faults import JOB_FAILURE_REASON
from aws_mlops_async.local.services.sagemaker.training import batch_name

ARN = "arn:aws:sagemaker:us-east-1:123456789012:training-job/"
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
AWSJSON = {"Content-Type": "application/x-amz-json-1.1"}
#: Every phase lasts 10 s: only `clock.advance` moves a job on, however slowly a test runs.
#: A training job is Starting for 10 s, then Training for 10 s; a service job is SUBMITTED,
#: RUNNABLE, then RUNNING 10 s each, its training job Starting for the first 5 s of that.
SLOW = Durations.uniform(10)


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    """The emulator with 10 s phases (the `session` fixture binds to it)."""
    async with LocalAws(durations=SLOW, seed=1) as running:
        yield running


def training(name: str, **overrides: Any) -> dict[str, Any]:
    """CreateTrainingJob's arguments for our client: the shared request, named ``name``."""
    request = {**TRAINING_REQUEST, "TrainingJobName": name, **overrides}
    return {
        "training_job_name": request["TrainingJobName"],
        "role_arn": request["RoleArn"],
        "output_data_config": request["OutputDataConfig"],
        "algorithm_specification": request["AlgorithmSpecification"],
        "resource_config": request["ResourceConfig"],
        "stopping_condition": request["StoppingCondition"],
        "hyper_parameters": request["HyperParameters"],
    }


# ---- created directly -------------------------------------------------------------------


async def test_a_job_starts_trains_and_completes_echoing_its_request(
    endpoint: LocalAws, session: Session
) -> None:
    sagemaker = session.sagemaker
    created = await sagemaker.create_training_job(**training("Resnet-50"))
    assert created.training_job_arn == ARN + "resnet-50"

    starting = await sagemaker.describe_training_job(training_job_name="Resnet-50")
    assert (starting.training_job_status, starting.secondary_status) == ("InProgress", "Starting")
    assert (starting.training_job_name, starting.training_job_arn) == (
        "Resnet-50",
        ARN + "resnet-50",
    )
    assert starting.training_start_time is None and starting.training_end_time is None
    assert starting.role_arn == TRAINING_REQUEST["RoleArn"]
    assert starting.hyper_parameters == {"epochs": "3"}
    assert starting.algorithm_specification is not None
    assert starting.algorithm_specification.training_image == "pytorch:2.5"
    assert starting.resource_config is not None
    assert (starting.resource_config.instance_type, starting.resource_config.instance_count) == (
        "ml.g5.xlarge",
        1,
    )
    assert starting.stopping_condition.max_runtime_in_seconds == 3600
    assert starting.output_data_config is not None
    assert starting.output_data_config.s3_output_path == "s3://models-bucket/output/"
    assert starting.model_artifacts.s3_model_artifacts == (
        "s3://models-bucket/output/Resnet-50/output/model.tar.gz"
    )
    assert starting.enable_managed_spot_training is False
    assert starting.failure_reason is None

    endpoint.clock.advance(12)
    trained = await sagemaker.describe_training_job(training_job_name="resnet-50")  # any case
    assert (trained.training_job_status, trained.secondary_status) == ("InProgress", "Training")
    assert trained.training_start_time is not None
    assert trained.training_start_time > trained.creation_time

    endpoint.clock.advance(10)
    done = await sagemaker.describe_training_job(training_job_name="Resnet-50")
    assert (done.training_job_status, done.secondary_status) == ("Completed", "Completed")
    assert done.training_end_time is not None and trained.training_start_time is not None
    assert done.training_end_time > trained.training_start_time
    assert done.last_modified_time == done.training_end_time
    transitions = done.secondary_status_transitions or []
    assert [t.status for t in transitions] == ["Starting", "Training", "Completed"]
    assert transitions[0].end_time == transitions[1].start_time
    assert endpoint.stats.created["training_job"] == 1


async def test_the_waiter_ends_on_completed_stopped_or_failed() -> None:
    async with LocalAws(durations=FAST) as endpoint, endpoint.session() as session:
        await _wait_for_each_ending(endpoint, session)


async def _wait_for_each_ending(endpoint: LocalAws, session: Session) -> None:
    sagemaker = session.sagemaker
    waiter = sagemaker.get_waiter("training_job_completed_or_stopped")
    await sagemaker.create_training_job(**training("completes"))
    assert (await waiter.wait(training_job_name="completes", delay=0.02)).training_job_status == (
        "Completed"
    )

    endpoint.clock.hold()  # still in progress when it is stopped, however loaded the machine
    await sagemaker.create_training_job(**training("stopped"))
    await sagemaker.stop_training_job(training_job_name="stopped")
    endpoint.clock.release()
    assert (await waiter.wait(training_job_name="stopped", delay=0.02)).training_job_status == (
        "Stopped"
    )

    endpoint.state.fail_next("training_job", reason="AlgorithmError: out of memory")
    await sagemaker.create_training_job(**training("fails"))
    with pytest.raises(WaiterError) as caught:
        await waiter.wait(training_job_name="fails", delay=0.02)
    assert "Failed" in caught.value.reason
    assert getattr(caught.value.last_response, "failure_reason", None) == (
        "AlgorithmError: out of memory"
    )


async def test_names_are_unique_whatever_their_case_and_unknown_names_are_not_found(
    session: Session,
) -> None:
    sagemaker = session.sagemaker
    await sagemaker.create_training_job(**training("Taken"))
    with pytest.raises(sagemaker.exceptions.ResourceInUse) as in_use:
        await sagemaker.create_training_job(**training("taken"))
    assert (in_use.value.status_code, in_use.value.attempts) == (400, 1)
    assert ARN + "taken" in in_use.value.message
    with pytest.raises(sagemaker.exceptions.ResourceNotFound) as missing:
        await sagemaker.describe_training_job(training_job_name="nowhere")
    assert "nowhere" in missing.value.message
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        await sagemaker.stop_training_job(training_job_name="nowhere")
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        await sagemaker.update_training_job(training_job_name="nowhere")


async def test_a_request_sagemaker_refuses_is_a_validation_exception(endpoint: LocalAws) -> None:
    request = {**TRAINING_REQUEST}
    del request["RoleArn"]
    status, _, body = await raw_request(
        endpoint,
        "sagemaker",
        "POST",
        "/",
        body=json.dumps(request).encode(),
        headers={**AWSJSON, "X-Amz-Target": "SageMaker.CreateTrainingJob"},
    )
    assert (status, body["__type"]) == (400, "ValidationException")
    assert "Value at 'RoleArn'" in body["message"]
    assert endpoint.state.training_jobs == {}


async def test_stop_makes_an_in_progress_job_stopping_then_stopped(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.clock.hold()  # only the test moves the job on
    sagemaker = session.sagemaker
    await sagemaker.create_training_job(**training("to-stop"))
    answer = await sagemaker.stop_training_job(training_job_name="to-stop")
    assert answer.response_metadata.http_status_code == 200
    stopping = await sagemaker.describe_training_job(training_job_name="to-stop")
    assert (stopping.training_job_status, stopping.secondary_status) == ("Stopping", "Stopping")
    with pytest.raises(ServiceError) as again:
        await sagemaker.stop_training_job(training_job_name="to-stop")  # already stopping
    assert (again.value.code, again.value.status_code) == ("ValidationException", 400)
    endpoint.clock.advance(11)
    stopped = await sagemaker.describe_training_job(training_job_name="to-stop")
    assert (stopped.training_job_status, stopped.secondary_status) == ("Stopped", "Stopped")
    assert stopped.training_end_time is not None
    with pytest.raises(ServiceError) as finished:
        await sagemaker.stop_training_job(training_job_name="to-stop")
    assert finished.value.code == "ValidationException" and "Stopped" in finished.value.message

    await sagemaker.create_training_job(**training("completed"))
    endpoint.clock.advance(30)
    with pytest.raises(ServiceError) as completed:
        await sagemaker.stop_training_job(training_job_name="completed")
    assert completed.value.code == "ValidationException"
    assert "Completed" in completed.value.message


async def test_update_changes_an_in_progress_job_only(endpoint: LocalAws, session: Session) -> None:
    sagemaker = session.sagemaker
    await sagemaker.create_training_job(**training("updated"))
    endpoint.clock.advance(1)
    answer = await sagemaker.update_training_job(
        training_job_name="updated",
        resource_config={"KeepAlivePeriodInSeconds": 600},
        profiler_config={"ProfilingIntervalInMilliseconds": 500},
    )
    assert answer.training_job_arn == ARN + "updated"
    described = await sagemaker.describe_training_job(training_job_name="updated")
    assert described.resource_config is not None
    assert described.resource_config.keep_alive_period_in_seconds == 600
    assert described.resource_config.instance_type == "ml.g5.xlarge"  # merged, not replaced
    assert described.profiler_config is not None
    assert described.profiler_config.profiling_interval_in_milliseconds == 500
    assert described.last_modified_time is not None
    assert described.last_modified_time > described.creation_time
    endpoint.clock.advance(30)
    with pytest.raises(ServiceError) as refused:
        await sagemaker.update_training_job(
            training_job_name="updated", resource_config={"KeepAlivePeriodInSeconds": 60}
        )
    assert refused.value.code == "ValidationException" and "InProgress" in refused.value.message


async def test_the_listing_filters_sorts_and_pages(endpoint: LocalAws, session: Session) -> None:
    sagemaker = session.sagemaker
    for name in ("alpha-1", "beta-1", "Alpha-2", "gamma-1"):
        await sagemaker.create_training_job(**training(name))
        endpoint.clock.advance(30)  # each one Completed before the next starts
    await sagemaker.create_training_job(**training("alpha-3"))  # InProgress

    newest_first = await sagemaker.list_training_jobs()
    names = [job.training_job_name for job in newest_first.training_job_summaries]
    assert names == ["alpha-3", "gamma-1", "Alpha-2", "beta-1", "alpha-1"]
    assert newest_first.next_token is None
    summary = newest_first.training_job_summaries[1]
    assert (summary.training_job_arn, summary.training_job_status) == (ARN + "gamma-1", "Completed")
    assert (summary.secondary_status, summary.training_end_time is not None) == ("Completed", True)

    in_progress = await sagemaker.list_training_jobs(status_equals="InProgress")
    assert [job.training_job_name for job in in_progress.training_job_summaries] == ["alpha-3"]
    alphas = await sagemaker.list_training_jobs(name_contains="ALPHA")
    assert [job.training_job_name for job in alphas.training_job_summaries] == [
        "alpha-3",
        "Alpha-2",
        "alpha-1",
    ]
    beta = (await sagemaker.describe_training_job(training_job_name="beta-1")).creation_time
    after = await sagemaker.list_training_jobs(creation_time_after=beta + timedelta(seconds=1))
    assert [job.training_job_name for job in after.training_job_summaries] == [
        "alpha-3",
        "gamma-1",
        "Alpha-2",
    ]
    before = await sagemaker.list_training_jobs(creation_time_before=beta)
    assert [job.training_job_name for job in before.training_job_summaries] == [
        "beta-1",
        "alpha-1",
    ]
    by_name = await sagemaker.list_training_jobs(sort_by="Name", sort_order="Ascending")
    assert [job.training_job_name for job in by_name.training_job_summaries] == [
        "Alpha-2",
        "alpha-1",
        "alpha-3",
        "beta-1",
        "gamma-1",
    ]
    by_status = await sagemaker.list_training_jobs(sort_by="Status", sort_order="Descending")
    assert by_status.training_job_summaries[0].training_job_status == "InProgress"

    pages = sagemaker.get_paginator("list_training_jobs").paginate(
        pagination_config=PaginationConfig(page_size=2)
    )
    sizes, paged = [], []
    async for page in pages:
        sizes.append(len(page.training_job_summaries))
        paged += [job.training_job_name for job in page.training_job_summaries]
    assert (sizes, paged) == ([2, 2, 1], names)

    first = await sagemaker.list_training_jobs(max_results=2)
    assert first.next_token is not None
    with pytest.raises(ServiceError) as not_a_token:
        await sagemaker.list_training_jobs(max_results=2, next_token="not-a-token")
    assert not_a_token.value.code == "ValidationException"
    with pytest.raises(ServiceError) as other_filters:
        await sagemaker.list_training_jobs(
            max_results=2, next_token=first.next_token, status_equals="Completed"
        )
    assert "filters" in other_filters.value.message


# ---- started by Batch service jobs --------------------------------------------------------


def test_batch_names_the_training_job_after_the_service_job() -> None:
    job_id = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
    assert batch_name("train_1.v2", job_id) == "AWSBatch-train-1-v2-0c1d2e3f"
    long = batch_name("x" * 128, job_id)
    assert len(long) == 63 and long.endswith("-0c1d2e3f")
    assert long == "AWSBatch-" + "x" * 45 + "-0c1d2e3f"
    assert NAME_PATTERN.match(long) and NAME_PATTERN.match(batch_name("__", job_id))


async def test_a_running_service_job_starts_its_training_job_which_follows_it(
    endpoint: LocalAws, session: Session
) -> None:
    batch, sagemaker = session.batch, session.sagemaker
    job = await batch.submit_service_job(**{**JOB, "job_name": "nightly_train"})
    name = f"AWSBatch-nightly-train-{job.job_id[:8]}"
    assert (await sagemaker.list_training_jobs()).training_job_summaries == []  # not yet running

    endpoint.clock.advance(22)
    running = await batch.describe_service_job(job_id=job.job_id)
    assert running.status == "RUNNING"
    assert running.latest_attempt is not None and running.latest_attempt.service_resource_id
    arn = running.latest_attempt.service_resource_id.value
    assert (running.latest_attempt.service_resource_id.name, arn) == (
        "TrainingJobArn",
        ARN + name.lower(),
    )
    training_job = await sagemaker.describe_training_job(training_job_name=name)
    assert (training_job.training_job_arn, training_job.training_job_status) == (arn, "InProgress")
    assert training_job.hyper_parameters == {"epochs": "3"}  # the payload's request
    assert training_job.role_arn == TRAINING_REQUEST["RoleArn"]
    assert abs(training_job.creation_time.timestamp() * 1000 - running.started_at) < 2
    summaries = (await batch.list_service_jobs(job_queue="ml-queue")).job_summary_list
    assert summaries[0].latest_attempt is not None
    assert summaries[0].latest_attempt.service_resource_id is not None
    assert summaries[0].latest_attempt.service_resource_id.value == arn

    endpoint.clock.advance(3600)
    finished = await batch.describe_service_job(job_id=job.job_id)
    completed = await sagemaker.describe_training_job(training_job_name=name)
    assert (finished.status, completed.training_job_status) == ("SUCCEEDED", "Completed")
    assert completed.training_end_time is not None
    assert finished.stopped_at is not None
    assert abs(completed.training_end_time.timestamp() * 1000 - finished.stopped_at) < 2
    assert finished.attempts is not None and finished.attempts[0].service_resource_id is not None
    assert finished.attempts[0].service_resource_id.value == arn
    listed = await sagemaker.list_training_jobs(name_contains="AWSBatch")
    assert [summary.training_job_arn for summary in listed.training_job_summaries] == [arn]
    assert endpoint.stats.created["training_job"] == 1


async def test_a_failed_service_job_fails_its_training_job_with_the_same_reason(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.state.fail_next("batch", reason="AlgorithmError: loss is NaN")
    job = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(3600)
    described = await session.batch.describe_service_job(job_id=job.job_id)
    training_job = await session.sagemaker.describe_training_job(
        training_job_name=f"AWSBatch-train-1-{job.job_id[:8]}"
    )
    assert (described.status, described.status_reason) == ("FAILED", "AlgorithmError: loss is NaN")
    assert (training_job.training_job_status, training_job.failure_reason) == (
        "Failed",
        "AlgorithmError: loss is NaN",
    )


async def test_terminating_a_running_service_job_stops_its_training_job(
    endpoint: LocalAws, session: Session
) -> None:
    job = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(22)
    await session.batch.terminate_service_job(job_id=job.job_id, reason="budget cut")
    name = f"AWSBatch-train-1-{job.job_id[:8]}"
    stopping = await session.sagemaker.describe_training_job(training_job_name=name)
    assert stopping.training_job_status == "Stopping"
    endpoint.clock.advance(11)
    stopped = await session.sagemaker.get_waiter("training_job_completed_or_stopped").wait(
        training_job_name=name, delay=0.02
    )
    assert (stopped.training_job_status, stopped.failure_reason) == ("Stopped", None)
    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert (described.status, described.is_terminated) == ("FAILED", True)


async def test_a_service_job_terminated_before_anyone_looked_still_shows_stopped(
    endpoint: LocalAws, session: Session
) -> None:
    job = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(22)  # RUNNING, but no request has looked since
    await session.batch.terminate_service_jobs(jobs=[job.job_id], reason="cancelled")
    endpoint.clock.advance(11)
    stopped = await session.sagemaker.describe_training_job(
        training_job_name=f"AWSBatch-train-1-{job.job_id[:8]}"
    )
    assert (stopped.training_job_status, stopped.secondary_status) == ("Stopped", "Stopped")


async def test_stopping_a_batch_training_job_fails_its_service_job(
    endpoint: LocalAws, session: Session
) -> None:
    job = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(22)
    name = f"AWSBatch-train-1-{job.job_id[:8]}"
    await session.sagemaker.stop_training_job(training_job_name=name)
    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert described.status == "FAILED" and not described.is_terminated
    assert described.status_reason is not None and name in described.status_reason
    endpoint.clock.advance(11)
    stopped = await session.sagemaker.describe_training_job(training_job_name=name)
    assert stopped.training_job_status == "Stopped"


@pytest.mark.parametrize(
    ("payload", "member"),
    [
        ({"AlgorithmSpecification": TRAINING_REQUEST["AlgorithmSpecification"]}, "RoleArn"),
        ({**TRAINING_REQUEST, "ResourceConfig": {"InstanceCount": "1"}}, "InstanceCount"),
        ({**TRAINING_REQUEST, "Colour": "red"}, "Colour"),
    ],
)
async def test_a_payload_sagemaker_refuses_fails_the_job_when_it_would_start(
    endpoint: LocalAws, session: Session, payload: dict[str, Any], member: str
) -> None:
    job = await session.batch.submit_service_job(
        **{**JOB, "service_request_payload": json.dumps(payload)}
    )
    assert (await session.batch.describe_service_job(job_id=job.job_id)).status == "SUBMITTED"
    endpoint.clock.advance(22)
    failed = await session.batch.describe_service_job(job_id=job.job_id)
    assert failed.status == "FAILED" and failed.latest_attempt is None
    assert failed.status_reason is not None
    assert failed.status_reason.startswith("ValidationException: ")
    assert member in failed.status_reason
    assert (await session.sagemaker.list_training_jobs()).training_job_summaries == []
    good = await session.batch.submit_service_job(**JOB)  # the emulator carries on
    endpoint.clock.advance(3600)
    assert (await session.batch.describe_service_job(job_id=good.job_id)).status == "SUCCEEDED"


# ---- job failures on purpose --------------------------------------------------------------


async def test_job_failure_fails_service_jobs_and_their_training_jobs(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.faults.set(job_failure=1.0)
    job = await session.batch.submit_service_job(**JOB)
    await session.sagemaker.create_training_job(**training("direct"))
    endpoint.clock.advance(3600)

    described = await session.batch.describe_service_job(job_id=job.job_id)
    assert described.status == "FAILED" and not described.is_terminated
    assert described.status_reason == JOB_FAILURE_REASON
    assert JOB_FAILURE_REASON.startswith("AlgorithmError: ")
    failed = await session.batch.list_service_jobs(job_queue="ml-queue", job_status="FAILED")
    assert [(s.job_id, s.status_reason) for s in failed.job_summary_list] == [
        (job.job_id, JOB_FAILURE_REASON)
    ]
    for name in (f"AWSBatch-train-1-{job.job_id[:8]}", "direct"):
        training_job = await session.sagemaker.describe_training_job(training_job_name=name)
        assert (training_job.training_job_status, training_job.failure_reason) == (
            "Failed",
            JOB_FAILURE_REASON,
        )
    assert endpoint.stats.faults == {"job_failure": 2}


async def test_fail_next_still_decides_first_and_job_failure_zero_fails_nothing(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.faults.set(job_failure=1.0)
    endpoint.state.fail_next("batch", reason="AlgorithmError: asked for")
    first = await session.batch.submit_service_job(**JOB)
    endpoint.faults.set(job_failure=0.0)
    second = await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(3600)
    reasons = [
        (described.status, described.status_reason)
        for described in [
            await session.batch.describe_service_job(job_id=job.job_id) for job in (first, second)
        ]
    ]
    assert reasons == [("FAILED", "AlgorithmError: asked for"), ("SUCCEEDED", None)]
    assert endpoint.stats.faults == {}


async def test_job_failure_with_a_seed_fails_the_same_jobs_every_run() -> None:
    async def failed_names(seed: int) -> set[str]:
        async with (
            LocalAws(seed=seed, durations=FAST) as endpoint,
            endpoint.session() as session,
        ):
            endpoint.faults.set(job_failure=0.5)
            for n in range(24):
                await session.batch.submit_service_job(**{**JOB, "job_name": f"job-{n}"})
            endpoint.clock.advance(3600)
            listed = await session.batch.list_service_jobs(job_status="FAILED", max_results=100)
            return {summary.job_name for summary in listed.job_summary_list}

    first = await failed_names(5)
    assert 0 < len(first) < 24
    assert first == await failed_names(5)
    assert first != await failed_names(6)


def test_job_failure_is_a_share_of_jobs_outside_the_request_fault_sum() -> None:
    faults = Faults(1)
    rule = faults.set(throttle=0.6, drop=0.4, job_failure=1.0)
    assert rule.active and rule.job_failure == 1.0
    assert faults.fails_job("SubmitServiceJob") and faults.fails_job("CreateTrainingJob")
    with pytest.raises(ValueError, match=r"job_failure must be within 0\.\.1"):
        faults.set(job_failure=1.5)
    faults.set(job_failure=1.0, operation="CreateTrainingJob")
    faults.set(job_failure=0.0)
    assert faults.fails_job("CreateTrainingJob") and not faults.fails_job("SubmitServiceJob")


# ---- state --------------------------------------------------------------------------------


async def test_training_jobs_round_trip_through_a_snapshot(
    endpoint: LocalAws, session: Session
) -> None:
    await session.sagemaker.create_training_job(**training("kept"))
    await session.batch.submit_service_job(**JOB)
    endpoint.clock.advance(22)
    await session.sagemaker.list_training_jobs()  # makes the service job's training job
    data = json.loads(json.dumps(endpoint.state.snapshot()))
    [region] = data["regions"]
    assert len(region["training_jobs"]) == 2
    restored = LocalState(durations=Durations())
    restored.restore(data)
    assert json.loads(json.dumps(restored.snapshot())) == data
    assert restored.training_jobs["kept"].request["HyperParameters"] == {"epochs": "3"}
    # A snapshot of an earlier release: one store, without training jobs.
    old = {key: value for key, value in region.items() if key != "training_jobs"}
    restored.restore({**old, "format": "aws_mlops_async.local/1"})
    assert restored.training_jobs == {}
    assert len(restored.service_jobs) == 1
