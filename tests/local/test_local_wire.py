"""The emulator's answers on the wire: each service's validation error shape and status,
request ids, unknown operations, bodies that are not JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest
from local_support import DOMAIN, JOB, raw_request

from aws_mlops_async import Config, ConnectionFailed, Session
from aws_mlops_async.local import LocalAws
from aws_mlops_async.local.services import SERVICES
from aws_mlops_async.local.services.base import not_emulated
from aws_mlops_async.local.wire import Router

AWSJSON = {"Content-Type": "application/x-amz-json-1.1"}


async def test_sagemaker_validation_is_an_awsjson_validation_exception(
    endpoint: LocalAws,
) -> None:
    status, headers, body = await raw_request(
        endpoint,
        "sagemaker",
        "POST",
        "/",
        body=json.dumps({"ImageName": "bad name!", "BaseImage": "x"}).encode(),
        headers={**AWSJSON, "X-Amz-Target": "SageMaker.CreateImageVersion"},
    )
    assert status == 400
    assert body["__type"] == "ValidationException"
    assert body["message"].startswith("1 validation error detected: Value at 'ImageName'")
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-RequestId"]
    assert endpoint.stats.errors == {"ValidationException": 1}


@pytest.mark.parametrize(
    ("service", "method", "path", "body", "code", "key"),
    [
        ("batch", "POST", "/v1/submitservicejob", {"jobName": "x"}, "ClientException", "message"),
        (
            "datazone",
            "GET",
            "/v2/domains/not-a-domain/notebook-runs",
            None,
            "ValidationException",
            "message",
        ),
        (
            "lookoutvision",
            "GET",
            "/2020-11-20/projects/bad%20name/modelpackagingjobs",
            None,
            "ValidationException",
            "Message",
        ),
    ],
)
async def test_restjson_validation_errors_in_each_services_shape(
    endpoint: LocalAws,
    service: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    code: str,
    key: str,
) -> None:
    status, headers, answer = await raw_request(
        endpoint,
        service,
        method,
        path,
        body=json.dumps(body).encode() if body is not None else b"",
        headers={"Content-Type": "application/json"},
    )
    assert (status, headers["x-amzn-ErrorType"]) == (400, code)
    assert "validation error" in answer[key]
    assert headers["x-amzn-RequestId"]


async def test_unknown_operations_and_bodies_that_are_not_json(endpoint: LocalAws) -> None:
    status, _, body = await raw_request(
        endpoint, "sagemaker", "POST", "/", body=b"{}", headers={"X-Amz-Target": "SageMaker.Nope"}
    )
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, headers, _ = await raw_request(endpoint, "batch", "POST", "/v1/nothing", body=b"{}")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    status, headers, _ = await raw_request(endpoint, "batch", "GET", "/v1/submitservicejob")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    status, headers, _ = await raw_request(
        endpoint, "batch", "POST", "/v1/listservicejobs", body=b"{"
    )
    assert (status, headers["x-amzn-ErrorType"]) == (400, "ClientException")
    status, headers, _ = await raw_request(endpoint, "nothing", "GET", "/")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
    assert endpoint.stats.received["(unknown)"] == 4


async def test_every_answer_has_its_own_request_id(endpoint: LocalAws) -> None:
    ids = set()
    for _ in range(3):
        status, headers, _ = await raw_request(
            endpoint, "datazone", "GET", f"/v2/domains/{DOMAIN}/notebook-runs/run1"
        )
        assert status == 404
        ids.add(headers["x-amzn-RequestId"])
    assert len(ids) == 3


async def test_aiohttp_itself_resends_a_dropped_get_once(endpoint: LocalAws) -> None:
    # aiohttp sends an idempotent request (GET, PUT) again, once, when the connection closes
    # unanswered; only a second drop reaches our retry loop.
    endpoint.faults.inject("drop", count=2, operation="GetNotebookRun")
    async with endpoint.session(config=Config(max_attempts=1)) as session:
        with pytest.raises(ConnectionFailed):
            await session.datazone.get_notebook_run(domain_identifier=DOMAIN, identifier="r1")
    assert endpoint.stats.received["GetNotebookRun"] == 2


async def test_path_labels_are_percent_decoded(endpoint: LocalAws, session: Session) -> None:
    # A label with characters the path encodes: the emulator sees the value itself.
    with pytest.raises(session.lookoutvision.exceptions.ResourceNotFoundException) as caught:
        await session.lookoutvision.describe_model_packaging_job(
            project_name="p-1", job_name="job-1"
        )
    assert "job-1" in caught.value.message and "p-1" in caught.value.message


async def test_a_bug_in_a_handler_is_a_logged_server_error(
    endpoint: LocalAws, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise RuntimeError("no more ids")

    monkeypatch.setattr(endpoint.state, "new_uuid", broken)
    async with endpoint.session(config=Config(max_attempts=1)) as session:
        with pytest.raises(session.batch.exceptions.ServerException) as caught:
            await session.batch.submit_service_job(**JOB)
    assert caught.value.status_code == 500
    assert "RuntimeError: no more ids" in caught.value.message
    assert "SubmitServiceJob failed in the emulator" in caplog.text


def test_a_path_two_services_share_goes_to_the_service_it_is_signed_for() -> None:
    [batch] = [service for service in SERVICES if service.description.name == "batch"]
    description = dataclasses.replace(
        batch.description, name="other", service_id="Other", signing_name="other"
    )
    other = not_emulated(
        description, [dataclasses.replace(op.spec, service=description) for op in batch.operations]
    )
    router = Router([batch, other])
    for signer, expected in (("batch", batch), ("other", other), (None, batch)):
        headers = {"Authorization": _authorization(signer)} if signer else {}
        match = router.match("POST", "/v1/tags/arn%3Aaws%3Abatch", headers)
        assert match.service is expected, signer
        assert match.operation is not None and match.operation.spec.name == "TagResource"
        assert match.operation.spec.service is expected.description
        assert match.labels == {"resourceArn": "arn:aws:batch"}


def _authorization(service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
