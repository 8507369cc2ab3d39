"""SageMaker training jobs: CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs,
StopTrainingJob and UpdateTrainingJob.

A job is InProgress (SecondaryStatus Starting, then Training), then Completed, or Failed
with a FailureReason; stopping it makes it Stopping, then Stopped. A name is taken once,
whatever its case (ResourceInUse). Besides those CreateTrainingJob makes, the training jobs
Batch service jobs start are listed and described too (see ``training.py``). A description
repeats the request's settings (AlgorithmSpecification, RoleArn, ResourceConfig,
StoppingCondition, OutputDataConfig, HyperParameters...) as SageMaker does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....modeling import wire_dump, wire_name
from ....services.sagemaker.models import (
    CreateTrainingJobRequest,
    CreateTrainingJobResponse,
    DescribeTrainingJobRequest,
    DescribeTrainingJobResponse,
    ListTrainingJobsRequest,
    ListTrainingJobsResponse,
    StopTrainingJobRequest,
    StopTrainingJobResponse,
    TrainingJobSummary,
    UpdateTrainingJobRequest,
    UpdateTrainingJobResponse,
)
from ...state import TrainingJobRecord
from ..base import Call
from . import training
from .common import IN_USE, NOT_FOUND, VALIDATION, listed, within

__all__ = [
    "create_training_job",
    "describe_training_job",
    "list_training_jobs",
    "stop_training_job",
    "update_training_job",
]

# The request members a description repeats: those DescribeTrainingJob answers with.
_DESCRIBED = frozenset(
    wire_name(name, field) for name, field in DescribeTrainingJobResponse.model_fields.items()
)
# What SageMaker answers for a setting the request left out.
_DEFAULTS: dict[str, Any] = {
    "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
    "EnableNetworkIsolation": False,
    "EnableInterContainerTrafficEncryption": False,
    "EnableManagedSpotTraining": False,
}
_MESSAGES = {
    "Starting": "Preparing the instances for training",
    "Training": "Training image download completed. Training in progress.",
    "Completed": "Training job completed",
    "Stopping": "Stopping the training job",
    "Stopped": "The training job was stopped",
}
_SORT_KEYS: dict[str, Callable[[TrainingJobRecord, float], tuple[Any, ...]]] = {
    "CreationTime": lambda job, now: (job.created, job.name),
    "Name": lambda job, now: (job.name,),
    "Status": lambda job, now: (job.status(now), job.created, job.name),
}


def _arn(call: Call, name: str) -> str:
    return call.arn("sagemaker", f"training-job/{name.lower()}")


def _job(call: Call, name: str) -> TrainingJobRecord:
    """The training job called ``name`` (whatever its case), Batch's made first if due."""
    training.link(call.state, call.store, call.now)
    job = call.store.training_jobs.get(name.lower())
    if job is None:
        raise NOT_FOUND.error(f"Training job {name} does not exist.")
    return job


def _in_progress(call: Call, job: TrainingJobRecord, action: str) -> None:
    status = job.status(call.now)
    if status != "InProgress":
        raise VALIDATION.error(
            f"Training job {job.name} is {status}; only an InProgress job can be {action}."
        )


def create_training_job(call: Call, request: CreateTrainingJobRequest) -> CreateTrainingJobResponse:
    """CreateTrainingJob: a new InProgress job (Failed in the end when `LocalState.fail_next`
    or the ``job_failure`` fault says so)."""
    state = call.state
    training.link(state, call.store, call.now)
    name = request.training_job_name
    if name.lower() in call.store.training_jobs:
        raise IN_USE.error(
            "Training job names must be unique within an AWS account and region, and a "
            f"training job with this name already exists ({_arn(call, name)})"
        )
    failed, reason = state.job_outcome("training_job", "CreateTrainingJob")
    call.store.training_jobs[name.lower()] = TrainingJobRecord(
        name=name,
        created=call.now,
        modified=call.now,
        lifecycle=training.direct_plan(state.durations, call.now, failed),
        request=wire_dump(request, exclude={"training_job_name"}),
        failure_reason=(reason or "The training job failed.") if failed else None,
    )
    state.created("training_job")
    return CreateTrainingJobResponse(training_job_arn=_arn(call, name))


def describe_training_job(
    call: Call, request: DescribeTrainingJobRequest
) -> DescribeTrainingJobResponse:
    """DescribeTrainingJob: statuses and their history, timing, and the settings requested."""
    job = _job(call, request.training_job_name)
    now = call.now
    status = job.status(now)
    started = job.lifecycle.entered("Training", now)
    ended = job.lifecycle.changed_at(now) if status in training.FINISHED else None
    output = str(job.request["OutputDataConfig"]["S3OutputPath"]).rstrip("/")
    wire: dict[str, Any] = {
        **_DEFAULTS,
        **{member: value for member, value in job.request.items() if member in _DESCRIBED},
        "TrainingJobName": job.name,
        "TrainingJobArn": _arn(call, job.name),
        "ModelArtifacts": {"S3ModelArtifacts": f"{output}/{job.name}/output/model.tar.gz"},
        "TrainingJobStatus": status,
        "SecondaryStatus": job.secondary_status(now),
        "FailureReason": job.failure_reason if status == "Failed" else None,
        "CreationTime": job.created,
        "TrainingStartTime": started,
        "TrainingEndTime": ended,
        "LastModifiedTime": job.last_modified(now),
        "SecondaryStatusTransitions": _transitions(job, now),
    }
    if started is not None and ended is not None:
        wire["TrainingTimeInSeconds"] = wire["BillableTimeInSeconds"] = round(ended - started)
    return DescribeTrainingJobResponse.model_validate(wire)


def _transitions(job: TrainingJobRecord, now: float) -> list[dict[str, Any]]:
    """Each secondary status entered by ``now``: when it started and ended, and a message."""
    entered = [(status, at) for status, at in job.lifecycle.steps if at <= now]
    transitions = []
    for index, (status, at) in enumerate(entered):
        if index + 1 < len(entered):
            end: float | None = entered[index + 1][1]
        else:
            end = at if job.status(now) in training.FINISHED else None
        message = job.failure_reason if status == "Failed" else _MESSAGES[status]
        transitions.append(
            {"Status": status, "StartTime": at, "EndTime": end, "StatusMessage": message}
        )
    return transitions


def list_training_jobs(call: Call, request: ListTrainingJobsRequest) -> ListTrainingJobsResponse:
    """ListTrainingJobs: newest first unless sorted otherwise; filtered by status, a part of
    the name (whatever its case), creation and modification time and training plan; a page
    at a time. The emulator keeps no warm pools: WarmPoolStatusEquals matches no job."""
    training.link(call.state, call.store, call.now)
    now = call.now
    wanted = (request.name_contains or "").lower()
    jobs = [
        job
        for job in call.store.training_jobs.values()
        if wanted in job.name.lower()
        and (request.status_equals is None or job.status(now) == request.status_equals)
        and within(job.created, request.creation_time_after, request.creation_time_before)
        and within(
            job.last_modified(now),
            request.last_modified_time_after,
            request.last_modified_time_before,
        )
        and (
            request.training_plan_arn_equals is None
            or job.request.get("ResourceConfig", {}).get("TrainingPlanArn")
            == request.training_plan_arn_equals
        )
        and request.warm_pool_status_equals is None
    ]
    sort_key = _SORT_KEYS[request.sort_by or "CreationTime"]
    chunk, next_token = listed(
        jobs,
        lambda job: sort_key(job, now),
        descending=(request.sort_order or "Descending") == "Descending",
        max_results=request.max_results,
        next_token=request.next_token,
        query=wire_dump(request, exclude_none=False, exclude={"next_token", "max_results"}),
    )
    summaries = [
        TrainingJobSummary.model_validate(
            {
                "TrainingJobName": job.name,
                "TrainingJobArn": _arn(call, job.name),
                "CreationTime": job.created,
                "TrainingEndTime": job.lifecycle.changed_at(now)
                if job.status(now) in training.FINISHED
                else None,
                "LastModifiedTime": job.last_modified(now),
                "TrainingJobStatus": job.status(now),
                "SecondaryStatus": job.secondary_status(now),
                "TrainingPlanArn": job.request.get("ResourceConfig", {}).get("TrainingPlanArn"),
            }
        )
        for job in chunk
    ]
    return ListTrainingJobsResponse(training_job_summaries=summaries, next_token=next_token)


def stop_training_job(call: Call, request: StopTrainingJobRequest) -> StopTrainingJobResponse:
    """StopTrainingJob: an InProgress job is Stopping, then Stopped (a Batch service job's
    ends FAILED too); any other is a ValidationException."""
    job = _job(call, request.training_job_name)
    _in_progress(call, job, "stopped")
    training.stop(call.state, call.store, job, call.now)
    return StopTrainingJobResponse()


def update_training_job(call: Call, request: UpdateTrainingJobRequest) -> UpdateTrainingJobResponse:
    """UpdateTrainingJob: an InProgress job's profiler settings, rules (added to those it has),
    warm pool keep-alive or remote debugging."""
    job = _job(call, request.training_job_name)
    _in_progress(call, job, "updated")
    for member, value in wire_dump(request, exclude={"training_job_name"}).items():
        current = job.request.get(member)
        if isinstance(value, dict) and isinstance(current, dict):
            job.request[member] = {**current, **value}
        elif isinstance(value, list) and isinstance(current, list):
            job.request[member] = [*current, *value]
        else:
            job.request[member] = value
    job.modified = call.now
    return UpdateTrainingJobResponse(training_job_arn=_arn(call, job.name))
