"""The emulator's clock offset: skewed requests refused in AWS's exact shapes, and the
library's clock correction working against them, for both protocols."""

from __future__ import annotations

import pytest
from local_support import IMAGE, JOB, raw_request

from aws_mlops_async import Session
from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(30)


async def first_call(session: Session, protocol: str, n: int) -> str:
    """One call of the protocol's service; the name of the operation called."""
    if protocol == "json":
        await session.sagemaker.create_image_version(**{**IMAGE, "image_name": f"img-{n}"})
        return "CreateImageVersion"
    await session.batch.submit_service_job(**{**JOB, "job_name": f"skewed-{n}"})
    return "SubmitServiceJob"


@pytest.mark.parametrize("protocol", ["rest-json", "json"])
@pytest.mark.parametrize("offset", [900.0, -900.0], ids=["ahead", "behind"])
async def test_a_session_corrects_its_clock_against_the_emulator(
    protocol: str, offset: float
) -> None:
    async with LocalAws(clock_offset=offset) as endpoint, endpoint.session() as session:
        operation = await first_call(session, protocol, 1)
        assert endpoint.stats.received[operation] == 2
        assert endpoint.stats.errors["InvalidSignatureException"] == 1
        assert abs(session.clock_offset - offset) < 5
        await first_call(session, protocol, 2)
        assert endpoint.stats.received[operation] == 3


@pytest.mark.parametrize(
    ("service", "path", "headers", "status"),
    [
        ("batch", "/v1/describeservicejob", {"Content-Type": "application/json"}, 403),
        (
            "sagemaker",
            "/",
            {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "SageMaker.DescribeImageVersion",
            },
            400,
        ),
    ],
)
@pytest.mark.parametrize(
    ("offset", "message"),
    [(900.0, "Signature expired: "), (-900.0, "Signature not yet current: ")],
)
async def test_a_skewed_request_gets_the_services_answer(
    service: str, path: str, headers: dict[str, str], status: int, offset: float, message: str
) -> None:
    async with LocalAws(clock_offset=offset) as endpoint:
        answered, response_headers, body = await raw_request(
            endpoint, service, "POST", path, body=b"{}", headers=headers
        )
    assert answered == status
    assert body["message"].startswith(message)
    if status == 400:  # awsJson: the code in the body
        assert body["__type"] == "InvalidSignatureException"
    else:  # restJson: the code in a header
        assert response_headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert "Date" in response_headers
