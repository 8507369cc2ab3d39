"""SageMaker image versions: CreateImageVersion, DescribeImageVersion, UpdateImageVersion,
ListImageVersions, DeleteImageVersion.

A version is CREATING, then CREATED (or CREATE_FAILED) after ``image_version_creating``
seconds. Aliases are unique within an image: reusing one is ResourceInUse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....modeling import wire_dump
from ....services.sagemaker.models import (
    CreateImageVersionRequest,
    CreateImageVersionResponse,
    DeleteImageVersionRequest,
    DeleteImageVersionResponse,
    DescribeImageVersionRequest,
    DescribeImageVersionResponse,
    ImageVersion,
    ListImageVersionsRequest,
    ListImageVersionsResponse,
    UpdateImageVersionRequest,
    UpdateImageVersionResponse,
)
from ...state import ImageRecord, ImageVersionRecord, Lifecycle
from ..base import Call
from .common import IN_USE, NOT_FOUND, VALIDATION, listed, within

__all__ = [
    "create_image_version",
    "delete_image_version",
    "describe_image_version",
    "list_image_versions",
    "update_image_version",
]

# The members of a version that CreateImageVersion sets and UpdateImageVersion changes.
_PROPERTIES = {
    "vendor_guidance",
    "job_type",
    "ml_framework",
    "programming_lang",
    "processor",
    "horovod",
    "release_notes",
}


def _image_arn(call: Call, name: str) -> str:
    return call.arn("sagemaker", f"image/{name.lower()}")


def _version_arn(call: Call, version: ImageVersionRecord) -> str:
    return call.arn("sagemaker", f"image-version/{version.image_name.lower()}/{version.version}")


def _image(call: Call, name: str) -> ImageRecord:
    image = call.store.images.get(name)
    if image is None:
        raise NOT_FOUND.error(f"Image {name} does not exist.")
    return image


def _alias_holder(image: ImageRecord, alias: str) -> ImageVersionRecord | None:
    return next((v for v in image.versions.values() if alias in v.aliases), None)


def _version(
    image: ImageRecord, version: int | None, alias: str | None, *, latest: bool
) -> ImageVersionRecord:
    """The version asked for by number or alias (the latest when neither and ``latest``)."""
    if version is not None and alias is not None:
        raise VALIDATION.error("Specify either Version or Alias, not both.")
    if version is not None:
        found = image.versions.get(version)
        if found is None:
            raise NOT_FOUND.error(f"Image version {image.name}/{version} does not exist.")
        return found
    if alias is not None:
        holder = _alias_holder(image, alias)
        if holder is None:
            raise NOT_FOUND.error(f"Alias {alias} of image {image.name} does not exist.")
        return holder
    if not latest:
        raise VALIDATION.error("Specify Version or Alias.")
    if not image.versions:
        raise NOT_FOUND.error(f"Image {image.name} has no versions.")
    return image.versions[max(image.versions)]


def _check_aliases(
    image: ImageRecord, aliases: list[str], owner: ImageVersionRecord | None
) -> None:
    if len(set(aliases)) != len(aliases):
        raise VALIDATION.error("An alias may be given only once.")
    for alias in aliases:
        holder = _alias_holder(image, alias)
        if holder is not None and holder is not owner:
            raise IN_USE.error(
                f"Alias {alias} is already used by version {holder.version} of image {image.name}."
            )


def create_image_version(
    call: Call, request: CreateImageVersionRequest
) -> CreateImageVersionResponse:
    """CreateImageVersion: a new CREATING version (the image is created when missing and
    ``auto_create_images`` is on)."""
    state = call.state
    image = call.store.images.get(request.image_name)
    if image is None:
        if not state.auto_create_images:
            raise NOT_FOUND.error(f"Image {request.image_name} does not exist.")
        image = state.create_image(
            request.image_name, account_id=call.account_id, region=call.region
        )
    aliases = list(request.aliases or [])
    _check_aliases(image, aliases, None)
    failed, reason = state.outcome("image_version")
    version = ImageVersionRecord(
        image_name=image.name,
        version=image.next_version,
        base_image=request.base_image,
        created=call.now,
        modified=call.now,
        lifecycle=Lifecycle.plan(
            call.now,
            [("CREATING", state.durations.image_version_creating)],
            "CREATE_FAILED" if failed else "CREATED",
        ),
        aliases=aliases,
        properties=wire_dump(request, include=_PROPERTIES),
        failure_reason=(reason or "The image version could not be created.") if failed else None,
    )
    image.next_version += 1
    image.versions[version.version] = version
    state.created("image_version")
    return CreateImageVersionResponse(image_version_arn=_version_arn(call, version))


def describe_image_version(
    call: Call, request: DescribeImageVersionRequest
) -> DescribeImageVersionResponse:
    """DescribeImageVersion: by number, alias, or the latest version."""
    image = _image(call, request.image_name)
    version = _version(image, request.version, request.alias, latest=True)
    status = version.lifecycle.status(call.now)
    wire: dict[str, Any] = {
        **version.properties,
        "BaseImage": version.base_image,
        "ContainerImage": version.base_image,
        "CreationTime": version.created,
        "ImageArn": _image_arn(call, image.name),
        "ImageVersionArn": _version_arn(call, version),
        "ImageVersionStatus": status,
        "LastModifiedTime": version.last_modified(call.now),
        "Version": version.version,
    }
    if status == "CREATE_FAILED":
        wire["FailureReason"] = version.failure_reason
    return DescribeImageVersionResponse.model_validate(wire)


def update_image_version(
    call: Call, request: UpdateImageVersionRequest
) -> UpdateImageVersionResponse:
    """UpdateImageVersion: aliases added and removed, properties changed."""
    image = _image(call, request.image_name)
    version = _version(image, request.version, request.alias, latest=False)
    adding = list(request.aliases_to_add or [])
    _check_aliases(image, adding, version)
    removing = set(request.aliases_to_delete or [])
    kept = [alias for alias in version.aliases if alias not in removing]
    version.aliases = kept + [alias for alias in adding if alias not in kept]
    version.properties.update(wire_dump(request, include=_PROPERTIES))
    version.modified = call.now
    return UpdateImageVersionResponse(image_version_arn=_version_arn(call, version))


def delete_image_version(
    call: Call, request: DeleteImageVersionRequest
) -> DeleteImageVersionResponse:
    """DeleteImageVersion: by number or alias; a version still CREATING is ResourceInUse."""
    image = _image(call, request.image_name)
    version = _version(image, request.version, request.alias, latest=False)
    if version.lifecycle.status(call.now) == "CREATING":
        raise IN_USE.error(f"Image version {image.name}/{version.version} is being created.")
    del image.versions[version.version]
    return DeleteImageVersionResponse()


_SORT_KEYS: dict[str, Callable[[ImageVersionRecord, float], tuple[float | int, ...]]] = {
    "CREATION_TIME": lambda version, now: (version.created, version.version),
    "LAST_MODIFIED_TIME": lambda version, now: (version.last_modified(now), version.version),
    "VERSION": lambda version, now: (version.version,),
}


def list_image_versions(call: Call, request: ListImageVersionsRequest) -> ListImageVersionsResponse:
    """ListImageVersions: filtered by creation and modification time, sorted, paged."""
    image = _image(call, request.image_name)
    now = call.now
    versions = [
        version
        for version in image.versions.values()
        if within(version.created, request.creation_time_after, request.creation_time_before)
        and within(
            version.last_modified(now),
            request.last_modified_time_after,
            request.last_modified_time_before,
        )
    ]
    sort_key = _SORT_KEYS[request.sort_by or "CREATION_TIME"]
    query = wire_dump(request, exclude_none=False, exclude={"next_token", "max_results"})
    chunk, next_token = listed(
        versions,
        lambda version: sort_key(version, now),
        descending=(request.sort_order or "DESCENDING") == "DESCENDING",
        max_results=request.max_results,
        next_token=request.next_token,
        query=query,
    )
    items = [
        ImageVersion.model_validate(
            {
                "CreationTime": version.created,
                "FailureReason": version.failure_reason
                if version.lifecycle.status(now) == "CREATE_FAILED"
                else None,
                "ImageArn": _image_arn(call, image.name),
                "ImageVersionArn": _version_arn(call, version),
                "ImageVersionStatus": version.lifecycle.status(now),
                "LastModifiedTime": version.last_modified(now),
                "Version": version.version,
            }
        )
        for version in chunk
    ]
    return ListImageVersionsResponse(image_versions=items, next_token=next_token)
