"""Lookout for Vision model packaging jobs through our client against the emulator."""

from __future__ import annotations

import pytest
from local_support import GREENGRASS, PACKAGE

from aws_mlops_async import PaginationConfig, Session, WaiterError
from aws_mlops_async.local import LocalAws

PROJECT = PACKAGE["project_name"]


async def test_a_job_is_created_runs_and_succeeds_with_its_component(session: Session) -> None:
    lookoutvision = session.lookoutvision
    started = await lookoutvision.start_model_packaging_job(
        **PACKAGE, job_name="package-1", description="nightly build"
    )
    assert started.job_name == "package-1"
    described = await lookoutvision.describe_model_packaging_job(
        project_name=PROJECT, job_name="package-1"
    )
    job = described.model_packaging_description
    assert job is not None and job.status == "CREATED"
    assert job.model_packaging_output_details is None
    assert job.model_packaging_configuration is not None
    assert job.model_packaging_configuration.greengrass.component_name == "defect-detector"
    done = await lookoutvision.get_waiter("model_packaging_job_finished").wait(
        project_name=PROJECT, job_name="package-1", delay=0.02
    )
    finished = done.model_packaging_description
    assert finished is not None and finished.status == "SUCCEEDED"
    assert finished.model_packaging_job_description == "nightly build"
    output = finished.model_packaging_output_details
    assert output is not None and output.greengrass is not None
    assert output.greengrass.component_version == "1.2.3"
    assert output.greengrass.component_version_arn == (
        "arn:aws:greengrass:us-east-1:123456789012:components:defect-detector:versions:1.2.3"
    )


async def test_a_generated_name_and_a_failing_job(endpoint: LocalAws, session: Session) -> None:
    endpoint.state.fail_next("lookoutvision", reason="compilation failed")
    started = await session.lookoutvision.start_model_packaging_job(**PACKAGE)
    assert started.job_name is not None and started.job_name.startswith("packaging-")
    with pytest.raises(WaiterError):
        await session.lookoutvision.get_waiter("model_packaging_job_finished").wait(
            project_name=PROJECT, job_name=started.job_name, delay=0.02
        )
    described = await session.lookoutvision.describe_model_packaging_job(
        project_name=PROJECT, job_name=started.job_name
    )
    job = described.model_packaging_description
    assert job is not None and (job.status, job.status_message) == ("FAILED", "compilation failed")


async def test_names_are_unique_and_unknown_jobs_not_found(session: Session) -> None:
    lookoutvision = session.lookoutvision
    await lookoutvision.start_model_packaging_job(**PACKAGE, job_name="package-1")
    with pytest.raises(lookoutvision.exceptions.ConflictException) as conflict:
        await lookoutvision.start_model_packaging_job(**PACKAGE, job_name="package-1")
    assert conflict.value.status_code == 409
    with pytest.raises(lookoutvision.exceptions.ResourceNotFoundException) as missing:
        await lookoutvision.describe_model_packaging_job(project_name=PROJECT, job_name="nope")
    assert (missing.value.status_code, missing.value.message) == (
        404,
        f"Model packaging job nope does not exist in project {PROJECT}.",
    )
    both = {
        "Greengrass": {
            **GREENGRASS["Greengrass"],
            "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"},
        }
    }
    with pytest.raises(lookoutvision.exceptions.ValidationException):
        await lookoutvision.start_model_packaging_job(**{**PACKAGE, "configuration": both})


async def test_list_pages_a_projects_jobs(endpoint: LocalAws, session: Session) -> None:
    lookoutvision = session.lookoutvision
    for n in range(5):
        await lookoutvision.start_model_packaging_job(**PACKAGE, job_name=f"package-{n}")
        endpoint.clock.advance(1)
    await lookoutvision.start_model_packaging_job(
        **{**PACKAGE, "project_name": "other-project"}, job_name="package-x"
    )
    first = await lookoutvision.list_model_packaging_jobs(project_name=PROJECT, max_results=2)
    assert [job.job_name for job in first.model_packaging_jobs or []] == ["package-4", "package-3"]
    assert first.next_token is not None
    pages = lookoutvision.get_paginator("list_model_packaging_jobs").paginate(
        project_name=PROJECT, pagination_config=PaginationConfig(page_size=2)
    )
    names = [job.job_name async for job in pages.items()]
    assert names == [f"package-{n}" for n in (4, 3, 2, 1, 0)]
    statuses = {
        job.status
        for job in (
            await lookoutvision.list_model_packaging_jobs(project_name=PROJECT)
        ).model_packaging_jobs
        or []
    }
    assert statuses == {"SUCCEEDED"}


async def test_a_client_token_starts_once_and_conflicts_with_other_parameters(
    endpoint: LocalAws, session: Session
) -> None:
    lookoutvision = session.lookoutvision
    first = await lookoutvision.start_model_packaging_job(**PACKAGE, client_token="token-1")
    again = await lookoutvision.start_model_packaging_job(**PACKAGE, client_token="token-1")
    assert again.job_name == first.job_name
    with pytest.raises(lookoutvision.exceptions.ConflictException):
        await lookoutvision.start_model_packaging_job(
            **PACKAGE, client_token="token-1", description="changed"
        )
    assert endpoint.stats.created["model_packaging_job"] == 1
    assert endpoint.stats.replayed["StartModelPackagingJob"] == 1
