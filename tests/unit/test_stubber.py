"""`aws_mlops_async.testing.Stubber`: a user's offline unit test, no network, no emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from aws_mlops_async import Session, ValidationError
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.services.sagemaker.models import DescribeImageVersionResponse
from aws_mlops_async.testing import (
    StubAssertionError,
    Stubber,
    StubResponseError,
    UnStubbedResponseError,
)
from aws_mlops_async.transport import MockTransport

pytestmark = pytest.mark.timeout(30)

DESCRIBED = {
    "jobId": "j",
    "jobName": "train-1",
    "jobQueue": "ml-queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "startedAt": 1_700_000_000_000,
    "status": "RUNNING",
}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}


@pytest.fixture
async def session() -> AsyncIterator[Session]:
    # Never reached: a stubbed client sends nothing, and other services fail loudly here.
    def no_network(request: Any) -> HttpResponse:
        raise AssertionError(f"{request.operation} reached the network")

    async with Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        transport=MockTransport(no_network),
    ) as opened:
        yield opened


async def test_a_stubbed_response_is_read_through_the_real_path(session: Session) -> None:
    with Stubber(session.batch) as stub:
        stub.add_response(
            "submit_service_job",
            {"job_name": "train-1", "job_id": "j-1", "jobArn": "arn:aws:batch:::job/j-1"},
            expected_params=JOB,  # the token the call filled in is not compared
        )
        job = await session.batch.submit_service_job(**JOB)
        stub.assert_no_pending_responses()
    assert (job.job_id, job.job_arn) == ("j-1", "arn:aws:batch:::job/j-1")
    assert job.response_metadata.http_status_code == 200
    assert job.response_metadata.request_id.startswith("stubbed-")


async def test_other_parameters_than_expected_fail_the_test(session: Session) -> None:
    with Stubber(session.batch) as stub:
        stub.add_response("submit_service_job", {"jobName": "t", "jobId": "j"}, JOB)
        with pytest.raises(StubAssertionError, match="other parameters than expected"):
            await session.batch.submit_service_job(**{**JOB, "job_queue": "other-queue"})


async def test_a_given_token_is_compared(session: Session) -> None:
    with Stubber(session.batch) as stub:
        stub.add_response(
            "submit_service_job", {"jobName": "t", "jobId": "j"}, {**JOB, "client_token": "a"}
        )
        with pytest.raises(StubAssertionError):
            await session.batch.submit_service_job(**JOB, client_token="b")


async def test_a_client_error_raises_the_modeled_exception(session: Session) -> None:
    batch = session.batch
    with Stubber(batch) as stub:
        stub.add_client_error(
            "describe_service_job", "ClientException", "no such job", 400, {"job_id": "j"}
        )
        with pytest.raises(batch.exceptions.ClientException) as caught:
            await batch.describe_service_job(job_id="j")
    assert (caught.value.message, caught.value.status_code) == ("no such job", 400)
    assert caught.value.attempts == 1  # a 400 is not retried


async def test_a_throttling_error_is_retried_as_a_real_one_would_be(session: Session) -> None:
    sagemaker = session.sagemaker
    with Stubber(sagemaker) as stub:
        stub.add_client_error("describe_image_version", "ThrottlingException", "slow", 400)
        stub.add_response(
            "describe_image_version",
            DescribeImageVersionResponse.model_validate({"Version": 3}),
        )
        version = await sagemaker.with_options(max_attempts=2).describe_image_version(
            image_name="img"
        )
        stub.assert_no_pending_responses()
    assert version.version == 3
    assert version.response_metadata.attempts == 2


async def test_an_unknown_member_or_method_is_refused_when_stubbed(session: Session) -> None:
    stub = Stubber(session.batch)
    with pytest.raises(ValidationError) as caught:  # every problem at once
        stub.add_response("submit_service_job", {"jobName": "t", "jobIdd": "j"})
    assert set(caught.value.fields) == {"jobIdd", "job_id"}
    with pytest.raises(ValidationError, match=r"latestAttempt\.serviceResourceId\.nme"):
        stub.add_response(
            "describe_service_job",
            {**DESCRIBED, "latestAttempt": {"serviceResourceId": {"nme": "x", "value": "y"}}},
        )
    with pytest.raises(ValidationError, match="job_id: Field required"):
        stub.add_response("submit_service_job", {"jobName": "t"})
    with pytest.raises(ValueError, match="has no operation 'submit_job_please'"):
        stub.add_response("submit_job_please", {})


async def test_the_wrong_operation_and_no_answer_left_fail_the_test(session: Session) -> None:
    with Stubber(session.batch) as stub:
        stub.add_response("describe_service_job", DESCRIBED)
        with pytest.raises(StubResponseError, match="Operation mismatch"):
            await session.batch.submit_service_job(**JOB)
        with pytest.raises(UnStubbedResponseError):
            await session.batch.submit_service_job(**JOB)


async def test_pending_answers_fail_the_assertion(session: Session) -> None:
    stub = Stubber(session.batch)
    stub.add_response("describe_service_job", DESCRIBED)
    with pytest.raises(StubAssertionError, match="1 stubbed answer"):
        stub.assert_no_pending_responses()


async def test_other_services_pass_through_and_deactivation_restores(session: Session) -> None:
    underneath = session.transport
    with Stubber(session.batch):
        assert session.transport is not underneath
        with pytest.raises(AssertionError, match="DescribeImageVersion reached the network"):
            await session.sagemaker.describe_image_version(image_name="img")
    assert session.transport is underneath


async def test_response_headers_stubbed_reach_the_metadata(session: Session) -> None:
    with Stubber(session.batch) as stub:
        stub.add_client_error(
            "describe_service_job", "ServerException", "", 500, response_meta={"x-amz-id-2": "e"}
        )
        with pytest.raises(session.batch.exceptions.ServerException) as caught:
            await session.batch.with_options(max_attempts=1).describe_service_job(job_id="j")
    metadata = caught.value.response_metadata
    assert metadata is not None and metadata.extended_request_id == "e"
    assert metadata.http_headers["X-AMZ-ID-2"] == "e"
