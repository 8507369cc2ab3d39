"""What each protocol puts on the wire and how answers are read, with HTTP mocked (aioresponses)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

from aws_mlops_async import (
    MalformedResponseError,
    ServiceError,
    Session,
    ValidationError,
)

SECRET_KEY = "wJalrXUtnFEMI-VERY-SECRET-KEY"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN"


@pytest.fixture
async def session() -> AsyncIterator[Session]:
    async with Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
    ) as opened:
        yield opened


def only_request(mock: aioresponses) -> tuple[str, URL, dict[str, Any]]:
    calls = [
        (method, url, call.kwargs)
        for (method, url), items in mock.requests.items()
        for call in items
    ]
    assert len(calls) == 1, calls
    return calls[0]


async def test_awsjson_posts_to_root_with_target_and_wire_names(
    aws_mock: aioresponses, session: Session
) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:image-version/img/7"
    aws_mock.post(
        "https://api.sagemaker.us-east-1.amazonaws.com/", payload={"ImageVersionArn": arn}
    )
    response = await session.sagemaker.update_image_version(
        image_name="img",
        version=7,
        aliases_to_add=["stable"],
        ml_framework="PyTorch 2.3",
        horovod=True,
        job_type="TRAINING",
        release_notes="faster",
    )
    method, url, sent = only_request(aws_mock)
    headers = sent["headers"]
    assert response.image_version_arn == arn
    assert (method, str(url)) == ("POST", "https://api.sagemaker.us-east-1.amazonaws.com/")
    assert headers["X-Amz-Target"] == "SageMaker.UpdateImageVersion"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["Host"] == "api.sagemaker.us-east-1.amazonaws.com"
    assert headers["X-Amz-Security-Token"] == SESSION_TOKEN
    assert "/us-east-1/sagemaker/aws4_request" in headers["Authorization"]
    assert json.loads(sent["data"]) == {
        "ImageName": "img",
        "Version": 7,
        "AliasesToAdd": ["stable"],
        "MLFramework": "PyTorch 2.3",
        "Horovod": True,
        "JobType": "TRAINING",
        "ReleaseNotes": "faster",
    }


async def test_awsjson_timestamps_travel_as_epoch_seconds(
    aws_mock: aioresponses, session: Session
) -> None:
    aws_mock.post(
        "https://api.sagemaker.us-east-1.amazonaws.com/",
        payload={
            "ImageVersions": [
                {
                    "CreationTime": 1700000000.25,
                    "LastModifiedTime": 1700000001,
                    "ImageArn": "a",
                    "ImageVersionArn": "b",
                    "ImageVersionStatus": "CREATED",
                    "Version": 1,
                }
            ]
        },
    )
    page = await session.sagemaker.list_image_versions(
        image_name="img",
        creation_time_after=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        creation_time_before=datetime(2024, 1, 2, 3, 4, 5, 500000),  # naive: taken as UTC
    )
    _, _, sent = only_request(aws_mock)
    body = json.loads(sent["data"])
    assert body["CreationTimeAfter"] == 1704164645
    assert body["CreationTimeBefore"] == 1704164645.5
    item = (page.image_versions or [])[0]
    assert item.creation_time == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=timezone.utc)
    assert item.last_modified_time.tzinfo is not None


async def test_restjson_binds_path_query_and_body_and_reads_the_modeled_status(
    aws_mock: aioresponses, session: Session
) -> None:
    run = {
        "id": "run-1",
        "domainId": "dzd_abc",
        "owningProjectId": "proj",
        "notebookId": "nb",
        "status": "QUEUED",
        "parameters": {"lr": "0.1"},
    }
    aws_mock.post(
        "https://datazone.us-east-1.api.aws/v2/domains/dzd_abc/notebook-runs",
        payload=run,
        status=201,
    )
    started = await session.datazone.start_notebook_run(
        domain_identifier="dzd_abc",
        owning_project_identifier="proj",
        notebook_identifier="nb",
        parameters={"lr": "0.1"},
        metadata={"owner": "ml-team"},
        timeout_configuration={"runTimeoutInMinutes": 90},
    )
    _, _, sent = only_request(aws_mock)
    body = json.loads(sent["data"])
    assert started.status == "QUEUED"
    assert started.parameters is not None and started.parameters.get_secret_value() == {"lr": "0.1"}
    assert "domainIdentifier" not in body  # bound to the path
    assert body["parameters"] == {"lr": "0.1"}  # in clear on the wire only
    assert body["metadata"] == {"owner": "ml-team"}
    assert body["timeoutConfiguration"] == {"runTimeoutInMinutes": 90}
    assert len(body["clientToken"]) == 36
    assert sent["headers"]["Content-Type"] == "application/json"


async def test_restjson_get_puts_members_in_a_sorted_query_and_sends_no_body(
    aws_mock: aioresponses, session: Session
) -> None:
    aws_mock.get(re.compile(r"https://datazone\.us-east-1\.api\.aws/.*"), payload={"items": []})
    await session.datazone.list_notebook_runs(
        domain_identifier="dzd_abc",
        owning_project_identifier="proj_1",
        status="RUNNING",
        sort_order="DESCENDING",
        max_results=5,
    )
    method, url, sent = only_request(aws_mock)
    assert method == "GET"
    assert url.raw_path == "/v2/domains/dzd_abc/notebook-runs"
    assert url.raw_query_string == (
        "maxResults=5&owningProjectIdentifier=proj_1&sortOrder=DESCENDING&status=RUNNING"
    )
    assert sent["data"] is None
    assert "Content-Type" not in sent["headers"]


async def test_restjson_header_bound_token_and_encoded_path_label(
    aws_mock: aioresponses, session: Session
) -> None:
    aws_mock.post(
        "https://lookoutvision.us-east-1.amazonaws.com/2020-11-20/projects/my-project/modelpackagingjobs",
        payload={"JobName": "pkg-1"},
    )
    configuration = {
        "Greengrass": {
            "ComponentName": "detector",
            "S3OutputLocation": {"Bucket": "my-bucket", "Prefix": "out/"},
            "TargetDevice": "jetson_xavier",
        }
    }
    response = await session.lookoutvision.start_model_packaging_job(
        project_name="my-project",
        model_version="1",
        configuration=configuration,
        client_token="token-abc",
    )
    _, _, sent = only_request(aws_mock)
    assert response.job_name == "pkg-1"
    assert sent["headers"]["X-Amzn-Client-Token"] == "token-abc"
    body = json.loads(sent["data"])
    assert "ClientToken" not in body and "ProjectName" not in body
    assert body["Configuration"] == configuration


@pytest.mark.parametrize(
    ("status", "headers", "body", "code", "message"),
    [
        (
            400,
            {},
            {"__type": "com.amazonaws.sagemaker#ResourceNotFound", "Message": "gone"},
            "ResourceNotFound",
            "gone",
        ),
        (
            400,
            {"x-amzn-ErrorType": "ResourceInUse:http://internal.amazon.com/coral/"},
            {"message": "busy"},
            "ResourceInUse",
            "busy",
        ),
        (
            400,
            {},
            {"code": "aws.protocols#ResourceLimitExceeded", "message": "too many"},
            "ResourceLimitExceeded",
            "too many",
        ),
        (503, {}, "<html><body>Service Unavailable</body></html>", "503", "Service Unavailable"),
        (500, {}, '{"__type": "InternalFail', "500", "Internal Server Error"),
        (502, {}, "", "502", "Bad Gateway"),
        # No message in a body, or no body below 500: none, as botocore reads it.
        (400, {}, {"__type": "ResourceNotFound"}, "ResourceNotFound", ""),
        (400, {}, {}, "400", ""),
        (404, {}, "", "404", ""),
    ],
)
async def test_error_responses_become_typed_service_errors(
    aws_mock: aioresponses,
    session: Session,
    status: int,
    headers: dict[str, str],
    body: Any,
    code: str,
    message: str,
) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    aws_mock.post(
        "https://api.sagemaker.us-east-1.amazonaws.com/",
        status=status,
        body=text,
        headers={"x-amzn-RequestId": "rid-1", **headers},
        repeat=True,
    )
    session.sagemaker.retry_policy.max_attempts = 1
    with pytest.raises(ServiceError) as caught:
        await session.sagemaker.describe_image_version(image_name="img")
    error = caught.value
    assert (error.code, error.message, error.status_code) == (code, message, status)
    assert error.request_id == "rid-1"
    assert error.operation_name == "DescribeImageVersion"
    modeled = getattr(session.sagemaker.exceptions, code, None)
    assert type(error) is (modeled or session.sagemaker.exceptions.base)


async def test_a_success_body_that_does_not_fit_the_model_is_a_malformed_response(
    aws_mock: aioresponses, session: Session
) -> None:
    aws_mock.post(
        "https://batch.us-east-1.amazonaws.com/v1/submitservicejob",
        payload={"jobName": "only-the-name"},
        headers={"x-amzn-RequestId": "rid-9"},
    )
    with pytest.raises(MalformedResponseError, match=r"job_id|jobId") as caught:
        await session.batch.submit_service_job(
            job_name="j",
            job_queue="q",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload="{}",
        )
    assert caught.value.request_id == "rid-9"


async def test_validation_failures_name_the_field_and_send_nothing(
    aws_mock: aioresponses, session: Session
) -> None:
    with pytest.raises(ValidationError) as caught:
        await session.batch.submit_service_job(
            job_name="has spaces",
            job_queue="q",
            service_job_type="SAGEMAKER_PROCESSING",  # type: ignore[arg-type]
            service_request_payload="{}",
            scheduling_priority=10_000,
            tags={f"k{i}": "v" for i in range(51)},
        )
    assert set(caught.value.fields) == {
        "job_name",
        "service_job_type",
        "scheduling_priority",
        "tags",
    }
    assert caught.value.operation_name == "SubmitServiceJob"
    assert "SubmitServiceJob" in str(caught.value)
    assert aws_mock.requests == {}


async def test_one_debug_line_per_attempt_and_never_a_secret(
    aws_mock: aioresponses, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    url = "https://datazone.us-east-1.api.aws/v2/domains/dzd_abc/notebook-runs"
    aws_mock.post(url, status=500, body="{}", headers={"x-amzn-RequestId": "rid-first"})
    aws_mock.post(
        url,
        status=201,
        headers={"x-amzn-RequestId": "rid-second"},
        payload={
            "id": "run-1",
            "domainId": "dzd_abc",
            "owningProjectId": "proj",
            "notebookId": "nb",
            "status": "QUEUED",
            "parameters": {"password": "hunter2-PARAM"},
            "metadata": {"note": "hunter3-META"},
        },
    )
    session.datazone.retry_policy.rand = lambda: 0.0
    caplog.set_level(logging.DEBUG, logger="aws_mlops_async")
    run = await session.datazone.start_notebook_run(
        domain_identifier="dzd_abc",
        owning_project_identifier="proj",
        notebook_identifier="nb",
        parameters={"password": "hunter2-PARAM"},
        metadata={"note": "hunter3-META"},
    )
    attempts = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
    assert len(attempts) == 2
    assert "StartNotebookRun attempt 1: HTTP 500" in attempts[0]
    assert "rid-first" in attempts[0]
    assert "StartNotebookRun attempt 2: HTTP 201" in attempts[1]
    assert "rid-second" in attempts[1]
    assert re.search(r"in \d+\.\d ms", attempts[1])
    _, _, sent = next(
        (m, u, c.kwargs) for (m, u), calls in aws_mock.requests.items() for c in calls
    )
    signature = sent["headers"]["Authorization"].rsplit("Signature=", 1)[1]
    everything = "\n".join(r.getMessage() for r in caplog.records) + repr(run) + str(run)
    for secret in (SECRET_KEY, SESSION_TOKEN, signature, "hunter2-PARAM", "hunter3-META"):
        assert secret not in everything
