"""What Batch service jobs run on: service environments, ``SAGEMAKER_TRAINING`` job queues
ordered over them, and quota shares of a queue's capacity.

Each is CREATING, then VALID; an update makes it UPDATING, then VALID again; a delete makes
it DELETING, then DELETED, after which its name is free. As in Batch, only a DISABLED one is
deleted, a service environment only once no queue uses it, and deleting a queue ends its
unfinished jobs and deletes its quota shares. A name Batch refuses (it takes up to 128 letters,
digits, hyphens and underscores), or an ARN that is not one of the resource named, is a
ClientException. The emulator's queues are all of type
SAGEMAKER_TRAINING: container queues need compute environments, which it does not emulate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ....modeling import AwsModel, wire_dump
from ....services.batch.models import (
    CreateJobQueueRequest,
    CreateJobQueueResponse,
    CreateQuotaShareRequest,
    CreateQuotaShareResponse,
    CreateServiceEnvironmentRequest,
    CreateServiceEnvironmentResponse,
    DeleteJobQueueRequest,
    DeleteJobQueueResponse,
    DeleteQuotaShareRequest,
    DeleteQuotaShareResponse,
    DeleteServiceEnvironmentRequest,
    DeleteServiceEnvironmentResponse,
    DescribeJobQueuesRequest,
    DescribeJobQueuesResponse,
    DescribeQuotaShareRequest,
    DescribeQuotaShareResponse,
    DescribeServiceEnvironmentsRequest,
    DescribeServiceEnvironmentsResponse,
    ListQuotaSharesRequest,
    ListQuotaSharesResponse,
    QuotaShareDetail,
    ServiceEnvironmentOrder,
    UpdateJobQueueRequest,
    UpdateJobQueueResponse,
    UpdateQuotaShareRequest,
    UpdateQuotaShareResponse,
    UpdateServiceEnvironmentRequest,
    UpdateServiceEnvironmentResponse,
)
from ...state import BatchResourceRecord, Lifecycle
from ..base import Call
from .common import CLIENT, check_arn, check_name, check_reference, find, listed
from .service_jobs import terminate

__all__ = [
    "create_job_queue",
    "create_quota_share",
    "create_service_environment",
    "delete_job_queue",
    "delete_quota_share",
    "delete_service_environment",
    "describe_job_queues",
    "describe_quota_share",
    "describe_service_environments",
    "list_quota_shares",
    "update_job_queue",
    "update_quota_share",
    "update_service_environment",
]

_QUEUE_TYPE = "SAGEMAKER_TRAINING"


# ---- the lifecycle every kind shares ------------------------------------------------------


def _create(
    call: Call, records: dict[str, BatchResourceRecord], key: str, name: str, arn: str, **props: Any
) -> BatchResourceRecord:
    seconds = call.state.durations.batch_resource_changing
    record = BatchResourceRecord(
        name=name,
        arn=arn,
        created=call.now,
        lifecycle=Lifecycle.plan(call.now, [("CREATING", seconds)], "VALID"),
        properties=props,
    )
    records[key] = record
    return record


def _changed(call: Call, record: BatchResourceRecord, changes: dict[str, Any]) -> None:
    """Apply an update's members (those it sets): UPDATING, then VALID."""
    if record.status(call.now) in ("CREATING", "UPDATING", "DELETING"):
        raise CLIENT.error(f"{record.name} is {record.status(call.now)}; update it once VALID.")
    record.properties.update(changes)
    seconds = call.state.durations.batch_resource_changing
    record.lifecycle.replan(call.now, [("UPDATING", seconds)], "VALID")


def _deleted(call: Call, record: BatchResourceRecord, what: str) -> None:
    """Start deleting a DISABLED resource: DELETING, then DELETED."""
    if record.properties["state"] != "DISABLED":
        raise CLIENT.error(f"{what} {record.name} must be DISABLED before it is deleted.")
    if record.status(call.now) == "DELETING":
        return
    seconds = call.state.durations.batch_resource_changing
    record.lifecycle.replan(call.now, [("DELETING", seconds)], "DELETED")


def _settable(request: AwsModel, *identity: str) -> dict[str, Any]:
    """A request's members by wire name, but those naming the resource."""
    return wire_dump(request, exclude=set(identity))


def _unique(call: Call, records: dict[str, BatchResourceRecord], key: str, what: str) -> None:
    if find(call, records, key) is not None:
        raise CLIENT.error(f"{what} {key} already exists.")


def _view(call: Call, record: BatchResourceRecord, kind: str) -> dict[str, Any]:
    """A resource as Batch describes it, by wire name (``kind``: ``jobQueue``...)."""
    return {
        **record.properties,
        f"{kind}Name": record.name,
        f"{kind}Arn": record.arn,
        "status": record.status(call.now),
    }


def _described(
    call: Call,
    records: dict[str, BatchResourceRecord],
    kind: str,
    wanted: list[str] | None,
    request: DescribeJobQueuesRequest | DescribeServiceEnvironmentsRequest,
) -> tuple[list[dict[str, Any]], str | None]:
    """A Describe call's page: the resources ``wanted`` (or all), oldest first, as Batch
    describes them; and the next token."""
    chunk, next_token = listed(
        _listing(call, records, wanted),
        lambda record: (record.created, record.name),
        max_results=request.max_results,
        next_token=request.next_token,
        query={f"{kind}s": wanted},
    )
    return [_view(call, record, kind) for record in chunk], next_token


def _listing(
    call: Call, records: dict[str, BatchResourceRecord], wanted: Iterable[str] | None
) -> list[BatchResourceRecord]:
    """The resources named (all when none are), oldest first, deleted ones left out."""
    if wanted is not None:
        found = (find(call, records, name) for name in wanted)
        return [record for record in found if record is not None]
    return [r for r in records.values() if r.status(call.now) != "DELETED"]


# ---- service environments ---------------------------------------------------------------


def _environment(
    call: Call, name_or_arn: str, member: str = "serviceEnvironment"
) -> BatchResourceRecord:
    check_reference(name_or_arn, member, "service-environment")
    record = find(call, call.store.service_environments, name_or_arn)
    if record is None:
        raise CLIENT.error(f"Service environment {name_or_arn} does not exist.")
    return record


def create_service_environment(
    call: Call, request: CreateServiceEnvironmentRequest
) -> CreateServiceEnvironmentResponse:
    """CreateServiceEnvironment: a new environment, ENABLED unless said otherwise."""
    name = request.service_environment_name
    check_name(name, "serviceEnvironmentName", "service-environment")
    environments = call.store.service_environments
    _unique(call, environments, name, "Service environment")
    if not request.capacity_limits:
        raise CLIENT.error("capacityLimits must hold at least one capacity limit.")
    record = _create(
        call,
        environments,
        name,
        name,
        call.arn("batch", f"service-environment/{name}"),
        **{"state": "ENABLED", **_settable(request, "service_environment_name")},
    )
    call.state.created("service_environment")
    return CreateServiceEnvironmentResponse(
        service_environment_name=name, service_environment_arn=record.arn
    )


def describe_service_environments(
    call: Call, request: DescribeServiceEnvironmentsRequest
) -> DescribeServiceEnvironmentsResponse:
    """DescribeServiceEnvironments: those named, or every one, a page at a time."""
    environments = call.store.service_environments
    wanted = request.service_environments
    for name in wanted or ():
        check_reference(name, "serviceEnvironments", "service-environment")
    details, next_token = _described(call, environments, "serviceEnvironment", wanted, request)
    return DescribeServiceEnvironmentsResponse.model_validate(
        {"serviceEnvironments": details, "nextToken": next_token}
    )


def update_service_environment(
    call: Call, request: UpdateServiceEnvironmentRequest
) -> UpdateServiceEnvironmentResponse:
    """UpdateServiceEnvironment: a new state or capacity limits."""
    record = _environment(call, request.service_environment)
    if request.capacity_limits is not None and not request.capacity_limits:
        raise CLIENT.error("capacityLimits must hold at least one capacity limit.")
    _changed(call, record, _settable(request, "service_environment"))
    return UpdateServiceEnvironmentResponse(
        service_environment_name=record.name, service_environment_arn=record.arn
    )


def delete_service_environment(
    call: Call, request: DeleteServiceEnvironmentRequest
) -> DeleteServiceEnvironmentResponse:
    """DeleteServiceEnvironment: a DISABLED environment no job queue uses."""
    record = _environment(call, request.service_environment)
    users = [
        queue.name
        for queue in _listing(call, call.store.job_queues, None)
        if any(
            find(call, call.store.service_environments, order["serviceEnvironment"]) is record
            for order in queue.properties["serviceEnvironmentOrder"]
        )
    ]
    if users:
        raise CLIENT.error(
            f"Service environment {record.name} is used by job queue(s) {', '.join(users)}; "
            "take it out of their serviceEnvironmentOrder first."
        )
    _deleted(call, record, "Service environment")
    return DeleteServiceEnvironmentResponse()


# ---- job queues -------------------------------------------------------------------------


def _queue(call: Call, name_or_arn: str) -> BatchResourceRecord:
    check_reference(name_or_arn, "jobQueue", "job-queue")
    record = find(call, call.store.job_queues, name_or_arn)
    if record is None:
        raise CLIENT.error(f"Job queue {name_or_arn} does not exist.")
    return record


def _check_order(call: Call, order: list[ServiceEnvironmentOrder] | None) -> None:
    if not order:
        raise CLIENT.error(
            "A SAGEMAKER_TRAINING job queue needs a serviceEnvironmentOrder of at least one "
            "service environment."
        )
    for entry in order:
        _environment(call, entry.service_environment, "serviceEnvironmentOrder.serviceEnvironment")
    if len({entry.order for entry in order}) != len(order):
        raise CLIENT.error("Each serviceEnvironmentOrder entry needs an order of its own.")


def create_job_queue(call: Call, request: CreateJobQueueRequest) -> CreateJobQueueResponse:
    """CreateJobQueue: a SAGEMAKER_TRAINING queue over existing service environments."""
    name = request.job_queue_name
    check_name(name, "jobQueueName", "job-queue")
    queues = call.store.job_queues
    _unique(call, queues, name, "Job queue")
    if request.job_queue_type not in (None, _QUEUE_TYPE) or request.compute_environment_order:
        raise CLIENT.error(
            "The emulator's job queues are of type SAGEMAKER_TRAINING, over service "
            "environments; container queues need compute environments it does not emulate."
        )
    _check_order(call, request.service_environment_order)
    record = _create(
        call,
        queues,
        name,
        name,
        call.arn("batch", f"job-queue/{name}"),
        **{
            "state": "ENABLED",
            "jobQueueType": _QUEUE_TYPE,
            "computeEnvironmentOrder": [],
            **_settable(request, "job_queue_name", "compute_environment_order"),
        },
    )
    call.state.created("job_queue")
    return CreateJobQueueResponse(job_queue_name=name, job_queue_arn=record.arn)


def describe_job_queues(call: Call, request: DescribeJobQueuesRequest) -> DescribeJobQueuesResponse:
    """DescribeJobQueues: those named, or every one, a page at a time."""
    wanted = request.job_queues
    for name in wanted or ():
        check_reference(name, "jobQueues", "job-queue")
    details, next_token = _described(call, call.store.job_queues, "jobQueue", wanted, request)
    return DescribeJobQueuesResponse.model_validate({"jobQueues": details, "nextToken": next_token})


def update_job_queue(call: Call, request: UpdateJobQueueRequest) -> UpdateJobQueueResponse:
    """UpdateJobQueue: a new state, priority, service environment order or limits."""
    record = _queue(call, request.job_queue)
    if request.compute_environment_order:
        raise CLIENT.error("A SAGEMAKER_TRAINING job queue takes no computeEnvironmentOrder.")
    if request.service_environment_order is not None:
        _check_order(call, request.service_environment_order)
    _changed(call, record, _settable(request, "job_queue", "compute_environment_order"))
    return UpdateJobQueueResponse(job_queue_name=record.name, job_queue_arn=record.arn)


def delete_job_queue(call: Call, request: DeleteJobQueueRequest) -> DeleteJobQueueResponse:
    """DeleteJobQueue: a DISABLED queue; its unfinished jobs end and its quota shares go."""
    record = _queue(call, request.job_queue)
    _deleted(call, record, "Job queue")
    for job in call.store.service_jobs.values():
        if job.job_queue == record.arn:
            terminate(call, job, "The job queue was deleted.")
    for share in _shares_of(call, record):
        share.properties["state"] = "DISABLED"
        _deleted(call, share, "Quota share")
    return DeleteJobQueueResponse()


# ---- quota shares -----------------------------------------------------------------------


def _shares_of(call: Call, queue: BatchResourceRecord) -> list[BatchResourceRecord]:
    return [
        share
        for share in _listing(call, call.store.quota_shares, None)
        if share.properties["jobQueueArn"] == queue.arn
    ]


def _share(call: Call, arn: str) -> BatchResourceRecord:
    check_arn(arn, "quotaShareArn", "quota-share", names=2)
    record = find(call, call.store.quota_shares, arn)
    if record is None:
        raise CLIENT.error(f"Quota share {arn} does not exist.")
    return record


def create_quota_share(call: Call, request: CreateQuotaShareRequest) -> CreateQuotaShareResponse:
    """CreateQuotaShare: a share of an existing queue's capacity, ENABLED unless said
    otherwise."""
    name = request.quota_share_name
    check_name(name, "quotaShareName", "quota-share")
    queue = _queue(call, request.job_queue)
    if any(share.name == name for share in _shares_of(call, queue)):
        raise CLIENT.error(f"Quota share {name} already exists in job queue {queue.name}.")
    arn = call.arn("batch", f"quota-share/{queue.name}/{name}")
    settable = _settable(request, "quota_share_name", "job_queue")
    _create(
        call,
        call.store.quota_shares,
        arn,
        name,
        arn,
        **{"state": "ENABLED", **settable, "jobQueueArn": queue.arn},
    )
    call.state.created("quota_share")
    return CreateQuotaShareResponse(quota_share_name=name, quota_share_arn=arn)


def describe_quota_share(
    call: Call, request: DescribeQuotaShareRequest
) -> DescribeQuotaShareResponse:
    """DescribeQuotaShare: the share's settings and status."""
    record = _share(call, request.quota_share_arn)
    return DescribeQuotaShareResponse.model_validate(_view(call, record, "quotaShare"))


def update_quota_share(call: Call, request: UpdateQuotaShareRequest) -> UpdateQuotaShareResponse:
    """UpdateQuotaShare: new limits, sharing, preemption or state."""
    record = _share(call, request.quota_share_arn)
    _changed(call, record, _settable(request, "quota_share_arn"))
    return UpdateQuotaShareResponse(quota_share_name=record.name, quota_share_arn=record.arn)


def delete_quota_share(call: Call, request: DeleteQuotaShareRequest) -> DeleteQuotaShareResponse:
    """DeleteQuotaShare: a DISABLED share."""
    _deleted(call, _share(call, request.quota_share_arn), "Quota share")
    return DeleteQuotaShareResponse()


def list_quota_shares(call: Call, request: ListQuotaSharesRequest) -> ListQuotaSharesResponse:
    """ListQuotaShares: a queue's shares, a page at a time."""
    queue = _queue(call, request.job_queue)
    chunk, next_token = listed(
        _shares_of(call, queue),
        lambda record: (record.created, record.name),
        max_results=request.max_results,
        next_token=request.next_token,
        query={"jobQueue": queue.arn},
    )
    shares = [
        QuotaShareDetail.model_validate(_view(call, record, "quotaShare")) for record in chunk
    ]
    return ListQuotaSharesResponse(quota_shares=shares, next_token=next_token)
