"""SageMaker training jobs, whoever starts them: the name Batch gives the one a service job
starts, a payload checked as CreateTrainingJob would check it, their plans, and stopping one.

State is read from the clock, so the training job of a ``SAGEMAKER_TRAINING`` service job is
made when first looked at: `link` makes the training job of every service job that has entered
RUNNING, with the history it has had since. It follows its service job: RUNNING is InProgress
(Starting, then Training), SUCCEEDED is Completed, FAILED is Failed with the same reason, and a
terminated job's training job is Stopping, then Stopped. Stopping the training job ends its
service job FAILED.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pydantic

from ....modeling import wire_dump
from ....services.sagemaker.models import CreateTrainingJobRequest
from ...errors import validation_message
from ...settings import Durations
from ...state import Lifecycle, LocalState, RegionStore, ServiceJobRecord, TrainingJobRecord

__all__ = [
    "FINISHED",
    "PayloadRefused",
    "batch_name",
    "direct_plan",
    "link",
    "payload_request",
    "prepare",
    "stop",
    "terminated",
]

#: The TrainingJobStatus values a training job ends in.
FINISHED = ("Completed", "Failed", "Stopped")

_PREFIX = "AWSBatch-"
_LONGEST = 63  # SageMaker's TrainingJobName limit
_ID_CHARACTERS = 8
_NOT_IN_A_NAME = re.compile(r"[^a-zA-Z0-9-]")


class PayloadRefused(ValueError):
    """A service job's payload SageMaker's CreateTrainingJob refuses; the message is the
    service job's statusReason, ``ValidationException: ...``."""


def batch_name(job_name: str, job_id: str) -> str:
    """The name Batch gives the training job of service job ``job_name`` / ``job_id``:
    ``AWSBatch-<job name>-<first 8 characters of the job id>``, every character outside
    ``[a-zA-Z0-9-]`` replaced by ``-``, the job name cut short so the whole keeps to 63
    characters and ends with the id (a valid TrainingJobName, one per service job)."""
    suffix = "-" + _NOT_IN_A_NAME.sub("-", job_id[:_ID_CHARACTERS])
    room = _LONGEST - len(_PREFIX) - len(suffix)
    return _PREFIX + _NOT_IN_A_NAME.sub("-", job_name)[:room] + suffix


def prepare() -> None:
    """Build CreateTrainingJob's request model now (once per process): built on first use, as
    the library's models are, it would take a tenth of a second of the first submission's
    time, and that job's first phase with it."""
    CreateTrainingJobRequest.model_rebuild()


def payload_request(payload: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The CreateTrainingJob request, by wire name and without its name, that a service job's
    payload (a JSON object) makes once Batch names the training job ``name``; `PayloadRefused`
    when SageMaker would refuse it (members missing, unknown or of the wrong type)."""
    try:
        request = CreateTrainingJobRequest.__pydantic_validator__.validate_python(
            {**payload, "TrainingJobName": name}, strict=True, by_alias=True, by_name=False
        )
    except pydantic.ValidationError as error:
        detail = validation_message("CreateTrainingJob", error, CreateTrainingJobRequest)
        raise PayloadRefused(f"ValidationException: {detail}") from None
    return wire_dump(request, exclude={"training_job_name"})


def direct_plan(durations: Durations, start: float, failed: bool) -> Lifecycle:
    """The plan of a training job created by CreateTrainingJob at ``start``."""
    phases = [
        ("Starting", durations.training_job_starting),
        ("Training", durations.training_job_running),
    ]
    return Lifecycle.plan(start, phases, "Failed" if failed else "Completed")


def link(state: LocalState, store: RegionStore, now: float) -> None:
    """Make the training job of every service job of ``store`` that has entered RUNNING by
    ``now`` and has none yet, in the same account and region (state is read from the clock:
    this can be done whenever either is looked at)."""
    for job in store.service_jobs.values():
        if job.training_job is None and job.lifecycle.entered("RUNNING", now) is not None:
            _start(state, store, job)


def _start(state: LocalState, store: RegionStore, job: ServiceJobRecord) -> None:
    name = job.training_job = batch_name(job.job_name, job.job_id)
    try:
        request = payload_request(json.loads(job.request["serviceRequestPayload"]), name)
    except (ValueError, TypeError):
        # Refused at submission, so the job never ran; only a job restored from a snapshot of
        # an earlier release gets here: it keeps running without a training job.
        return
    if name.lower() in store.training_jobs:
        return  # the name taken by CreateTrainingJob first: that job keeps it
    lifecycle, reason = _batch_plan(job, state.durations)
    store.training_jobs[name.lower()] = TrainingJobRecord(
        name=name,
        created=lifecycle.steps[0][1],
        modified=lifecycle.steps[0][1],
        lifecycle=lifecycle,
        request=request,
        failure_reason=reason,
        service_job_id=job.job_id,
    )
    state.created("training_job")


def _batch_plan(job: ServiceJobRecord, durations: Durations) -> tuple[Lifecycle, str | None]:
    """The history of a service job's training job, from the service job's: it runs while the
    job is RUNNING (Starting for its first part) and ends as the job ends; and why it failed."""
    steps = job.lifecycle.steps
    index = next(i for i, (status, _) in enumerate(steps) if status == "RUNNING")
    running = steps[index][1]
    ending, ended = steps[index + 1]  # a plan always ends after RUNNING; a cut one too
    window = ended - running
    starting = min(durations.training_job_starting, window / 2)
    phases = [("Starting", starting), ("Training", window - starting)]
    if job.terminated:
        phases.append(("Stopping", durations.training_job_stopping))
        return Lifecycle.plan(running, phases, "Stopped"), None
    if ending == "SUCCEEDED":
        return Lifecycle.plan(running, phases, "Completed"), None
    return Lifecycle.plan(running, phases, "Failed"), job.status_reason


def stop(state: LocalState, store: RegionStore, training: TrainingJobRecord, now: float) -> None:
    """Stopping from ``now``, then Stopped; the service job of ``store`` that started it, if
    unfinished, ends FAILED now, saying so."""
    _stopping(training, state.durations, now)
    job = store.service_jobs.get(training.service_job_id or "")
    if job is not None and job.lifecycle.status(now) not in ("SUCCEEDED", "FAILED"):
        job.lifecycle.end("FAILED", now)
        job.status_reason = f"StopTrainingJob: training job {training.name} was stopped."


def terminated(state: LocalState, store: RegionStore, job: ServiceJobRecord, now: float) -> None:
    """Stop the training job of service job ``job`` of ``store``, terminated ``now`` (when it
    is made later, its history says so already)."""
    training = store.training_jobs.get((job.training_job or "").lower())
    if training is not None and training.service_job_id == job.job_id:
        _stopping(training, state.durations, now)


def _stopping(training: TrainingJobRecord, durations: Durations, now: float) -> None:
    if training.status(now) == "InProgress":
        training.lifecycle.replan(now, [("Stopping", durations.training_job_stopping)], "Stopped")
