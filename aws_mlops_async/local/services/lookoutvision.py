"""Lookout for Vision model packaging jobs: StartModelPackagingJob, DescribeModelPackagingJob,
ListModelPackagingJobs (restJson1).

A job is CREATED, RUNNING, then SUCCEEDED (with its Greengrass component) or FAILED. Job names
are unique within a project. Errors carry ``Message`` and, for a missing or conflicting
resource, ``ResourceId`` and ``ResourceType`` as the service's model says.
"""

from __future__ import annotations

from typing import Any

from ...modeling import wire_dump
from ...services.lookoutvision import operations as ops
from ...services.lookoutvision.models import (
    DescribeModelPackagingJobRequest,
    DescribeModelPackagingJobResponse,
    GreengrassOutputDetails,
    ListModelPackagingJobsRequest,
    ListModelPackagingJobsResponse,
    ModelPackagingJobMetadata,
    StartModelPackagingJobRequest,
    StartModelPackagingJobResponse,
)
from ..errors import LocalError
from ..pagination import InvalidToken, page
from ..state import Lifecycle, PackagingJobRecord
from .base import Call, ErrorCode, LocalService, bind

__all__ = ["SERVICE"]

NOT_FOUND = ErrorCode("ResourceNotFoundException", 404)
CONFLICT = ErrorCode("ConflictException", 409)
VALIDATION = ErrorCode("ValidationException", 400)

_RESOURCE_TYPE = "MODEL_PACKAGE_JOB"
_DEFAULT_PAGE = 100
_MESSAGES = {
    "CREATED": "The model packaging job was created.",
    "RUNNING": "The model packaging job is running.",
    "SUCCEEDED": "The model packaging job succeeded.",
}


def _job(call: Call, project: str, name: str) -> PackagingJobRecord:
    job = call.store.packaging_jobs.get((project, name))
    if job is None:
        raise NOT_FOUND.error(
            f"Model packaging job {name} does not exist in project {project}.",
            ResourceId=name,
            ResourceType=_RESOURCE_TYPE,
        )
    return job


def _metadata(call: Call, job: PackagingJobRecord) -> dict[str, Any]:
    """What a listing and a description share about a job, by wire name."""
    now = call.now
    status = job.lifecycle.status(now)
    return {
        "JobName": job.job_name,
        "ProjectName": job.project_name,
        "ModelVersion": job.request["ModelVersion"],
        "ModelPackagingJobDescription": job.request.get("Description"),
        "ModelPackagingMethod": "Greengrass",
        "Status": status,
        "StatusMessage": job.status_message if status == "FAILED" else _MESSAGES.get(status),
        "CreationTimestamp": job.created,
        "LastUpdatedTimestamp": job.lifecycle.changed_at(now),
    }


def start_model_packaging_job(
    call: Call, request: StartModelPackagingJobRequest
) -> StartModelPackagingJobResponse:
    """StartModelPackagingJob: a new CREATED job (named for you when JobName is left out)."""
    greengrass = request.configuration.greengrass
    if (greengrass.target_device is None) == (greengrass.target_platform is None):
        raise VALIDATION.error("Specify either TargetDevice or TargetPlatform.")
    state = call.state
    name = request.job_name or f"packaging-{state.new_id(12)}"
    if (request.project_name, name) in call.store.packaging_jobs:
        raise CONFLICT.error(
            f"Model packaging job {name} already exists in project {request.project_name}.",
            ResourceId=name,
            ResourceType=_RESOURCE_TYPE,
        )
    failed, reason = state.outcome("model_packaging_job")
    durations = state.durations
    job = PackagingJobRecord(
        project_name=request.project_name,
        job_name=name,
        created=call.now,
        lifecycle=Lifecycle.plan(
            call.now,
            [
                ("CREATED", durations.packaging_job_created),
                ("RUNNING", durations.packaging_job_running),
            ],
            "FAILED" if failed else "SUCCEEDED",
        ),
        request=wire_dump(request, include={"model_version", "configuration", "description"}),
        status_message=(reason or "The model packaging job failed.") if failed else None,
    )
    call.store.packaging_jobs[(job.project_name, name)] = job
    state.created("model_packaging_job")
    return StartModelPackagingJobResponse(job_name=name)


def describe_model_packaging_job(
    call: Call, request: DescribeModelPackagingJobRequest
) -> DescribeModelPackagingJobResponse:
    """DescribeModelPackagingJob: configuration, status and (once done) the component made."""
    job = _job(call, request.project_name, request.job_name)
    description = _metadata(call, job)
    description["ModelPackagingConfiguration"] = job.request["Configuration"]
    if description["Status"] == "SUCCEEDED":
        greengrass = job.request["Configuration"]["Greengrass"]
        name = greengrass["ComponentName"]
        version = greengrass.get("ComponentVersion", "1.0.0")
        # An account's component version ARN; the model's pattern only fits AWS-owned ones,
        # so this one is built without validation (clients read responses leniently).
        output = GreengrassOutputDetails.model_construct(
            component_version_arn=call.arn("greengrass", f"components:{name}:versions:{version}"),
            component_name=name,
            component_version=version,
        )
        description["ModelPackagingOutputDetails"] = {"Greengrass": output}
    return DescribeModelPackagingJobResponse.model_validate(
        {"ModelPackagingDescription": description}
    )


def list_model_packaging_jobs(
    call: Call, request: ListModelPackagingJobsRequest
) -> ListModelPackagingJobsResponse:
    """ListModelPackagingJobs: a project's jobs, newest first."""
    jobs = [
        job
        for job in call.store.packaging_jobs.values()
        if job.project_name == request.project_name
    ]
    try:
        chunk, next_token = page(
            jobs,
            lambda job: (job.created, job.job_name),
            descending=True,
            limit=request.max_results or _DEFAULT_PAGE,
            token=request.next_token,
            query={"project": request.project_name},
        )
    except InvalidToken as error:
        raise VALIDATION.error(str(error)) from None
    items = [ModelPackagingJobMetadata.model_validate(_metadata(call, job)) for job in chunk]
    return ListModelPackagingJobsResponse(model_packaging_jobs=items, next_token=next_token)


def _token_conflict(operation: str, token: str) -> LocalError:
    return CONFLICT.error(
        f"ClientToken {token} was already used by a {operation} request with other parameters.",
        ResourceId=token,
        ResourceType=_RESOURCE_TYPE,
    )


SERVICE = LocalService(
    description=ops.SERVICE,
    operations=bind(
        ops.OPERATIONS,
        {
            ops.START_MODEL_PACKAGING_JOB: start_model_packaging_job,
            ops.DESCRIBE_MODEL_PACKAGING_JOB: describe_model_packaging_job,
            ops.LIST_MODEL_PACKAGING_JOBS: list_model_packaging_jobs,
        },
    ),
    validation=VALIDATION,
    throttling=ErrorCode("ThrottlingException", 429),
    internal=ErrorCode("InternalServerException", 500),
    unavailable=ErrorCode("ServiceUnavailableException", 503),
    token_conflict=_token_conflict,
    message_key="Message",
)
