"""The AWS Batch client: service jobs (SageMaker Training jobs queued through Batch)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

from ...bulk import BulkProgress, BulkSubmission
from ...client import BaseClient
from ...endpoints import EndpointRules
from ...errors import ConfigurationError
from ...pagination import PageIterator, PaginationConfig, Paginator
from ...waiters import Acceptor, Waiter, WaiterSpec
from . import operations as ops
from .errors import BatchExceptions
from .models import (
    DescribeServiceJobResponse,
    KeyValuesPair,
    ListServiceJobsResponse,
    ServiceJobPreemptionConfiguration,
    ServiceJobRetryStrategy,
    ServiceJobStatus,
    ServiceJobSummary,
    ServiceJobTimeout,
    ServiceJobType,
    SubmitServiceJobRequest,
    SubmitServiceJobResponse,
    TerminateServiceJobResponse,
)

__all__ = ["BatchClient", "ListServiceJobsPaginator", "ServiceJobFinishedWaiter"]

SERVICE_JOB_FINISHED = WaiterSpec(
    name="ServiceJobFinished",
    delay=30,
    max_attempts=120,
    acceptors=(
        Acceptor("success", {"SUCCEEDED"}, path="status"),
        Acceptor("failure", {"FAILED"}, path="status"),
    ),
)


class BatchClient(BaseClient):
    """Async client for AWS Batch service jobs; get it as ``session.batch``."""

    service = ops.SERVICE
    exceptions: ClassVar[type[BatchExceptions]] = BatchExceptions
    endpoint_rules = EndpointRules(
        default="batch.{region}.{dns_suffix}",
        fips="batch-fips.{region}.{dns_suffix}",
        dualstack="batch.{region}.{dualstack_dns_suffix}",
        fips_dualstack="batch-fips.{region}.{dualstack_dns_suffix}",
        fips_by_partition={
            "aws": "fips.batch.{region}.amazonaws.com",
            "aws-us-gov": "batch.{region}.amazonaws.com",
        },
    )

    async def submit_service_job(
        self,
        *,
        job_name: str,
        job_queue: str,
        service_job_type: ServiceJobType,
        service_request_payload: str,
        client_token: str | None = None,
        preemption_configuration: ServiceJobPreemptionConfiguration
        | Mapping[str, Any]
        | None = None,
        quota_share_name: str | None = None,
        retry_strategy: ServiceJobRetryStrategy | Mapping[str, Any] | None = None,
        scheduling_priority: int | None = None,
        share_identifier: str | None = None,
        tags: Mapping[str, str] | None = None,
        timeout_config: ServiceJobTimeout | Mapping[str, Any] | None = None,
    ) -> SubmitServiceJobResponse:
        """Queue a SageMaker training job on a Batch service queue; returns its id, name and ARN.

        ``job_name``: up to 128 letters, digits, hyphens and underscores.
        ``service_request_payload``: the SageMaker CreateTrainingJob request, as JSON.
        ``scheduling_priority``: 0..9999; ``tags``: up to 50. ``client_token`` makes the call
        idempotent; a fresh one is used when left out (and kept across retries).
        """
        return await self._send(
            ops.SUBMIT_SERVICE_JOB,
            job_name=job_name,
            job_queue=job_queue,
            service_job_type=service_job_type,
            service_request_payload=service_request_payload,
            client_token=client_token,
            preemption_configuration=preemption_configuration,
            quota_share_name=quota_share_name,
            retry_strategy=retry_strategy,
            scheduling_priority=scheduling_priority,
            share_identifier=share_identifier,
            tags=tags,
            timeout_config=timeout_config,
        )

    def submit_service_jobs(
        self,
        jobs: Iterable[SubmitServiceJobRequest | Mapping[str, Any]]
        | AsyncIterable[SubmitServiceJobRequest | Mapping[str, Any]],
        *,
        concurrency: int = 32,
        max_rate: float | None = None,
        run_id: str | None = None,
        job_deadline: float = 900.0,
        give_up_after: float | None = None,
        on_progress: Callable[[BulkProgress], object] | None = None,
    ) -> BulkSubmission[SubmitServiceJobRequest, SubmitServiceJobResponse]:
        """Submit many service jobs; an async iterator of one outcome per job, as they finish.

        Use it as ``async with session.batch.submit_service_jobs(jobs) as run: async for
        outcome in run: ...``: leaving the block stops the run, cancelling what is in flight.

        ``jobs`` (requests or dicts of their parameters) are read lazily, and no further than
        ``concurrency`` + 16 jobs ahead of the outcomes read. At most ``concurrency`` requests
        are in flight and, when set, ``max_rate`` sent per second; the run slows down as a
        whole when throttled. Retryable failures go back in line until ``job_deadline``
        seconds after the job was taken; with ``give_up_after``, the run fails with
        `EndpointUnreachable` once no request has reached the service for that many seconds.
        A job without a client token gets one derived from ``run_id`` (generated when None,
        see ``.run_id``) and its index, so running the same input again with the same run id
        creates nothing twice. A job's own failure is its outcome; a failure of the run (the
        job source or ``on_progress`` raising, credentials) is raised from the ``async for``
        after the outcomes already complete, what was in flight being cancelled.
        """
        return BulkSubmission(
            self,
            ops.SUBMIT_SERVICE_JOB,
            jobs,
            concurrency=concurrency,
            max_rate=max_rate,
            run_id=run_id,
            job_deadline=job_deadline,
            give_up_after=give_up_after,
            on_progress=on_progress,
        )

    async def describe_service_job(self, *, job_id: str) -> DescribeServiceJobResponse:
        """A service job's status, attempts, timing and configuration."""
        return await self._send(ops.DESCRIBE_SERVICE_JOB, job_id=job_id)

    async def list_service_jobs(
        self,
        *,
        job_queue: str | None = None,
        job_status: ServiceJobStatus | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        filters: Sequence[KeyValuesPair | Mapping[str, Any]] | None = None,
    ) -> ListServiceJobsResponse:
        """One page of a queue's service jobs; ``get_paginator("list_service_jobs")`` for all."""
        return await self._send(
            ops.LIST_SERVICE_JOBS,
            job_queue=job_queue,
            job_status=job_status,
            max_results=max_results,
            next_token=next_token,
            filters=filters,
        )

    async def terminate_service_job(
        self, *, job_id: str, reason: str
    ) -> TerminateServiceJobResponse:
        """Terminate a service job; ``reason`` is recorded in its status reason."""
        return await self._send(ops.TERMINATE_SERVICE_JOB, job_id=job_id, reason=reason)

    def get_paginator(self, name: Literal["list_service_jobs"]) -> ListServiceJobsPaginator:
        """The paginator for a list operation: ``list_service_jobs``."""
        if name != "list_service_jobs":
            raise ConfigurationError(f"Batch has no paginator {name!r}")
        return ListServiceJobsPaginator(self, ops.LIST_SERVICE_JOBS_PAGES)

    def get_waiter(self, name: Literal["service_job_finished"]) -> ServiceJobFinishedWaiter:
        """A waiter: ``service_job_finished``."""
        if name != "service_job_finished":
            raise ConfigurationError(f"Batch has no waiter {name!r}")
        return ServiceJobFinishedWaiter(self)


class ListServiceJobsPaginator(Paginator[ListServiceJobsResponse, ServiceJobSummary]):
    """Pages through ListServiceJobs."""

    def paginate(
        self,
        *,
        job_queue: str | None = None,
        job_status: ServiceJobStatus | None = None,
        filters: Sequence[KeyValuesPair | Mapping[str, Any]] | None = None,
        pagination_config: PaginationConfig | None = None,
    ) -> PageIterator[ListServiceJobsResponse, ServiceJobSummary]:
        """The pages of a queue's service jobs, fetched lazily; ``.items()`` for the jobs."""
        return self._paginate(
            {"job_queue": job_queue, "job_status": job_status, "filters": filters},
            pagination_config,
        )


class ServiceJobFinishedWaiter(Waiter[DescribeServiceJobResponse]):
    """Waits until a service job SUCCEEDED; FAILED raises WaiterError with the last response."""

    def __init__(self, client: BatchClient) -> None:
        super().__init__(SERVICE_JOB_FINISHED)
        self._client = client

    async def wait(
        self, *, job_id: str, delay: float | None = None, max_attempts: int | None = None
    ) -> DescribeServiceJobResponse:
        """Poll DescribeServiceJob (every 30 s, 120 times by default); the SUCCEEDED response."""
        return await self._wait_for_state(
            lambda: self._client.describe_service_job(job_id=job_id), delay, max_attempts
        )
