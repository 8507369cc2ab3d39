"""The Lookout for Vision client: model packaging jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from ...client import BaseClient
from ...endpoints import EndpointRules
from ...errors import ConfigurationError
from ...pagination import PageIterator, PaginationConfig, Paginator
from ...waiters import Acceptor, Waiter, WaiterSpec
from . import operations as ops
from .errors import LookoutVisionExceptions
from .models import (
    DescribeModelPackagingJobResponse,
    ListModelPackagingJobsResponse,
    ModelPackagingConfiguration,
    ModelPackagingJobMetadata,
    StartModelPackagingJobResponse,
)

__all__ = [
    "ListModelPackagingJobsPaginator",
    "LookoutVisionClient",
    "ModelPackagingJobFinishedWaiter",
]

MODEL_PACKAGING_JOB_FINISHED = WaiterSpec(
    name="ModelPackagingJobFinished",
    delay=30,
    max_attempts=120,
    acceptors=(
        Acceptor("success", {"SUCCEEDED"}, path="model_packaging_description.status"),
        Acceptor("failure", {"FAILED"}, path="model_packaging_description.status"),
    ),
)


class LookoutVisionClient(BaseClient):
    """Async client for Lookout for Vision model packaging; get it as ``session.lookoutvision``.

    AWS ended support for Lookout for Vision on 2025-10-31 and botocore no longer ships its
    model; this client speaks its last published API (2020-11-20).
    """

    service = ops.SERVICE
    exceptions: ClassVar[type[LookoutVisionExceptions]] = LookoutVisionExceptions
    endpoint_rules = EndpointRules(
        default="lookoutvision.{region}.{dns_suffix}",
        fips="lookoutvision-fips.{region}.{dns_suffix}",
        dualstack="lookoutvision.{region}.{dualstack_dns_suffix}",
        fips_dualstack="lookoutvision-fips.{region}.{dualstack_dns_suffix}",
    )

    async def start_model_packaging_job(
        self,
        *,
        project_name: str,
        model_version: str,
        configuration: ModelPackagingConfiguration | Mapping[str, Any],
        job_name: str | None = None,
        description: str | None = None,
        client_token: str | None = None,
    ) -> StartModelPackagingJobResponse:
        """Package a model version as an AWS IoT Greengrass component; returns the job name.

        ``configuration`` holds the whole Greengrass configuration (component name and
        version, target device or platform, S3 output location, tags). ``client_token`` goes
        in the ``X-Amzn-Client-Token`` header and is filled when left out.
        """
        return await self._send(
            ops.START_MODEL_PACKAGING_JOB,
            project_name=project_name,
            model_version=model_version,
            configuration=configuration,
            job_name=job_name,
            description=description,
            client_token=client_token,
        )

    async def describe_model_packaging_job(
        self, *, project_name: str, job_name: str
    ) -> DescribeModelPackagingJobResponse:
        """A model packaging job's configuration, status and output."""
        return await self._send(
            ops.DESCRIBE_MODEL_PACKAGING_JOB, project_name=project_name, job_name=job_name
        )

    async def list_model_packaging_jobs(
        self, *, project_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> ListModelPackagingJobsResponse:
        """One page of a project's packaging jobs; ``get_paginator(...)`` for all of them."""
        return await self._send(
            ops.LIST_MODEL_PACKAGING_JOBS,
            project_name=project_name,
            max_results=max_results,
            next_token=next_token,
        )

    def get_paginator(
        self, name: Literal["list_model_packaging_jobs"]
    ) -> ListModelPackagingJobsPaginator:
        """The paginator for a list operation: ``list_model_packaging_jobs``."""
        if name != "list_model_packaging_jobs":
            raise ConfigurationError(f"Lookout for Vision has no paginator {name!r}")
        return ListModelPackagingJobsPaginator(self, ops.LIST_MODEL_PACKAGING_JOBS_PAGES)

    def get_waiter(
        self, name: Literal["model_packaging_job_finished"]
    ) -> ModelPackagingJobFinishedWaiter:
        """A waiter: ``model_packaging_job_finished``."""
        if name != "model_packaging_job_finished":
            raise ConfigurationError(f"Lookout for Vision has no waiter {name!r}")
        return ModelPackagingJobFinishedWaiter(self)


class ListModelPackagingJobsPaginator(
    Paginator[ListModelPackagingJobsResponse, ModelPackagingJobMetadata]
):
    """Pages through ListModelPackagingJobs."""

    def paginate(
        self, *, project_name: str, pagination_config: PaginationConfig | None = None
    ) -> PageIterator[ListModelPackagingJobsResponse, ModelPackagingJobMetadata]:
        """The pages of a project's packaging jobs, fetched lazily; ``.items()`` for the jobs."""
        return self._paginate({"project_name": project_name}, pagination_config)


class ModelPackagingJobFinishedWaiter(Waiter[DescribeModelPackagingJobResponse]):
    """Waits until a model packaging job SUCCEEDED; FAILED raises WaiterError."""

    def __init__(self, client: LookoutVisionClient) -> None:
        super().__init__(MODEL_PACKAGING_JOB_FINISHED)
        self._client = client

    async def wait(
        self,
        *,
        project_name: str,
        job_name: str,
        delay: float | None = None,
        max_attempts: int | None = None,
    ) -> DescribeModelPackagingJobResponse:
        """Poll DescribeModelPackagingJob (every 30 s, 120 times by default); the SUCCEEDED one."""
        return await self._wait_for_state(
            lambda: self._client.describe_model_packaging_job(
                project_name=project_name, job_name=job_name
            ),
            delay,
            max_attempts,
        )
