"""SigV4 verification: what our client sees when the keys, scope or date are wrong."""

from __future__ import annotations

import dataclasses

import pytest
from local_support import CREATING_CALLS, JOB, create, raw_request

from aws_mlops_async import Config, ServiceError
from aws_mlops_async._session_clients import client_class
from aws_mlops_async.local import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, LocalAws
from aws_mlops_async.services.batch.client import BatchClient


def test_the_default_keys_are_constants() -> None:
    assert (DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY) == ("AKIDLOCAL", "local-secret")


@pytest.mark.parametrize("service", list(CREATING_CALLS))
async def test_a_wrong_secret_key_is_an_invalid_signature(endpoint: LocalAws, service: str) -> None:
    async with endpoint.session(aws_secret_access_key="not-the-secret") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, service)
    error = caught.value
    assert isinstance(error, session.client(service).exceptions.base)
    # awsJson front ends answer authentication failures with 400, restJson ones with 403.
    status = 400 if client_class(service).service.protocol == "json" else 403
    assert (error.code, error.status_code) == ("InvalidSignatureException", status)
    assert error.attempts == 1
    assert error.message.startswith("The request signature we calculated does not match")
    assert error.request_id
    assert sum(endpoint.stats.created.values()) == 0


async def test_an_unknown_access_key_is_an_unrecognized_client(endpoint: LocalAws) -> None:
    async with endpoint.session(aws_access_key_id="AKIDUNKNOWN") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, "batch")
    assert (caught.value.code, caught.value.status_code) == ("UnrecognizedClientException", 403)
    assert caught.value.message == "The security token included in the request is invalid."


async def test_other_credentials_can_be_accepted() -> None:
    keys = {"AKIDONE": "secret-one", "AKIDTWO": "secret-two"}
    async with LocalAws(credentials=keys, region="eu-west-1") as endpoint:
        async with endpoint.session() as session:
            await create(session, "datazone")
        async with endpoint.session(
            aws_access_key_id="AKIDTWO", aws_secret_access_key="secret-two"
        ) as session:
            await create(session, "datazone")
        async with endpoint.session(
            aws_access_key_id=DEFAULT_ACCESS_KEY, aws_secret_access_key=DEFAULT_SECRET_KEY
        ) as session:
            with pytest.raises(ServiceError, match="UnrecognizedClientException"):
                await create(session, "datazone")
    assert endpoint.stats.created["notebook_run"] == 2


async def test_a_credential_scoped_to_another_region_is_rejected(endpoint: LocalAws) -> None:
    async with endpoint.session(region_name="eu-west-1") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, "sagemaker")
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 400)
    assert "scoped to a valid region, not 'eu-west-1'" in caught.value.message


async def test_a_credential_scoped_to_another_service_is_rejected(endpoint: LocalAws) -> None:
    class MisScopedBatch(BatchClient):
        service = dataclasses.replace(BatchClient.service, signing_name="datazone")

    async with endpoint.session() as session:
        with pytest.raises(ServiceError) as caught:
            await MisScopedBatch(session).submit_service_job(**JOB)
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 403)
    assert caught.value.message == "Credential should be scoped to correct service: 'batch'. "
    assert isinstance(caught.value, BatchClient.exceptions.base)  # Batch's shape, not DataZone's


@pytest.mark.parametrize(
    ("offset", "phrase"), [(600, "Signature expired"), (-600, "not yet current")]
)
async def test_a_stale_date_is_rejected(offset: float, phrase: str) -> None:
    async with (
        LocalAws(clock_offset=offset) as endpoint,
        endpoint.session(config=Config(correct_clock_skew=False)) as session,
    ):
        with pytest.raises(ServiceError) as caught:
            await create(session, "lookoutvision")
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 403)
    assert phrase in caught.value.message


async def test_a_small_skew_is_accepted() -> None:
    async with LocalAws(clock_offset=240) as endpoint, endpoint.session() as session:
        await create(session, "sagemaker")
    assert endpoint.stats.received["CreateImageVersion"] == 1
    assert session.clock_offset == 0.0


async def test_unsigned_and_malformed_requests(endpoint: LocalAws) -> None:
    path = "/v1/describeservicejob"
    status, headers, body = await raw_request(
        endpoint, "batch", "POST", path, body=b'{"jobId": "x"}', sign=False
    )
    assert (status, headers["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")
    assert body == {"message": "Missing Authentication Token"}
    assert headers["x-amzn-RequestId"]
    status, headers, body = await raw_request(
        endpoint,
        "batch",
        "POST",
        path,
        body=b"{}",
        sign=False,
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDLOCAL"},
    )
    assert (status, headers["x-amzn-ErrorType"]) == (403, "IncompleteSignatureException")
    status, _, body = await raw_request(
        endpoint,
        "sagemaker",
        "POST",
        "/",
        body=b"{}",
        headers={"X-Amz-Target": "SageMaker.ListImageVersions"},
        secret_key="wrong",
    )
    assert status == 400 and body["__type"] == "InvalidSignatureException"


async def test_signatures_need_not_be_checked() -> None:
    async with LocalAws(verify_signatures=False) as endpoint:
        status, _, body = await raw_request(
            endpoint,
            "sagemaker",
            "POST",
            "/",
            body=b'{"ImageName": "nope"}',
            headers={
                "X-Amz-Target": "SageMaker.DescribeImageVersion",
                "Content-Type": "application/x-amz-json-1.1",
            },
            sign=False,
        )
    assert (status, body["__type"]) == (400, "ResourceNotFound")
