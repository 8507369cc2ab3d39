"""What the AWS Batch client adds to its generated operations: submitting thousands of service
jobs at once (`ServiceJobs.submit_service_jobs`) and following them to their end
(`ServiceJobs.watch_service_jobs`)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from .client import BaseClient

if TYPE_CHECKING:
    from .bulk import BulkProgress, BulkSubmission
    from .services.batch.client import BatchClient
    from .services.batch.models import SubmitServiceJobRequest, SubmitServiceJobResponse
    from .watching import ServiceJobWatch, WatchedJob

__all__ = ["ServiceJobs"]


class ServiceJobs(BaseClient):
    """The base of the AWS Batch client: bulk service-job submission."""

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
        # Bulk submission loads on a run's first use, not with the client (7 ms).
        from .bulk import BulkSubmission
        from .services.batch import operations

        return BulkSubmission(
            self,
            operations.SUBMIT_SERVICE_JOB,
            jobs,
            concurrency=concurrency,
            max_rate=max_rate,
            run_id=run_id,
            job_deadline=job_deadline,
            give_up_after=give_up_after,
            on_progress=on_progress,
        )

    def watch_service_jobs(
        self,
        jobs: Iterable[str | WatchedJob | object],
        *,
        job_queue: str | None = None,
        poll_interval: float = 30.0,
        created_after: float | None = None,
    ) -> ServiceJobWatch:
        """Follow service jobs to their end: an async iterator of each change of status.

        ``jobs`` are job ids, SubmitServiceJob responses, a bulk run's outcomes (failed
        submissions are skipped) or `WatchedJob`s. Their queues are listed every
        ``poll_interval`` seconds with ListServiceJobs, 100 jobs a page (about 100 requests a
        cycle for 10,000 jobs in one queue); a job whose queue is not known (an id without
        ``job_queue``) is described once first, and a job the listings no longer show on its
        own. Each `ServiceJobUpdate` carries the job's status, reason and, once it runs, the
        resource it runs as (the training job's ARN). It ends when every job SUCCEEDED or
        FAILED; throttling slows it down; ``created_after`` (epoch seconds) bounds the first
        listings when the jobs' creation times are unknown (default: 14 days ago). Use it as
        ``async with batch.watch_service_jobs(ids) as watch: async for update in watch:``.
        """
        from .watching import ServiceJobWatch

        return ServiceJobWatch(
            cast("BatchClient", self),  # the generated client this class is the base of
            jobs,
            job_queue=job_queue,
            poll_interval=poll_interval,
            created_after=created_after,
        )
