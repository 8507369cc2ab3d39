"""SageMaker image versions through our client against the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from local_support import IMAGE

from aws_mlops_async import PaginationConfig, Session, WaiterError
from aws_mlops_async.local import LocalAws

NAME = IMAGE["image_name"]


async def test_a_version_is_creating_then_created(endpoint: LocalAws, session: Session) -> None:
    sagemaker = session.sagemaker
    created = await sagemaker.create_image_version(**IMAGE, job_type="TRAINING", processor="GPU")
    assert created.image_version_arn == (
        "arn:aws:sagemaker:us-east-1:123456789012:image-version/pytorch-train/1"
    )
    described = await sagemaker.describe_image_version(image_name=NAME)
    assert described.image_version_status == "CREATING"
    assert (described.version, described.job_type, described.processor) == (1, "TRAINING", "GPU")
    assert described.image_arn == "arn:aws:sagemaker:us-east-1:123456789012:image/pytorch-train"
    waited = await sagemaker.get_waiter("image_version_created").wait(image_name=NAME, delay=0.02)
    assert waited.image_version_status == "CREATED"
    assert waited.last_modified_time > waited.creation_time  # the status change modifies it
    second = await sagemaker.create_image_version(**IMAGE)
    assert second.image_version_arn.endswith("/pytorch-train/2")
    assert endpoint.stats.created == {"image": 1, "image_version": 2}


async def test_a_failing_version_ends_the_waiter_with_its_reason(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.state.fail_next("image_version", reason="base image not found")
    await session.sagemaker.create_image_version(**IMAGE)
    with pytest.raises(WaiterError) as caught:
        await session.sagemaker.get_waiter("image_version_created").wait(
            image_name=NAME, delay=0.02
        )
    assert "CREATE_FAILED" in caught.value.reason
    described = await session.sagemaker.describe_image_version(image_name=NAME, version=1)
    assert described.failure_reason == "base image not found"


async def test_aliases_name_one_version_and_conflicts_are_resource_in_use(
    endpoint: LocalAws, session: Session
) -> None:
    sagemaker = session.sagemaker
    await sagemaker.create_image_version(**IMAGE, aliases=["stable"])
    await sagemaker.create_image_version(**IMAGE)
    assert (await sagemaker.describe_image_version(image_name=NAME, alias="stable")).version == 1
    with pytest.raises(sagemaker.exceptions.ResourceInUse) as caught:
        await sagemaker.create_image_version(**IMAGE, aliases=["stable"])
    assert (caught.value.status_code, caught.value.code) == (400, "ResourceInUse")
    with pytest.raises(sagemaker.exceptions.ResourceInUse):
        await sagemaker.update_image_version(image_name=NAME, version=2, aliases_to_add=["stable"])
    endpoint.clock.advance(1)
    await sagemaker.update_image_version(
        image_name=NAME, version=1, aliases_to_delete=["stable"], release_notes="retired"
    )
    updated = await sagemaker.update_image_version(
        image_name=NAME, alias=None, version=2, aliases_to_add=["stable", "latest"]
    )
    assert updated.image_version_arn is not None and updated.image_version_arn.endswith("/2")
    now_stable = await sagemaker.describe_image_version(image_name=NAME, alias="stable")
    assert now_stable.version == 2
    first = await sagemaker.describe_image_version(image_name=NAME, version=1)
    assert first.release_notes == "retired"
    assert first.last_modified_time > now_stable.creation_time  # the update moved it
    assert endpoint.stats.created["image_version"] == 2


async def test_delete_by_version_or_alias_and_not_found_after(
    endpoint: LocalAws, session: Session
) -> None:
    sagemaker = session.sagemaker
    await sagemaker.create_image_version(**IMAGE)
    with pytest.raises(sagemaker.exceptions.ResourceInUse):  # still CREATING
        await sagemaker.delete_image_version(image_name=NAME, version=1)
    await sagemaker.create_image_version(**IMAGE, aliases=["old"])
    endpoint.clock.advance(5)
    await sagemaker.delete_image_version(image_name=NAME, version=1)
    await sagemaker.delete_image_version(image_name=NAME, alias="old")
    await sagemaker.get_waiter("image_version_deleted").wait(
        image_name=NAME, version=1, delay=0.001
    )
    for selector in ({"version": 1}, {"alias": "old"}, {}):
        with pytest.raises(sagemaker.exceptions.ResourceNotFound) as caught:
            await sagemaker.describe_image_version(image_name=NAME, **selector)
        assert caught.value.status_code == 400
    third = await sagemaker.create_image_version(**IMAGE)
    assert third.image_version_arn is not None and third.image_version_arn.endswith("/3")


async def test_unknown_images_are_resource_not_found(session: Session) -> None:
    sagemaker = session.sagemaker
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        await sagemaker.describe_image_version(image_name="nope")
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        await sagemaker.list_image_versions(image_name="nope")
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        await sagemaker.delete_image_version(image_name="nope", version=1)


async def test_without_auto_created_images_an_image_must_exist_first() -> None:
    async with LocalAws(auto_create_images=False) as endpoint, endpoint.session() as session:
        with pytest.raises(session.sagemaker.exceptions.ResourceNotFound):
            await session.sagemaker.create_image_version(**IMAGE)
        endpoint.state.create_image(NAME)
        created = await session.sagemaker.create_image_version(**IMAGE)
        assert created.image_version_arn is not None
        assert endpoint.stats.created == {"image": 1, "image_version": 1}


async def test_list_filters_sorts_and_pages(endpoint: LocalAws, session: Session) -> None:
    sagemaker = session.sagemaker
    for _ in range(5):
        await sagemaker.create_image_version(**IMAGE)
        endpoint.clock.advance(10)
    await sagemaker.update_image_version(image_name=NAME, version=2, release_notes="touched")
    default = await sagemaker.list_image_versions(image_name=NAME)
    assert [v.version for v in default.image_versions or []] == [5, 4, 3, 2, 1]
    assert default.next_token is None
    ascending = await sagemaker.list_image_versions(
        image_name=NAME, sort_by="VERSION", sort_order="ASCENDING"
    )
    assert [v.version for v in ascending.image_versions or []] == [1, 2, 3, 4, 5]
    by_modified = await sagemaker.list_image_versions(image_name=NAME, sort_by="LAST_MODIFIED_TIME")
    assert [v.version for v in by_modified.image_versions or []] == [2, 5, 4, 3, 1]
    third = (await sagemaker.describe_image_version(image_name=NAME, version=3)).creation_time
    assert third is not None
    window = await sagemaker.list_image_versions(
        image_name=NAME,
        creation_time_after=third - timedelta(seconds=1),
        creation_time_before=third + timedelta(seconds=11),
        sort_order="ASCENDING",
    )
    assert [v.version for v in window.image_versions or []] == [3, 4]
    recent = await sagemaker.list_image_versions(
        image_name=NAME, last_modified_time_after=datetime.now(timezone.utc) + timedelta(seconds=45)
    )
    assert [v.version for v in recent.image_versions or []] == [2]
    old = await sagemaker.list_image_versions(
        image_name=NAME, last_modified_time_before=third - timedelta(seconds=1)
    )
    assert [v.version for v in old.image_versions or []] == [1]
    pages = sagemaker.get_paginator("list_image_versions").paginate(
        image_name=NAME,
        sort_by="VERSION",
        sort_order="DESCENDING",
        pagination_config=PaginationConfig(page_size=2),
    )
    sizes, versions = [], []
    async for page in pages:
        sizes.append(len(page.image_versions or []))
        versions += [v.version for v in page.image_versions or []]
    assert (sizes, versions) == ([2, 2, 1], [5, 4, 3, 2, 1])
    first_page = await sagemaker.list_image_versions(image_name=NAME, max_results=2)
    assert first_page.next_token is not None
    with pytest.raises(sagemaker.exceptions.base) as caught:  # a token of another query
        await sagemaker.list_image_versions(
            image_name=NAME, sort_by="VERSION", next_token=first_page.next_token
        )
    assert (caught.value.code, caught.value.status_code) == ("ValidationException", 400)


async def test_a_client_token_creates_once_and_conflicts_with_other_parameters(
    endpoint: LocalAws, session: Session
) -> None:
    sagemaker = session.sagemaker
    first = await sagemaker.create_image_version(**IMAGE, client_token="token-1")
    again = await sagemaker.create_image_version(**IMAGE, client_token="token-1")
    assert again.image_version_arn == first.image_version_arn
    assert endpoint.stats.created["image_version"] == 1
    assert endpoint.stats.replayed["CreateImageVersion"] == 1
    with pytest.raises(sagemaker.exceptions.ResourceInUse):
        await sagemaker.create_image_version(**IMAGE, client_token="token-1", horovod=True)
    assert endpoint.stats.created["image_version"] == 1
