"""Resources are one account's in one region, as in AWS, and a Batch job goes by its id or
its ARN: driven by boto3, as a user's code drives the emulator from a shell (any credentials,
any region), and by this library's session."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from local_support import FAST, GREENGRASS, IMAGE, TRAINING_PAYLOAD, TRAINING_REQUEST
from support import botocore_data

from aws_mlops_async.local import LocalAws, LocalState

pytestmark = pytest.mark.timeout(60)

TEAM_B = "210987654321"
SUBMIT: dict[str, Any] = {
    "jobName": "train-1",
    "jobQueue": "ml-queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": TRAINING_PAYLOAD,
}

Clients = Callable[..., Any]


# A service job of these tests, once running, runs on while the test does: a job updated or
# terminated by its ARN is still running when the call arrives (with FAST's 0.05 s phases a
# job ended 0.15 s after its submission, and a loaded machine's boto3 calls found it
# SUCCEEDED, no longer updatable). Queues and environments still become VALID as fast.
STILL = dataclasses.replace(FAST, service_job_running=600.0)


@pytest.fixture
async def anywhere() -> AsyncIterator[LocalAws]:
    """The emulator as the shell runs it: any credentials, any region; key ``team-b`` is
    account 210987654321's."""
    async with LocalAws(
        durations=STILL, seed=2, verify_signatures=False, accounts={"team-b": TEAM_B}
    ) as running:
        yield running


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A botocore data directory with the models botocore dropped (Lookout for Vision's)."""
    return botocore_data(tmp_path_factory.mktemp("botocore-data"))


@pytest.fixture
def clients(anywhere: LocalAws, data: Path) -> Clients:
    """boto3 clients of the emulator, for a region and an access key."""

    def client(service: str, region: str = "us-east-1", key: str = "test") -> Any:
        botocore_session = botocore.session.get_session()
        botocore_session.get_component("data_loader").search_paths.insert(0, str(data))
        return boto3.Session(botocore_session=botocore_session).client(
            service,
            region_name=region,
            endpoint_url=anywhere.url,
            aws_access_key_id=key,
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}),
        )

    return client


async def call(client: Any, operation: str, **parameters: Any) -> Any:
    return await asyncio.to_thread(getattr(client, operation), **parameters)


async def refused(client: Any, operation: str, **parameters: Any) -> tuple[str, int, str]:
    """The code, status and message of the error ``operation`` is answered with."""
    with pytest.raises(ClientError) as caught:
        await call(client, operation, **parameters)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def elsewhere(arn: str, region: str | None = None, account: str | None = None) -> str:
    """``arn`` with its region or account changed."""
    parts = arn.split(":")
    parts[3] = region or parts[3]
    parts[4] = account or parts[4]
    return ":".join(parts)


# ---- a service job goes by its ARN where the API says job id --------------------------------


async def test_a_service_jobs_arn_goes_wherever_its_id_does(
    anywhere: LocalAws, clients: Clients
) -> None:
    batch = clients("batch", "eu-central-1")
    first = await call(batch, "submit_service_job", **SUBMIT)
    second = await call(batch, "submit_service_job", **{**SUBMIT, "jobName": "train-2"})
    arn = first["jobArn"]
    described = await call(batch, "describe_service_job", jobId=arn)
    assert (described["jobId"], described["jobArn"]) == (first["jobId"], arn)
    updated = await call(batch, "update_service_job", jobId=arn, schedulingPriority=7)
    assert (updated["jobId"], updated["jobArn"]) == (first["jobId"], arn)
    await call(batch, "terminate_service_job", jobId=arn, reason="by its ARN")
    ended = await call(batch, "terminate_service_jobs", jobs=[second["jobArn"]], reason="both")
    assert ended["successful"] == [second["jobArn"]]
    for job, reason in ((first, "by its ARN"), (second, "both")):
        after = await call(batch, "describe_service_job", jobId=job["jobId"])
        assert (after["status"], after["statusReason"], after["isTerminated"]) == (
            "FAILED",
            reason,
            True,
        )
    assert (await call(batch, "describe_service_job", jobId=arn))["schedulingPriority"] == 7


async def test_the_library_session_takes_the_arn_too(anywhere: LocalAws) -> None:
    async with anywhere.session() as session:
        job = await session.batch.submit_service_job(
            job_name="train-1",
            job_queue="ml-queue",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload=TRAINING_PAYLOAD,
        )
        assert job.job_arn is not None
        described = await session.batch.describe_service_job(job_id=job.job_arn)
        assert described.job_id == job.job_id


async def test_an_arn_of_another_region_account_or_resource_names_no_job(
    anywhere: LocalAws, clients: Clients
) -> None:
    batch = clients("batch", "eu-central-1")
    job = await call(batch, "submit_service_job", **SUBMIT)
    queue_arn = job["jobArn"].replace(f"service-job/{job['jobId']}", f"job-queue/{job['jobId']}")
    for wrong in (
        elsewhere(job["jobArn"], region="eu-west-1"),
        elsewhere(job["jobArn"], account=TEAM_B),
        elsewhere(job["jobArn"]).replace(":batch:", ":sagemaker:"),
        queue_arn,
    ):
        code, status, message = await refused(batch, "describe_service_job", jobId=wrong)
        assert (code, status) == ("ClientException", 400)
        assert message == f"Service job {wrong} does not exist."
        code, status, _ = await refused(
            batch, "update_service_job", jobId=wrong, schedulingPriority=1
        )
        assert (code, status) == ("ClientException", 400)
        code, status, _ = await refused(batch, "terminate_service_job", jobId=wrong, reason="x")
        assert (code, status) == ("ClientException", 400)
    described = await call(batch, "describe_service_job", jobId=job["jobId"])
    assert (described["status"], described["isTerminated"]) != ("FAILED", True)


# ---- resources are separate per region -------------------------------------------------------


async def test_a_job_submitted_in_one_region_is_not_in_another(
    anywhere: LocalAws, clients: Clients
) -> None:
    frankfurt, virginia = clients("batch", "eu-central-1"), clients("batch", "us-east-1")
    job = await call(frankfurt, "submit_service_job", **SUBMIT)
    assert job["jobArn"].startswith("arn:aws:batch:eu-central-1:123456789012:service-job/")
    code, _, _ = await refused(virginia, "describe_service_job", jobId=job["jobId"])
    assert code == "ClientException"
    code, _, _ = await refused(virginia, "terminate_service_job", jobId=job["jobId"], reason="x")
    assert code == "ClientException"
    for region, client in (("eu-central-1", frankfurt), ("us-east-1", virginia)):
        listed = await call(
            client, "list_service_jobs", filters=[{"name": "JOB_NAME", "values": ["train-1"]}]
        )
        expected = [job["jobArn"]] if region == "eu-central-1" else []
        assert [summary["jobArn"] for summary in listed["jobSummaryList"]] == expected
    anywhere.clock.advance(3600)
    described = await call(frankfurt, "describe_service_job", jobId=job["jobId"])
    assert described["jobArn"] == job["jobArn"]
    assert described["jobQueue"] == "arn:aws:batch:eu-central-1:123456789012:job-queue/ml-queue"
    training_arn = described["latestAttempt"]["serviceResourceId"]["value"]
    assert training_arn.startswith("arn:aws:sagemaker:eu-central-1:123456789012:training-job/")
    name = training_arn.rsplit("/", 1)[1]
    in_frankfurt = clients("sagemaker", "eu-central-1")
    training = await call(in_frankfurt, "describe_training_job", TrainingJobName=name)
    assert (training["TrainingJobArn"], training["TrainingJobStatus"]) == (
        training_arn,
        "Completed",
    )
    code, _, _ = await refused(
        clients("sagemaker", "us-east-1"), "describe_training_job", TrainingJobName=name
    )
    assert code == "ResourceNotFound"
    assert set(anywhere.state.regions) == {
        ("123456789012", "eu-central-1"),
        ("123456789012", "us-east-1"),
    }
    assert anywhere.state.service_jobs == {}  # the emulator's own region holds nothing
    assert list(anywhere.state.store(region="eu-central-1").service_jobs) == [job["jobId"]]


async def test_every_service_keeps_its_resources_per_region(
    anywhere: LocalAws, clients: Clients
) -> None:
    for region in ("eu-central-1", "ap-south-1"):
        sagemaker = clients("sagemaker", region)
        # A name is unique within an account's region: both regions take it.
        created = await call(sagemaker, "create_training_job", **TRAINING_REQUEST)
        assert created["TrainingJobArn"] == (
            f"arn:aws:sagemaker:{region}:123456789012:training-job/train-1"
        )
        version = await call(
            sagemaker, "create_image_version", ImageName=IMAGE["image_name"], BaseImage="b:1"
        )
        assert version["ImageVersionArn"].endswith(
            f"{region}:123456789012:image-version/pytorch-train/1"
        )
        datazone = clients("datazone", region)
        run = await call(
            datazone,
            "start_notebook_run",
            domainIdentifier="dzd_test123",
            owningProjectIdentifier="prj1",
            notebookIdentifier="nb1",
        )
        lookoutvision = clients("lookoutvision", region)
        await call(
            lookoutvision,
            "start_model_packaging_job",
            ProjectName="boards",
            ModelVersion="1",
            JobName=f"pkg-{region}",
            Configuration=GREENGRASS,
        )
    # What the last region made is not in the first.
    sagemaker, datazone = clients("sagemaker", "eu-central-1"), clients("datazone", "eu-central-1")
    listed = await call(sagemaker, "list_training_jobs")
    assert [job["TrainingJobArn"].split(":")[3] for job in listed["TrainingJobSummaries"]] == [
        "eu-central-1"
    ]
    versions = await call(sagemaker, "list_image_versions", ImageName=IMAGE["image_name"])
    assert len(versions["ImageVersions"]) == 1
    code, _, _ = await refused(
        datazone, "get_notebook_run", domainIdentifier="dzd_test123", identifier=run["id"]
    )
    assert code == "ResourceNotFoundException"
    packages = await call(
        clients("lookoutvision", "eu-central-1"), "list_model_packaging_jobs", ProjectName="boards"
    )
    assert [job["JobName"] for job in packages["ModelPackagingJobs"]] == ["pkg-eu-central-1"]


async def test_batch_resources_are_per_region_and_an_arn_of_another_is_no_queue(
    anywhere: LocalAws, clients: Clients
) -> None:
    frankfurt, virginia = clients("batch", "eu-central-1"), clients("batch", "us-east-1")
    await call(
        frankfurt,
        "create_service_environment",
        serviceEnvironmentName="training-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
    )
    queue = await call(
        frankfurt,
        "create_job_queue",
        jobQueueName="ml-queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "training-env"}],
    )
    assert queue["jobQueueArn"] == "arn:aws:batch:eu-central-1:123456789012:job-queue/ml-queue"
    anywhere.clock.advance(60)
    assert (await call(virginia, "describe_job_queues"))["jobQueues"] == []
    found = await call(virginia, "describe_job_queues", jobQueues=[queue["jobQueueArn"]])
    assert found["jobQueues"] == []
    found = await call(frankfurt, "describe_job_queues", jobQueues=[queue["jobQueueArn"]])
    assert [q["jobQueueArn"] for q in found["jobQueues"]] == [queue["jobQueueArn"]]
    # The same name in another region is another queue: none there yet.
    code, _, message = await refused(
        virginia, "update_job_queue", jobQueue=queue["jobQueueArn"], state="DISABLED"
    )
    assert (code, message) == (
        "ClientException",
        f"Job queue {queue['jobQueueArn']} does not exist.",
    )
    # Quick starts take any queue name, but never a queue ARN of another region or account.
    code, _, message = await refused(
        virginia, "submit_service_job", **{**SUBMIT, "jobQueue": queue["jobQueueArn"]}
    )
    assert (code, message) == (
        "ClientException",
        f"Job queue {queue['jobQueueArn']} does not exist.",
    )
    other_account = elsewhere(queue["jobQueueArn"], account=TEAM_B)
    code, _, _ = await refused(
        frankfurt, "submit_service_job", **{**SUBMIT, "jobQueue": other_account}
    )
    assert code == "ClientException"
    taken = await call(
        frankfurt, "submit_service_job", **{**SUBMIT, "jobQueue": queue["jobQueueArn"]}
    )
    assert taken["jobArn"].split(":")[3] == "eu-central-1"


async def test_client_tokens_are_per_region(anywhere: LocalAws, clients: Clients) -> None:
    token = {**SUBMIT, "clientToken": "nightly-1"}
    first = await call(clients("batch", "eu-central-1"), "submit_service_job", **token)
    again = await call(clients("batch", "eu-central-1"), "submit_service_job", **token)
    other = await call(clients("batch", "eu-west-1"), "submit_service_job", **token)
    assert again["jobId"] == first["jobId"] != other["jobId"]
    assert other["jobArn"].split(":")[3] == "eu-west-1"
    assert anywhere.stats.created["service_job"] == 2


async def test_a_scope_that_names_no_region_is_refused(
    anywhere: LocalAws, clients: Clients
) -> None:
    code, status, message = await refused(
        clients("batch", "US-EAST-1"), "list_service_jobs", jobQueue="q"
    )
    assert (code, status) == ("InvalidSignatureException", 403)
    assert message == "Credential should be scoped to a valid region."
    code, status, _ = await refused(clients("sagemaker", "US-EAST-1"), "list_training_jobs")
    assert (code, status) == ("InvalidSignatureException", 400)


# ---- and per account, where access keys map to accounts --------------------------------------


async def test_access_keys_mapped_to_accounts_see_their_own(
    anywhere: LocalAws, clients: Clients
) -> None:
    mine, theirs = clients("batch", "eu-central-1"), clients("batch", "eu-central-1", "team-b")
    job = await call(theirs, "submit_service_job", **SUBMIT)
    assert job["jobArn"].startswith(f"arn:aws:batch:eu-central-1:{TEAM_B}:service-job/")
    assert (await call(theirs, "describe_service_job", jobId=job["jobArn"]))["jobId"] == job[
        "jobId"
    ]
    for reference in (job["jobId"], job["jobArn"]):
        code, _, _ = await refused(mine, "describe_service_job", jobId=reference)
        assert code == "ClientException"
    listed = await call(mine, "list_service_jobs", filters=[{"name": "JOB_NAME", "values": ["*"]}])
    assert listed["jobSummaryList"] == []
    assert anywhere.state.store(TEAM_B, "eu-central-1").service_jobs.keys() == {job["jobId"]}


async def test_checked_signatures_map_each_key_to_its_account() -> None:
    credentials = {"AKIDA": "secret-a", "AKIDB": "secret-b"}
    async with (
        LocalAws(durations=FAST, credentials=credentials, accounts={"AKIDB": TEAM_B}) as endpoint,
        endpoint.session() as team_a,
        endpoint.session(aws_access_key_id="AKIDB", aws_secret_access_key="secret-b") as team_b,
    ):
        job = await team_b.batch.submit_service_job(
            job_name="j",
            job_queue="q",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload="{}",
        )
        assert job.job_arn is not None and f":{TEAM_B}:" in job.job_arn
        listed = await team_a.batch.list_service_jobs(
            filters=[{"name": "JOB_NAME", "values": ["*"]}]
        )
        assert listed.job_summary_list == []
        assert (await team_b.batch.describe_service_job(job_id=job.job_arn)).job_id == job.job_id


@pytest.mark.parametrize(
    "account", ["12345", "1234567890123", "abcdefghijkl", "１２３４５６７８９０１２"]
)
def test_an_account_id_is_12_digits(account: str) -> None:
    with pytest.raises(ValueError, match="is 12 digits"):
        LocalAws(accounts={"AKID": account})
    with pytest.raises(ValueError, match="is 12 digits"):
        LocalAws(account_id=account)
    with pytest.raises(ValueError, match="is 12 digits"):
        LocalAws(accounts={"AKID": int("123456789012")})  # type: ignore[dict-item]


# ---- a snapshot keeps each account's regions ------------------------------------------------


async def test_a_snapshot_round_trips_every_accounts_regions(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    options: dict[str, Any] = {
        "durations": FAST,
        "verify_signatures": False,
        "accounts": {"team-b": TEAM_B},
        "snapshot": path,
    }
    jobs: dict[tuple[str, str], dict[str, Any]] = {}
    async with LocalAws(**options) as endpoint:
        for region, key in (
            ("eu-central-1", "test"),
            ("us-west-2", "team-b"),
            ("us-east-1", "test"),
        ):
            batch = boto3.client(
                "batch",
                region_name=region,
                endpoint_url=endpoint.url,
                aws_access_key_id=key,
                aws_secret_access_key="test",
            )
            job = await call(batch, "submit_service_job", **{**SUBMIT, "clientToken": "t"})
            jobs[(region, key)] = job
    saved = json.loads(path.read_text())
    assert [(item["account_id"], item["region"]) for item in saved["regions"]] == [
        ("123456789012", "eu-central-1"),
        ("123456789012", "us-east-1"),
        (TEAM_B, "us-west-2"),
    ]
    async with LocalAws(**options) as endpoint:
        assert json.loads(json.dumps(endpoint.state.snapshot()))["regions"] == saved["regions"]
        for (region, key), job in jobs.items():
            batch = boto3.client(
                "batch",
                region_name=region,
                endpoint_url=endpoint.url,
                aws_access_key_id=key,
                aws_secret_access_key="test",
            )
            described = await call(batch, "describe_service_job", jobId=job["jobArn"])
            assert described["jobArn"] == job["jobArn"]
            again = await call(batch, "submit_service_job", **{**SUBMIT, "clientToken": "t"})
            assert again["jobId"] == job["jobId"]  # the token kept in its account's region
            other_key = "team-b" if key == "test" else "test"
            stranger = boto3.client(
                "batch",
                region_name=region,
                endpoint_url=endpoint.url,
                aws_access_key_id=other_key,
                aws_secret_access_key="test",
            )
            code, _, _ = await refused(stranger, "describe_service_job", jobId=job["jobId"])
            assert code == "ClientException"
        assert "service_job" not in endpoint.stats.created


async def test_a_snapshot_of_an_earlier_release_loads_into_the_emulators_own_region() -> None:
    single = {
        "format": "aws_mlops_async.local/1",
        "clock_offset": 5.0,
        "images": [{"name": "img", "created": 1.0, "versions": []}],
        "service_jobs": [],
        "notebook_runs": [],
        "packaging_jobs": [],
        "tokens": [],
    }
    state = LocalState(region="eu-west-1", account_id=TEAM_B)
    state.restore(single)
    assert set(state.regions) == {(TEAM_B, "eu-west-1")}
    assert list(state.images) == ["img"]
    assert state.clock.offset == 5.0
    async with LocalAws(region="eu-west-1") as endpoint:
        endpoint.state.restore(single)
        async with endpoint.session() as session:
            listed = await session.sagemaker.list_image_versions(image_name="img")
        assert listed.image_versions == []


async def test_the_store_hooks_and_helpers_name_their_region() -> None:
    state = LocalState(region="eu-west-1")
    state.create_image("mine")
    state.create_image("theirs", account_id=TEAM_B, region="us-east-1")
    assert list(state.images) == ["mine"]
    assert list(state.store(TEAM_B, "us-east-1").images) == ["theirs"]
    assert "regions=2" in repr(state)
    state.clear()
    assert state.regions == {} and state.images == {}
