"""Fidelity: every emulated operation driven through aiobotocore, whose own parser must accept
each answer and map each error to its modeled exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from local_support import (
    DOMAIN,
    GREENGRASS,
    IMAGE,
    PROJECT,
    TRAINING_PAYLOAD,
    TRAINING_REQUEST,
    botocore_client,
)
from support import botocore_data

from aws_mlops_async.local import LocalAws

Clients = Callable[..., AbstractAsyncContextManager[Any]]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A botocore data directory with the models botocore dropped (Lookout for Vision's)."""
    return botocore_data(tmp_path_factory.mktemp("botocore-data"))


@pytest.fixture(autouse=True)
def held_clock(endpoint: LocalAws) -> None:
    """Jobs move only when a test advances the clock: each call finds the status the call
    before it left, however loaded the machine (FAST's phases are 0.05 s)."""
    endpoint.clock.hold()


@pytest.fixture
def clients(endpoint: LocalAws, data: Path) -> Clients:
    """aiobotocore clients pointed at the emulator (request validation optionally off)."""

    def open_client(
        name: str, *, secret_key: str | None = None, **config: Any
    ) -> AbstractAsyncContextManager[Any]:
        return botocore_client(
            data,
            name,
            endpoint.url,
            endpoint.region,
            endpoint.access_key,
            secret_key or endpoint.secret_key,
            **config,
        )

    return open_client


def code_of(error: ClientError) -> tuple[str, int]:
    return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]


async def test_sagemaker_image_versions(endpoint: LocalAws, clients: Clients) -> None:
    name = IMAGE["image_name"]
    async with clients("sagemaker") as sagemaker:
        created = await sagemaker.create_image_version(
            ImageName=name, BaseImage=IMAGE["base_image"], Aliases=["stable"], JobType="TRAINING"
        )
        assert created["ImageVersionArn"].endswith("/pytorch-train/1")
        described = await sagemaker.describe_image_version(ImageName=name, Alias="stable")
        assert described["ImageVersionStatus"] == "CREATING"
        assert isinstance(described["CreationTime"], datetime)
        endpoint.clock.advance(10)
        await sagemaker.create_image_version(ImageName=name, BaseImage=IMAGE["base_image"])
        updated = await sagemaker.update_image_version(
            ImageName=name, Version=1, ReleaseNotes="first", AliasesToAdd=["v1"]
        )
        assert updated["ImageVersionArn"] == created["ImageVersionArn"]
        paginator = sagemaker.get_paginator("list_image_versions")
        versions = [
            version["Version"]
            async for page in paginator.paginate(
                ImageName=name, SortBy="VERSION", PaginationConfig={"PageSize": 1}
            )
            for version in page["ImageVersions"]
        ]
        assert versions == [2, 1]
        with pytest.raises(sagemaker.exceptions.ResourceInUse) as in_use:
            await sagemaker.update_image_version(ImageName=name, Version=2, AliasesToAdd=["v1"])
        assert code_of(in_use.value) == ("ResourceInUse", 400)
        await sagemaker.delete_image_version(ImageName=name, Alias="v1")
        with pytest.raises(sagemaker.exceptions.ResourceNotFound) as missing:
            await sagemaker.describe_image_version(ImageName=name, Version=1)
        assert code_of(missing.value) == ("ResourceNotFound", 400)
        assert "does not exist" in missing.value.response["Error"]["Message"]
    assert endpoint.stats.created["image_version"] == 2


async def test_sagemaker_training_jobs(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("sagemaker") as sagemaker:
        created = await sagemaker.create_training_job(
            **TRAINING_REQUEST, Tags=[{"Key": "team", "Value": "ml"}]
        )
        assert created["TrainingJobArn"].endswith(":training-job/train-1")
        described = await sagemaker.describe_training_job(TrainingJobName="train-1")
        assert described["TrainingJobStatus"] == "InProgress"
        assert isinstance(described["CreationTime"], datetime)
        assert described["HyperParameters"] == TRAINING_REQUEST["HyperParameters"]
        assert described["ResourceConfig"] == TRAINING_REQUEST["ResourceConfig"]
        assert described["ModelArtifacts"]["S3ModelArtifacts"].startswith("s3://models-bucket/")
        with pytest.raises(sagemaker.exceptions.ResourceInUse) as in_use:
            await sagemaker.create_training_job(**TRAINING_REQUEST)
        assert code_of(in_use.value) == ("ResourceInUse", 400)
        endpoint.clock.advance(60)
        await sagemaker.create_training_job(**{**TRAINING_REQUEST, "TrainingJobName": "train-2"})
        await sagemaker.stop_training_job(TrainingJobName="train-2")
        endpoint.clock.advance(60)
        done = await sagemaker.describe_training_job(TrainingJobName="train-1")
        assert done["TrainingJobStatus"] == "Completed"
        assert done["TrainingStartTime"] < done["TrainingEndTime"]
        statuses = [step["Status"] for step in done["SecondaryStatusTransitions"]]
        assert statuses == ["Starting", "Training", "Completed"]
        paginator = sagemaker.get_paginator("list_training_jobs")
        listed = [
            (summary["TrainingJobName"], summary["TrainingJobStatus"])
            async for page in paginator.paginate(PaginationConfig={"PageSize": 1})
            for summary in page["TrainingJobSummaries"]
        ]
        assert listed == [("train-2", "Stopped"), ("train-1", "Completed")]
        filtered = await sagemaker.list_training_jobs(
            StatusEquals="Completed",
            NameContains="TRAIN",
            CreationTimeBefore=done["CreationTime"] + timedelta(seconds=1),
            SortBy="Name",
            SortOrder="Ascending",
        )
        [summary] = filtered["TrainingJobSummaries"]
        assert (summary["TrainingJobArn"], summary["TrainingEndTime"]) == (
            created["TrainingJobArn"],
            done["TrainingEndTime"],
        )
        with pytest.raises(ClientError) as finished:
            await sagemaker.stop_training_job(TrainingJobName="train-1")
        assert code_of(finished.value) == ("ValidationException", 400)
        with pytest.raises(sagemaker.exceptions.ResourceNotFound) as missing:
            await sagemaker.describe_training_job(TrainingJobName="nowhere")
        assert code_of(missing.value) == ("ResourceNotFound", 400)
    assert endpoint.stats.created["training_job"] == 2


async def test_a_batch_service_job_starts_a_training_job_botocore_reads(
    endpoint: LocalAws, clients: Clients
) -> None:
    async with clients("batch") as batch, clients("sagemaker") as sagemaker:
        job = await batch.submit_service_job(
            jobName="train-1",
            jobQueue="ml-queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=TRAINING_PAYLOAD,
        )
        endpoint.clock.advance(3600)
        described = await batch.describe_service_job(jobId=job["jobId"])
        arn = described["latestAttempt"]["serviceResourceId"]["value"]
        name = f"AWSBatch-train-1-{job['jobId'][:8]}"
        training = await sagemaker.describe_training_job(TrainingJobName=name)
        assert (training["TrainingJobArn"], training["TrainingJobStatus"]) == (arn, "Completed")
        assert training["RoleArn"] == TRAINING_REQUEST["RoleArn"]
        listed = await sagemaker.list_training_jobs(NameContains="awsbatch")
        assert [summary["TrainingJobName"] for summary in listed["TrainingJobSummaries"]] == [name]


async def test_batch_service_jobs(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("batch") as batch:
        submitted = await batch.submit_service_job(
            jobName="train-1",
            jobQueue="ml-queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=TRAINING_PAYLOAD,
            tags={"team": "ml"},
        )
        described = await batch.describe_service_job(jobId=submitted["jobId"])
        assert (described["status"], described["tags"]) == ("SUBMITTED", {"team": "ml"})
        assert isinstance(described["createdAt"], int)
        await batch.terminate_service_job(jobId=submitted["jobId"], reason="no longer needed")
        endpoint.clock.advance(1)  # listed newest first
        second = await batch.submit_service_job(
            jobName="train-2",
            jobQueue="ml-queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=TRAINING_PAYLOAD,
        )
        endpoint.clock.advance(60)
        paginator = batch.get_paginator("list_service_jobs")
        listed = [
            (job["jobId"], job["status"])
            async for page in paginator.paginate(
                jobQueue="ml-queue",
                filters=[{"name": "JOB_NAME", "values": ["train-*"]}],
                PaginationConfig={"PageSize": 1},
            )
            for job in page["jobSummaryList"]
        ]
        assert listed == [(second["jobId"], "SUCCEEDED"), (submitted["jobId"], "FAILED")]
        with pytest.raises(batch.exceptions.ClientException) as missing:
            await batch.describe_service_job(jobId="no-such-job")
        assert code_of(missing.value) == ("ClientException", 400)
    async with clients("batch", parameter_validation=False) as batch:
        with pytest.raises(batch.exceptions.ClientException) as invalid:
            await batch.submit_service_job(
                jobName="bad name!",
                jobQueue="ml-queue",
                serviceJobType="SAGEMAKER_TRAINING",
                serviceRequestPayload="{}",
            )
        assert "jobName" in invalid.value.response["Error"]["Message"]


async def test_batch_service_environments_queues_and_quota_shares(
    endpoint: LocalAws, clients: Clients
) -> None:
    async with clients("batch") as batch:
        await batch.create_service_environment(
            serviceEnvironmentName="training-env",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
        )
        queue = await batch.create_job_queue(
            jobQueueName="ml-queue",
            priority=1,
            jobQueueType="SAGEMAKER_TRAINING",
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "training-env"}],
        )
        endpoint.clock.advance(60)
        share = await batch.create_quota_share(
            quotaShareName="research",
            jobQueue=queue["jobQueueArn"],
            capacityLimits=[{"maxCapacity": 2, "capacityUnit": "ml.g5.xlarge"}],
            resourceSharingConfiguration={"strategy": "RESERVE"},
            preemptionConfiguration={"inSharePreemption": "ENABLED"},
        )
        endpoint.clock.advance(60)
        queues = await batch.describe_job_queues(jobQueues=["ml-queue"])
        [detail] = queues["jobQueues"]
        assert (detail["status"], detail["jobQueueType"]) == ("VALID", "SAGEMAKER_TRAINING")
        environments = batch.get_paginator("describe_service_environments")
        listed = [
            env["serviceEnvironmentName"]
            async for page in environments.paginate()
            for env in page["serviceEnvironments"]
        ]
        assert listed == ["training-env"]
        described = await batch.describe_quota_share(quotaShareArn=share["quotaShareArn"])
        assert (described["status"], described["jobQueueArn"]) == ("VALID", queue["jobQueueArn"])
        job = await batch.submit_service_job(
            jobName="train-1",
            jobQueue="ml-queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=TRAINING_PAYLOAD,
            quotaShareName="research",
        )
        updated = await batch.update_service_job(jobId=job["jobId"], schedulingPriority=9)
        assert updated["jobId"] == job["jobId"]
        ended = await batch.terminate_service_jobs(jobs=[job["jobId"]], reason="done")
        assert (ended["successful"], ended["errors"]) == ([job["jobId"]], [])
        with pytest.raises(batch.exceptions.ClientException) as refused:
            await batch.delete_job_queue(jobQueue="ml-queue")
        assert code_of(refused.value) == ("ClientException", 400)
        with pytest.raises(ClientError) as not_emulated:
            await batch.list_jobs(jobQueue="ml-queue")
        assert code_of(not_emulated.value) == ("NotImplemented", 501)
        assert "ListJobs" in not_emulated.value.response["Error"]["Message"]


async def test_datazone_notebook_runs(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("datazone") as datazone:
        started = await datazone.start_notebook_run(
            domainIdentifier=DOMAIN,
            owningProjectIdentifier=PROJECT,
            notebookIdentifier="nb1",
            parameters={"epochs": "3"},
        )
        assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert (started["status"], started["parameters"]) == ("QUEUED", {"epochs": "3"})
        assert isinstance(started["createdAt"], datetime)
        got = await datazone.get_notebook_run(domainIdentifier=DOMAIN, identifier=started["id"])
        assert got["id"] == started["id"]
        stopped = await datazone.stop_notebook_run(
            domainIdentifier=DOMAIN, identifier=started["id"]
        )
        assert stopped["status"] == "STOPPED"
        listed = await datazone.list_notebook_runs(
            domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, status="STOPPED"
        )
        assert [run["id"] for run in listed["items"]] == [started["id"]]
        with pytest.raises(datazone.exceptions.ConflictException) as conflict:
            await datazone.stop_notebook_run(domainIdentifier=DOMAIN, identifier=started["id"])
        assert code_of(conflict.value) == ("ConflictException", 409)
        with pytest.raises(datazone.exceptions.ResourceNotFoundException) as missing:
            await datazone.get_notebook_run(domainIdentifier=DOMAIN, identifier="nosuchrun")
        assert code_of(missing.value) == ("ResourceNotFoundException", 404)
    async with clients("datazone", parameter_validation=False) as datazone:
        with pytest.raises(datazone.exceptions.ValidationException) as invalid:
            await datazone.list_notebook_runs(
                domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, maxResults=500
            )
        assert code_of(invalid.value) == ("ValidationException", 400)


async def test_lookoutvision_model_packaging(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("lookoutvision") as lookoutvision:
        started = await lookoutvision.start_model_packaging_job(
            ProjectName="boards", ModelVersion="1", JobName="pkg-1", Configuration=GREENGRASS
        )
        assert started["JobName"] == "pkg-1"
        endpoint.clock.advance(60)
        described = await lookoutvision.describe_model_packaging_job(
            ProjectName="boards", JobName="pkg-1"
        )
        job = described["ModelPackagingDescription"]
        assert job["Status"] == "SUCCEEDED"
        assert job["ModelPackagingOutputDetails"]["Greengrass"]["ComponentVersion"] == "1.2.3"
        assert isinstance(job["CreationTimestamp"], datetime)
        paginator = lookoutvision.get_paginator("list_model_packaging_jobs")
        names = [
            item["JobName"]
            async for page in paginator.paginate(ProjectName="boards")
            for item in page["ModelPackagingJobs"]
        ]
        assert names == ["pkg-1"]
        with pytest.raises(lookoutvision.exceptions.ConflictException) as conflict:
            await lookoutvision.start_model_packaging_job(
                ProjectName="boards", ModelVersion="1", JobName="pkg-1", Configuration=GREENGRASS
            )
        assert conflict.value.response["ResourceType"] == "MODEL_PACKAGE_JOB"
        with pytest.raises(lookoutvision.exceptions.ResourceNotFoundException) as missing:
            await lookoutvision.describe_model_packaging_job(ProjectName="boards", JobName="nope")
        assert code_of(missing.value) == ("ResourceNotFoundException", 404)
        assert missing.value.response["ResourceId"] == "nope"
        assert "nope" in missing.value.response["Error"]["Message"]
    async with clients("lookoutvision", parameter_validation=False) as lookoutvision:
        with pytest.raises(lookoutvision.exceptions.ValidationException):
            await lookoutvision.list_model_packaging_jobs(ProjectName="boards", MaxResults=0)


async def test_botocore_client_tokens_are_idempotent(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("batch") as batch:
        job = {
            "jobName": "train-1",
            "jobQueue": "ml-queue",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "serviceRequestPayload": TRAINING_PAYLOAD,
            "clientToken": "same-token",
        }
        first = await batch.submit_service_job(**job)
        second = await batch.submit_service_job(**job)
        assert first["jobId"] == second["jobId"]
        with pytest.raises(batch.exceptions.ClientException):
            await batch.submit_service_job(**{**job, "jobName": "train-2"})
    assert endpoint.stats.created["service_job"] == 1


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("sagemaker", ("list_image_versions", {"ImageName": "x"}), "ThrottlingException", 400),
        ("batch", ("list_service_jobs", {}), "TooManyRequestsException", 429),
    ],
)
async def test_botocore_retries_the_throttling_answers(
    endpoint: LocalAws,
    clients: Clients,
    service: str,
    call: tuple[str, dict[str, Any]],
    code: str,
    status: int,
) -> None:
    endpoint.state.create_image("x")
    endpoint.faults.inject("throttle")
    async with clients(service) as client:
        response = await getattr(client, call[0])(**call[1])
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert endpoint.stats.errors == {code: 1}
    endpoint.faults.inject("throttle")
    async with clients(service, retries={"max_attempts": 0}) as client:
        with pytest.raises(ClientError) as caught:
            await getattr(client, call[0])(**call[1])
    assert code_of(caught.value) == (code, status)


async def test_botocore_signatures_are_checked(endpoint: LocalAws, clients: Clients) -> None:
    async with clients("datazone", secret_key="wrong") as datazone:
        with pytest.raises(ClientError) as caught:
            await datazone.get_notebook_run(domainIdentifier=DOMAIN, identifier="run1")
    assert code_of(caught.value) == ("InvalidSignatureException", 403)
    async with clients("sagemaker", secret_key="wrong") as sagemaker:
        with pytest.raises(ClientError) as caught:
            await sagemaker.list_image_versions(ImageName="x")
    # awsJson front ends answer a bad signature with 400, restJson ones with 403, as AWS does.
    assert code_of(caught.value) == ("InvalidSignatureException", 400)
    assert json.dumps(caught.value.response)  # a plain, serializable error response
