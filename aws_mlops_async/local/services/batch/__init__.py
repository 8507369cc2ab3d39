"""AWS Batch as the service-job workflow needs it (restJson1): service environments and
``SAGEMAKER_TRAINING`` job queues, quota shares, and the service jobs submitted to them.

Every other Batch operation (container jobs, compute environments, job definitions,
scheduling policies, consumable resources, tags) answers ``501 NotImplemented`` naming it.
"""

from __future__ import annotations

from ....services.batch import operations as ops
from ..base import ErrorCode, LocalService, bind
from . import resources, service_jobs
from .common import CLIENT, token_conflict

__all__ = ["SERVICE"]

SERVICE = LocalService(
    description=ops.SERVICE,
    operations=bind(
        ops.OPERATIONS,
        {
            ops.CREATE_SERVICE_ENVIRONMENT: resources.create_service_environment,
            ops.DESCRIBE_SERVICE_ENVIRONMENTS: resources.describe_service_environments,
            ops.UPDATE_SERVICE_ENVIRONMENT: resources.update_service_environment,
            ops.DELETE_SERVICE_ENVIRONMENT: resources.delete_service_environment,
            ops.CREATE_JOB_QUEUE: resources.create_job_queue,
            ops.DESCRIBE_JOB_QUEUES: resources.describe_job_queues,
            ops.UPDATE_JOB_QUEUE: resources.update_job_queue,
            ops.DELETE_JOB_QUEUE: resources.delete_job_queue,
            ops.CREATE_QUOTA_SHARE: resources.create_quota_share,
            ops.DESCRIBE_QUOTA_SHARE: resources.describe_quota_share,
            ops.UPDATE_QUOTA_SHARE: resources.update_quota_share,
            ops.DELETE_QUOTA_SHARE: resources.delete_quota_share,
            ops.LIST_QUOTA_SHARES: resources.list_quota_shares,
            ops.SUBMIT_SERVICE_JOB: service_jobs.submit_service_job,
            ops.DESCRIBE_SERVICE_JOB: service_jobs.describe_service_job,
            ops.LIST_SERVICE_JOBS: service_jobs.list_service_jobs,
            ops.UPDATE_SERVICE_JOB: service_jobs.update_service_job,
            ops.TERMINATE_SERVICE_JOB: service_jobs.terminate_service_job,
            ops.TERMINATE_SERVICE_JOBS: service_jobs.terminate_service_jobs,
        },
    ),
    validation=CLIENT,
    throttling=ErrorCode("TooManyRequestsException", 429),
    internal=ErrorCode("ServerException", 500),
    unavailable=ErrorCode("ServiceUnavailableException", 503),
    token_conflict=token_conflict,
)
