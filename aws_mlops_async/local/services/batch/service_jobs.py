"""Batch service jobs: SubmitServiceJob, DescribeServiceJob, ListServiceJobs,
UpdateServiceJob, TerminateServiceJob and TerminateServiceJobs.

A job is SUBMITTED, RUNNABLE, RUNNING, then SUCCEEDED (or FAILED); terminating ends it
FAILED with the reason given. Where the API takes a job id, the job's ARN goes too, as AWS's
SDKs send it (the SageMaker Python SDK's ``TrainingQueuedJob`` does); an ARN of another region
or account names no job: jobs, like every resource, are one account's in one region.

A job queue is named by a name or an ARN Batch takes (a name: up to 128 letters, digits,
hyphens and underscores), a quota share by a name; anything else is a ClientException, as
Batch answers it. A job queue the emulator knows must be ENABLED and VALID to take a job, and a
quota share named must be one of it; a queue it does not know takes any job unless resources
are strict (`LocalState.strict_resources`), as in Batch, but an ARN of another region or
account is never taken. Times are epoch milliseconds, as Batch sends them.

A job that enters RUNNING starts the SageMaker training job its payload (CreateTrainingJob's
JSON) describes, named ``AWSBatch-<job name>-<job id's first 8 characters>`` (see
``local/services/sagemaker/training.py``); its attempts name that job's ARN, and the training
job follows the service job. A payload CreateTrainingJob refuses makes the job end FAILED
when it would start running, its statusReason ``ValidationException: ...``, as SageMaker
refuses it. Whether a job fails is decided at submission: by `LocalState.fail_next`, else by
the fault rule's ``job_failure`` share (an ``AlgorithmError``).
"""

from __future__ import annotations

import json
from typing import Any

from ....modeling import wire_dump
from ....services.batch.models import (
    DescribeServiceJobRequest,
    DescribeServiceJobResponse,
    KeyValuesPair,
    ListServiceJobsRequest,
    ListServiceJobsResponse,
    ServiceJobSummary,
    SubmitServiceJobRequest,
    SubmitServiceJobResponse,
    TerminateServiceJobRequest,
    TerminateServiceJobResponse,
    TerminateServiceJobsRequest,
    TerminateServiceJobsResponse,
    UpdateServiceJobRequest,
    UpdateServiceJobResponse,
)
from ...state import Lifecycle, ServiceJobRecord
from ..base import Call
from ..sagemaker import training
from .common import CLIENT, check_name, check_reference, find, listed, ms, queue_arn

__all__ = [
    "describe_service_job",
    "list_service_jobs",
    "submit_service_job",
    "terminate_service_job",
    "terminate_service_jobs",
    "update_service_job",
]

_FINISHED = ("SUCCEEDED", "FAILED")
# Filters that combine with jobStatus; any other filter makes ListServiceJobs ignore it.
_WITH_STATUS = ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
_FILTERS = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", *_WITH_STATUS)
# Members of the submit request a description repeats as they were sent.
_ECHOED = (
    "retryStrategy",
    "schedulingPriority",
    "serviceRequestPayload",
    "serviceJobType",
    "shareIdentifier",
    "quotaShareName",
    "preemptionConfiguration",
    "timeoutConfig",
    "tags",
)


def _job_id(call: Call, reference: str) -> str:
    """The id of the job ``reference`` names: a job id, or a service job's ARN of the call's
    region and account (as AWS's SDKs send where the API says job id); what names no job of
    the call's region and account (an ARN of another) is returned as it is, found nowhere."""
    if reference.startswith("arn:"):
        resource = call.own_resource(reference, "batch") or ""
        kind, _, job_id = resource.partition("/")
        return job_id if kind == "service-job" and job_id else reference
    return reference


def _find_job(call: Call, reference: str) -> ServiceJobRecord | None:
    return call.store.service_jobs.get(_job_id(call, reference))


def _job(call: Call, reference: str) -> ServiceJobRecord:
    """The job ``reference`` (its id or ARN) names; a ClientException when there is none in
    the call's region and account."""
    job = _find_job(call, reference)
    if job is None:
        raise CLIENT.error(f"Service job {reference} does not exist.")
    return job


def _job_arn(call: Call, job: ServiceJobRecord) -> str:
    return call.arn("batch", f"service-job/{job.job_id}")


def _training_job_arn(call: Call, job: ServiceJobRecord) -> str:
    """The ARN of the training job the job starts (Batch names it, not the payload)."""
    name = job.training_job or training.batch_name(job.job_name, job.job_id)
    return call.arn("sagemaker", f"training-job/{name.lower()}")


def _view(call: Call, job: ServiceJobRecord) -> dict[str, Any]:
    """The members a description and a summary share, by wire name."""
    now = call.now
    lifecycle = job.lifecycle
    status = lifecycle.status(now)
    running = lifecycle.entered("RUNNING", now)
    stopped = lifecycle.changed_at(now) if status in _FINISHED else None
    view: dict[str, Any] = {
        "createdAt": ms(job.created),
        "isTerminated": job.terminated,
        "jobArn": _job_arn(call, job),
        "jobId": job.job_id,
        "jobName": job.job_name,
        "scheduledAt": ms(running),
        "serviceJobType": job.request["serviceJobType"],
        "shareIdentifier": job.request.get("shareIdentifier"),
        "quotaShareName": job.request.get("quotaShareName"),
        "status": status,
        "statusReason": job.status_reason if status == "FAILED" else None,
        # The model requires startedAt: 0 until the job runs.
        "startedAt": ms(running) or 0,
        "stoppedAt": ms(stopped),
    }
    if running is not None:
        view["latestAttempt"] = {
            "serviceResourceId": {"name": "TrainingJobArn", "value": _training_job_arn(call, job)}
        }
    return view


def submit_service_job(call: Call, request: SubmitServiceJobRequest) -> SubmitServiceJobResponse:
    """SubmitServiceJob: a new SUBMITTED job on the queue."""
    try:
        payload = json.loads(request.service_request_payload)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise CLIENT.error("serviceRequestPayload must be a JSON object.")
    check_reference(request.job_queue, "jobQueue", "job-queue")
    if request.quota_share_name is not None:
        check_name(request.quota_share_name, "quotaShareName", "quota-share")
    _check_queue(call, request)
    state = call.state
    durations = state.durations
    job_id = state.new_uuid()
    phases = [
        ("SUBMITTED", durations.service_job_submitted),
        ("RUNNABLE", durations.service_job_runnable),
    ]
    failed: bool
    reason: str | None
    try:
        training.payload_request(payload, training.batch_name(request.job_name, job_id))
    except training.PayloadRefused as refused:  # SageMaker refuses it when the job starts
        failed, reason = True, str(refused)
    else:
        phases.append(("RUNNING", durations.service_job_running))
        failed, reason = state.job_outcome("service_job", "SubmitServiceJob")
        reason = (reason or "The training job failed.") if failed else None
    job = ServiceJobRecord(
        job_id=job_id,
        job_name=request.job_name,
        job_queue=queue_arn(call, request.job_queue),
        created=call.now,
        lifecycle=Lifecycle.plan(call.now, phases, "FAILED" if failed else "SUCCEEDED"),
        request=wire_dump(request, exclude={"client_token"}),
        status_reason=reason,
    )
    call.store.service_jobs[job.job_id] = job
    state.created("service_job")
    return SubmitServiceJobResponse(
        job_arn=_job_arn(call, job),
        job_name=job.job_name,
        job_id=job.job_id,
    )


def _check_queue(call: Call, request: SubmitServiceJobRequest) -> None:
    """Refuse a job the queue cannot take, as Batch does."""
    state = call.state
    queue = find(call, call.store.job_queues, request.job_queue)
    if queue is None:
        # An ARN of another region or account names no queue here, even for quick starts.
        queue_name = request.job_queue
        foreign = queue_name.startswith("arn:") and not call.own_resource(queue_name, "batch")
        if state.strict_resources or foreign:
            raise CLIENT.error(f"Job queue {request.job_queue} does not exist.")
        return  # a queue never created: taken as it is named, for quick starts
    status = queue.status(call.now)
    if status not in ("VALID", "UPDATING"):
        raise CLIENT.error(f"Job queue {queue.name} is {status}; it takes jobs once VALID.")
    if queue.properties["state"] != "ENABLED":
        raise CLIENT.error(f"Job queue {queue.name} is DISABLED; it takes no new jobs.")
    if request.quota_share_name is not None:
        shares = [
            share
            for share in call.store.quota_shares.values()
            if share.properties["jobQueueArn"] == queue.arn
            and share.name == request.quota_share_name
            and share.status(call.now) != "DELETED"
        ]
        if not shares:
            raise CLIENT.error(
                f"Quota share {request.quota_share_name} does not exist in job queue {queue.name}."
            )
        if shares[0].properties["state"] != "ENABLED":
            raise CLIENT.error(f"Quota share {request.quota_share_name} is DISABLED.")


def describe_service_job(
    call: Call, request: DescribeServiceJobRequest
) -> DescribeServiceJobResponse:
    """DescribeServiceJob: status, attempts, timing and the configuration submitted."""
    job = _job(call, request.job_id)
    training.link(call.state, call.store, call.now)
    view = _view(call, job)
    attempts = []
    if "latestAttempt" in view:
        attempts.append(
            {
                **view["latestAttempt"],
                "startedAt": view["startedAt"],
                "stoppedAt": view["stoppedAt"],
                "statusReason": view["statusReason"],
            }
        )
    echoed = {name: job.request[name] for name in _ECHOED if name in job.request}
    return DescribeServiceJobResponse.model_validate(
        {**view, **echoed, "attempts": attempts, "jobQueue": job.job_queue}
    )


def terminate_service_job(
    call: Call, request: TerminateServiceJobRequest
) -> TerminateServiceJobResponse:
    """TerminateServiceJob: an unfinished job ends FAILED now, with the reason given."""
    terminate(call, _job(call, request.job_id), request.reason)
    return TerminateServiceJobResponse()


def terminate(call: Call, job: ServiceJobRecord, reason: str) -> None:
    """End an unfinished job FAILED now, with ``reason``, and stop its training job (a
    finished one stays as it is)."""
    if job.lifecycle.status(call.now) not in _FINISHED:
        job.lifecycle.end("FAILED", call.now)
        job.terminated = True
        job.status_reason = reason
        training.terminated(call.state, call.store, job, call.now)


def terminate_service_jobs(
    call: Call, request: TerminateServiceJobsRequest
) -> TerminateServiceJobsResponse:
    """TerminateServiceJobs: each job (by id or ARN) as TerminateServiceJob would; a job that
    does not exist counts as terminated, as Batch reports it."""
    for reference in request.jobs:
        job = _find_job(call, reference)
        if job is not None:
            terminate(call, job, request.reason)
    return TerminateServiceJobsResponse(successful=list(request.jobs), errors=[])


def update_service_job(call: Call, request: UpdateServiceJobRequest) -> UpdateServiceJobResponse:
    """UpdateServiceJob: a new scheduling priority for a job not yet finished."""
    job = _job(call, request.job_id)
    status = job.lifecycle.status(call.now)
    if status in _FINISHED:
        raise CLIENT.error(f"Service job {job.job_id} is {status}; it can no longer be updated.")
    job.request["schedulingPriority"] = request.scheduling_priority
    return UpdateServiceJobResponse(
        job_arn=_job_arn(call, job),
        job_name=job.job_name,
        job_id=job.job_id,
    )


def _filter(filters: list[KeyValuesPair]) -> tuple[dict[str, str], bool]:
    """The filter by name (at most one), and whether jobStatus still applies."""
    if len(filters) > 1:
        raise CLIENT.error("Only one filter can be used at a time.")
    chosen: dict[str, str] = {}
    for item in filters:
        if item.name not in _FILTERS:
            names = ", ".join(_FILTERS)
            raise CLIENT.error(f"Filter name {item.name} is not valid; one of {names}.")
        if not item.values or len(item.values) != 1:
            raise CLIENT.error(f"Filter {item.name} takes exactly one value.")
        chosen[item.name] = item.values[0]
    return chosen, all(name in _WITH_STATUS for name in chosen)


def _matches(job: ServiceJobRecord, filters: dict[str, str]) -> bool:
    for name, value in filters.items():
        if name == "JOB_NAME":
            wanted, actual = value.lower(), job.job_name.lower()
            ok = actual.startswith(wanted[:-1]) if wanted.endswith("*") else actual == wanted
        elif name in ("BEFORE_CREATED_AT", "AFTER_CREATED_AT"):
            try:
                bound = int(value)
            except ValueError:
                raise CLIENT.error(f"Filter {name} takes epoch milliseconds.") from None
            created = ms(job.created) or 0
            ok = created <= bound if name == "BEFORE_CREATED_AT" else created >= bound
        elif name == "SHARE_IDENTIFIER":
            ok = job.request.get("shareIdentifier") == value
        else:
            ok = job.request.get("quotaShareName") == value
        if not ok:
            return False
    return True


def list_service_jobs(call: Call, request: ListServiceJobsRequest) -> ListServiceJobsResponse:
    """ListServiceJobs: a queue's jobs, newest first; RUNNING ones unless a status or filter
    says otherwise, as Batch does."""
    if request.job_queue is not None:
        check_reference(request.job_queue, "jobQueue", "job-queue")
    filters, status_applies = _filter(request.filters or [])
    wanted_status = (request.job_status or "RUNNING") if status_applies else None
    queue = queue_arn(call, request.job_queue) if request.job_queue else None
    now = call.now
    training.link(call.state, call.store, now)
    jobs = [
        job
        for job in call.store.service_jobs.values()
        if (queue is None or job.job_queue == queue)
        and (wanted_status is None or job.lifecycle.status(now) == wanted_status)
        and _matches(job, filters)
    ]
    chunk, next_token = listed(
        jobs,
        lambda job: (job.created, job.job_id),
        descending=True,
        max_results=request.max_results,
        next_token=request.next_token,
        query=wire_dump(request, exclude_none=False, exclude={"next_token", "max_results"}),
    )
    summaries = [ServiceJobSummary.model_validate(_view(call, job)) for job in chunk]
    return ListServiceJobsResponse(job_summary_list=summaries, next_token=next_token)
