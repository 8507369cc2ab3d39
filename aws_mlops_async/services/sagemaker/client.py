"""The SageMaker client: image versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Literal, overload

from ...client import BaseClient
from ...endpoints import EndpointRules
from ...errors import ConfigurationError
from ...pagination import PageIterator, PaginationConfig, Paginator
from ...waiters import Acceptor, Waiter, WaiterSpec
from . import operations as ops
from .errors import SageMakerExceptions
from .models import (
    CreateImageVersionResponse,
    DeleteImageVersionResponse,
    DescribeImageVersionResponse,
    ImageVersion,
    ImageVersionSortBy,
    ImageVersionSortOrder,
    JobType,
    ListImageVersionsResponse,
    Processor,
    UpdateImageVersionResponse,
    VendorGuidance,
)

__all__ = [
    "ImageVersionCreatedWaiter",
    "ImageVersionDeletedWaiter",
    "ListImageVersionsPaginator",
    "SageMakerClient",
]

# From the SageMaker model's waiters-2.json. SageMaker answers a missing version with the
# modeled error ResourceNotFound; the model's waiter expects ResourceNotFoundException, so
# both count.
IMAGE_VERSION_CREATED = WaiterSpec(
    name="ImageVersionCreated",
    delay=60,
    max_attempts=60,
    acceptors=(
        Acceptor("success", {"CREATED"}, path="image_version_status"),
        Acceptor("failure", {"CREATE_FAILED"}, path="image_version_status"),
        Acceptor("failure", {"ValidationException"}),
    ),
)
IMAGE_VERSION_DELETED = WaiterSpec(
    name="ImageVersionDeleted",
    delay=60,
    max_attempts=60,
    acceptors=(
        Acceptor("success", {"ResourceNotFoundException", "ResourceNotFound"}),
        Acceptor("failure", {"DELETE_FAILED"}, path="image_version_status"),
        Acceptor("failure", {"ValidationException"}),
    ),
)


class SageMakerClient(BaseClient):
    """Async client for SageMaker image versions; get it as ``session.sagemaker``."""

    service = ops.SERVICE
    exceptions: ClassVar[type[SageMakerExceptions]] = SageMakerExceptions
    endpoint_rules = EndpointRules(
        default="api.sagemaker.{region}.{dns_suffix}",
        fips="api.sagemaker-fips.{region}.{dns_suffix}",
        dualstack="api.sagemaker.{region}.{dualstack_dns_suffix}",
        fips_dualstack="api.sagemaker-fips.{region}.{dualstack_dns_suffix}",
        fips_by_partition={
            "aws": "api-fips.sagemaker.{region}.amazonaws.com",
            "aws-us-gov": "api-fips.sagemaker.{region}.amazonaws.com",
        },
    )

    async def create_image_version(
        self,
        *,
        base_image: str,
        image_name: str,
        client_token: str | None = None,
        aliases: Sequence[str] | None = None,
        vendor_guidance: VendorGuidance | None = None,
        job_type: JobType | None = None,
        ml_framework: str | None = None,
        programming_lang: str | None = None,
        processor: Processor | None = None,
        horovod: bool | None = None,
        release_notes: str | None = None,
    ) -> CreateImageVersionResponse:
        """Create a version of an image from a container image; returns the version's ARN.

        ``client_token`` makes the call idempotent; a fresh one is used when left out.
        """
        return await self._send(
            ops.CREATE_IMAGE_VERSION,
            base_image=base_image,
            image_name=image_name,
            client_token=client_token,
            aliases=aliases,
            vendor_guidance=vendor_guidance,
            job_type=job_type,
            ml_framework=ml_framework,
            programming_lang=programming_lang,
            processor=processor,
            horovod=horovod,
            release_notes=release_notes,
        )

    async def delete_image_version(
        self, *, image_name: str, version: int | None = None, alias: str | None = None
    ) -> DeleteImageVersionResponse:
        """Delete an image version, chosen by version number or alias."""
        return await self._send(
            ops.DELETE_IMAGE_VERSION, image_name=image_name, version=version, alias=alias
        )

    async def describe_image_version(
        self, *, image_name: str, version: int | None = None, alias: str | None = None
    ) -> DescribeImageVersionResponse:
        """Describe an image version (the latest when neither version nor alias is given)."""
        return await self._send(
            ops.DESCRIBE_IMAGE_VERSION, image_name=image_name, version=version, alias=alias
        )

    async def list_image_versions(
        self,
        *,
        image_name: str,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        sort_by: ImageVersionSortBy | None = None,
        sort_order: ImageVersionSortOrder | None = None,
    ) -> ListImageVersionsResponse:
        """One page of an image's versions; use ``get_paginator("list_image_versions")`` for all."""
        return await self._send(
            ops.LIST_IMAGE_VERSIONS,
            image_name=image_name,
            creation_time_after=creation_time_after,
            creation_time_before=creation_time_before,
            last_modified_time_after=last_modified_time_after,
            last_modified_time_before=last_modified_time_before,
            max_results=max_results,
            next_token=next_token,
            sort_by=sort_by,
            sort_order=sort_order,
        )

    async def update_image_version(
        self,
        *,
        image_name: str,
        alias: str | None = None,
        version: int | None = None,
        aliases_to_add: Sequence[str] | None = None,
        aliases_to_delete: Sequence[str] | None = None,
        vendor_guidance: VendorGuidance | None = None,
        job_type: JobType | None = None,
        ml_framework: str | None = None,
        programming_lang: str | None = None,
        processor: Processor | None = None,
        horovod: bool | None = None,
        release_notes: str | None = None,
    ) -> UpdateImageVersionResponse:
        """Update an image version's aliases and properties; returns the version's ARN.

        ``version`` must be within 0..1152921504606846976.
        """
        return await self._send(
            ops.UPDATE_IMAGE_VERSION,
            image_name=image_name,
            alias=alias,
            version=version,
            aliases_to_add=aliases_to_add,
            aliases_to_delete=aliases_to_delete,
            vendor_guidance=vendor_guidance,
            job_type=job_type,
            ml_framework=ml_framework,
            programming_lang=programming_lang,
            processor=processor,
            horovod=horovod,
            release_notes=release_notes,
        )

    def get_paginator(self, name: Literal["list_image_versions"]) -> ListImageVersionsPaginator:
        """The paginator for a list operation: ``list_image_versions``."""
        if name != "list_image_versions":
            raise ConfigurationError(f"SageMaker has no paginator {name!r}")
        return ListImageVersionsPaginator(self, ops.LIST_IMAGE_VERSIONS_PAGES)

    @overload
    def get_waiter(self, name: Literal["image_version_created"]) -> ImageVersionCreatedWaiter: ...
    @overload
    def get_waiter(self, name: Literal["image_version_deleted"]) -> ImageVersionDeletedWaiter: ...
    def get_waiter(self, name: str) -> ImageVersionCreatedWaiter | ImageVersionDeletedWaiter:
        """A waiter: ``image_version_created`` or ``image_version_deleted``."""
        if name == "image_version_created":
            return ImageVersionCreatedWaiter(self)
        if name == "image_version_deleted":
            return ImageVersionDeletedWaiter(self)
        raise ConfigurationError(f"SageMaker has no waiter {name!r}")


class ListImageVersionsPaginator(Paginator[ListImageVersionsResponse, ImageVersion]):
    """Pages through ListImageVersions."""

    def paginate(
        self,
        *,
        image_name: str,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        sort_by: ImageVersionSortBy | None = None,
        sort_order: ImageVersionSortOrder | None = None,
        pagination_config: PaginationConfig | None = None,
    ) -> PageIterator[ListImageVersionsResponse, ImageVersion]:
        """The pages of an image's versions, fetched lazily; ``.items()`` for the versions."""
        return self._paginate(
            {
                "image_name": image_name,
                "creation_time_after": creation_time_after,
                "creation_time_before": creation_time_before,
                "last_modified_time_after": last_modified_time_after,
                "last_modified_time_before": last_modified_time_before,
                "sort_by": sort_by,
                "sort_order": sort_order,
            },
            pagination_config,
        )


class ImageVersionCreatedWaiter(Waiter[DescribeImageVersionResponse]):
    """Waits until an image version is CREATED; CREATE_FAILED raises WaiterError."""

    def __init__(self, client: SageMakerClient) -> None:
        super().__init__(IMAGE_VERSION_CREATED)
        self._client = client

    async def wait(
        self,
        *,
        image_name: str,
        version: int | None = None,
        alias: str | None = None,
        delay: float | None = None,
        max_attempts: int | None = None,
    ) -> DescribeImageVersionResponse:
        """Poll DescribeImageVersion (every 60 s, 60 times by default); the CREATED response."""
        return await self._wait_for_state(
            lambda: self._client.describe_image_version(
                image_name=image_name, version=version, alias=alias
            ),
            delay,
            max_attempts,
        )


class ImageVersionDeletedWaiter(Waiter[DescribeImageVersionResponse]):
    """Waits until an image version is gone; DELETE_FAILED raises WaiterError."""

    def __init__(self, client: SageMakerClient) -> None:
        super().__init__(IMAGE_VERSION_DELETED)
        self._client = client

    async def wait(
        self,
        *,
        image_name: str,
        version: int | None = None,
        alias: str | None = None,
        delay: float | None = None,
        max_attempts: int | None = None,
    ) -> None:
        """Poll DescribeImageVersion (every 60 s, 60 times by default) until it is not found."""
        await self._wait(
            lambda: self._client.describe_image_version(
                image_name=image_name, version=version, alias=alias
            ),
            delay,
            max_attempts,
        )
