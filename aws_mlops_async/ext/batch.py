"""The AWS Batch client a Session hands out: the generated operations, plus submitting
thousands of service jobs at once (`BatchClient.submit_service_jobs`), following them to their
end (`BatchClient.watch_service_jobs`), and a SAGEMAKER_TRAINING job's payload typed as
SageMaker's CreateTrainingJob request (`BatchClient.submit_service_job`)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..arguments import text
from ..services.batch import client as generated
from ..services.batch import operations
from .siblings import sibling

if TYPE_CHECKING:
    from ..bulk import BulkProgress, BulkSubmission
    from ..services.batch.models import (
        ServiceJobPreemptionConfiguration,
        ServiceJobRetryStrategy,
        ServiceJobTimeout,
        ServiceJobType,
        SubmitServiceJobRequest,
        SubmitServiceJobResponse,
    )
    from ..services.sagemaker.models import CreateTrainingJobRequest
    from .training_logs import TrainingJobLogs
    from .watching import ServiceJobWatch, WatchedJob

__all__ = ["BatchClient"]


class BatchClient(generated.BatchClient):
    """The AWS Batch client: every operation of the generated client, bulk service-job
    submission and watching, and typed training payloads."""

    async def submit_service_job(
        self,
        *,
        job_name: str,
        job_queue: str,
        service_request_payload: str | CreateTrainingJobRequest | Mapping[str, Any],
        service_job_type: ServiceJobType,
        retry_strategy: ServiceJobRetryStrategy | Mapping[str, Any] | None = None,
        scheduling_priority: int | None = None,
        share_identifier: str | None = None,
        quota_share_name: str | None = None,
        preemption_configuration: ServiceJobPreemptionConfiguration
        | Mapping[str, Any]
        | None = None,
        timeout_config: ServiceJobTimeout | Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        client_token: str | None = None,
        validate_payload: bool = False,
    ) -> SubmitServiceJobResponse:
        """Submits a service job to a specified job queue to run on SageMaker AI.

        The parameters are the generated method's (see its documentation), with these two:

        :param service_request_payload: The request for the service the job is queued for: a
            JSON string, passed as it is, or for ``SAGEMAKER_TRAINING`` a
            ``CreateTrainingJobRequest`` or a mapping of its fields, validated before anything
            is sent (an error names the nested field, as in
            ``service_request_payload.resource_config.instance_count``) and written as
            SageMaker's CreateTrainingJob JSON body. Batch names the training job it creates
            itself (its service-linked role may create only ``AWSBatch*`` training jobs): find
            it by ``latest_attempt.service_resource_id`` of DescribeServiceJob, not by
            ``TrainingJobName``; put tags in ``tags``, which Batch applies, as SageMaker's own
            SDK moves a payload's ``Tags`` there.
        :param validate_payload: Validate a JSON string payload as a CreateTrainingJob request
            too (it is then sent unchanged).
        :returns: the ``SubmitServiceJobResponse``.
        :raises ClientException: These errors are usually caused by a client action.
        :raises ServerException: These errors are usually caused by a server issue.
        """
        request: dict[str, Any] = {
            "job_name": job_name,
            "job_queue": job_queue,
            "service_request_payload": service_request_payload,
            "service_job_type": service_job_type,
        }
        if retry_strategy is not None:
            request["retry_strategy"] = retry_strategy
        if scheduling_priority is not None:
            request["scheduling_priority"] = scheduling_priority
        if share_identifier is not None:
            request["share_identifier"] = share_identifier
        if quota_share_name is not None:
            request["quota_share_name"] = quota_share_name
        if preemption_configuration is not None:
            request["preemption_configuration"] = preemption_configuration
        if timeout_config is not None:
            request["timeout_config"] = timeout_config
        if tags is not None:
            request["tags"] = tags
        if client_token is not None:
            request["client_token"] = client_token
        if validate_payload is not False:
            request["validate_payload"] = validate_payload
        return await self.invoke(operations.SUBMIT_SERVICE_JOB, request)

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
        from ..bulk import BulkSubmission

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
        created_after: float | datetime | None = None,
        give_up_after: float | None = 900.0,
        logs_on_failure: int | None = None,
    ) -> ServiceJobWatch:
        """Follow service jobs to their end: an async iterator of each change of status.

        ``jobs`` are job ids, SubmitServiceJob responses, a bulk run's outcomes (failed
        submissions are skipped) or `WatchedJob`s. Their queues are listed every
        ``poll_interval`` seconds with ListServiceJobs, 100 jobs a page (about 100 requests a
        cycle for 10,000 jobs in one queue); a job whose queue is not known (an id without
        ``job_queue``) is described once first, and a job the listings no longer show on its
        own. Each `ServiceJobUpdate` carries the job's status, reason and, once it runs, the
        resource it runs as (the training job's ARN); a status never goes backwards.
        ``created_after`` (epoch seconds or an aware datetime) bounds the first listings when
        the jobs' creation times are unknown (default: 14 days ago). Use it as ``async with
        batch.watch_service_jobs(ids) as watch: async for update in watch:``.

        It ends when every job SUCCEEDED or FAILED (FAILED by its own status, or when Batch
        says it does not exist), when you leave the block, or raising: the `ServiceError` or
        `CredentialsError` of a caller the service refuses (expired or wrong credentials, no
        permission); `EndpointUnreachable` after ``give_up_after`` seconds (None: never)
        without an answer, a call in flight included (naming the endpoint); or
        `PaginationError` for a queue's listing that never ends (a token handed out before,
        or more than 1,000 pages in one look). Connection failures, 5xx answers and
        throttling that outlast the client's retries slow it down until then.

        With ``logs_on_failure=N`` (at most 10,000), the update of each job that FAILED
        carries the last N lines of its training job's logs (``logs``; or why they could not
        be read, ``logs_unread``), read a few jobs at once at the end of the poll that saw it
        fail, for the first 50 failed jobs of the watch; a read gives up after 60 seconds
        without an answer, or ``give_up_after`` if shorter.
        """
        from .watching import ServiceJobWatch

        return ServiceJobWatch(
            self,
            jobs,
            job_queue=job_queue,
            poll_interval=poll_interval,
            created_after=created_after,
            give_up_after=give_up_after,
            logs_on_failure=logs_on_failure,
        )

    def service_job_logs(
        self,
        job_id: str,
        *,
        follow: bool = False,
        start_time: float | datetime | None = None,
        tail: int | None = None,
        poll_interval: float = 10.0,
        give_up_after: float | None = 900.0,
    ) -> TrainingJobLogs:
        """The log lines of the SageMaker training job a ``SAGEMAKER_TRAINING`` service job
        runs as (its latest attempt's), from every instance, in time order: an async
        iterator of `LogLine`.

        ``job_id`` is the job's id or ARN. Following, a job that has not started yet is
        described every ``poll_interval`` seconds until its training job exists (a job that
        ends without one has no lines); the rest is
        `SageMakerClient.training_job_logs`'s, with the same arguments.
        """
        from ..services.logs.client import CloudWatchLogsClient
        from ..services.sagemaker.client import SageMakerClient
        from .training_jobs import training_job_name
        from .training_logs import TrainingJobLogs
        from .watching import FINISHED

        text("job_id", job_id)
        self.build_request(operations.DESCRIBE_SERVICE_JOB, {"job_id": job_id})

        async def latest_training_job() -> tuple[str | None, bool]:
            job = await self.invoke(operations.DESCRIBE_SERVICE_JOB, {"job_id": job_id})
            attempt = job.latest_attempt
            resource = attempt.service_resource_id if attempt else None
            name = training_job_name(resource.value if resource else None)
            return name, name is None and job.status in FINISHED

        return TrainingJobLogs(
            sibling(self, SageMakerClient),
            sibling(self, CloudWatchLogsClient),
            latest_training_job,
            follow=follow,
            start_time=start_time,
            tail=tail,
            poll_interval=poll_interval,
            give_up_after=give_up_after,
        )
