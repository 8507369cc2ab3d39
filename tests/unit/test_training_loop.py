"""The training loop as users write it: a typed payload without a name, every invalid field
at once, the training job's name on each update, and a clear refusal of an ARN where a name
goes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from multidict import CIMultiDict

from aws_mlops_async import Session, ValidationError, WaiterError
from aws_mlops_async.ext.training_jobs import training_job_name
from aws_mlops_async.ext.training_payload import TrainingPayload
from aws_mlops_async.ext.watching import ServiceJobUpdate
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import MockTransport, TransportRequest

pytestmark = pytest.mark.timeout(30)

PAYLOAD = {
    "algorithm_specification": {"training_image": "pytorch:2.5", "training_input_mode": "File"},
    "role_arn": "arn:aws:iam::123456789012:role/SageMakerTraining",
    "output_data_config": {"s3_output_path": "s3://models-bucket/output/"},
    "resource_config": {
        "instance_type": "ml.g5.xlarge",
        "instance_count": 1,
        "volume_size_in_gb": 50,
    },
    "stopping_condition": {"max_runtime_in_seconds": 3600},
}
JOB = {"job_name": "train-1", "job_queue": "q", "service_job_type": "SAGEMAKER_TRAINING"}
ARN = "arn:aws:sagemaker:us-east-1:123456789012:training-job/awsbatch-train-1-0a1b2c3d"


@pytest.fixture
async def session() -> AsyncIterator[tuple[Session, list[TransportRequest]]]:
    sent: list[TransportRequest] = []

    def answer(request: TransportRequest) -> HttpResponse:
        sent.append(request)
        body: dict[str, Any] = {"jobName": "train-1", "jobId": "j-1"}
        if request.operation == "DescribeServiceJob":
            body = {
                "jobId": "j-1",
                "jobName": "train-1",
                "jobQueue": "q",
                "serviceJobType": "SAGEMAKER_TRAINING",
                "startedAt": 1,
                "status": "FAILED",
                "statusReason": "AlgorithmError: CUDA out of memory",
            }
        return HttpResponse(200, CIMultiDict(), json.dumps(body).encode())

    async with Session(
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        transport=MockTransport(answer),
    ) as opened:
        yield opened, sent


async def test_a_payload_without_a_name_is_sent_without_one(
    session: tuple[Session, list[TransportRequest]],
) -> None:
    client, sent = session
    for payload in (PAYLOAD, TrainingPayload(**PAYLOAD)):
        await client.batch.submit_service_job(**JOB, service_request_payload=payload)
    for request in sent:
        written = json.loads(json.loads(request.body)["serviceRequestPayload"])
        assert "TrainingJobName" not in written
        assert written["ResourceConfig"]["InstanceCount"] == 1


async def test_every_invalid_field_is_named_at_once_top_level_and_nested(
    session: tuple[Session, list[TransportRequest]],
) -> None:
    client, sent = session
    payload = {**PAYLOAD, "resource_config": {**PAYLOAD["resource_config"], "instance_count": "2"}}
    with pytest.raises(ValidationError) as caught:
        await client.batch.submit_service_job(
            **JOB, scheduling_priority=-1, service_request_payload=payload
        )
    assert set(caught.value.fields) == {
        "scheduling_priority",
        "service_request_payload.resource_config.instance_count",
    }
    assert sent == []


def test_the_training_job_s_name_comes_from_its_arn() -> None:
    update = ServiceJobUpdate("j-1", "train-1", "RUNNING", None, ARN, "q")
    assert update.training_job_name == "awsbatch-train-1-0a1b2c3d"
    assert training_job_name(None) is None
    assert training_job_name("arn:aws:batch:us-east-1:1:job/x") is None
    assert training_job_name("not-an-arn") is None


@pytest.mark.parametrize("method", ["describe_training_job", "stop_training_job"])
async def test_an_arn_where_a_name_goes_is_refused_with_the_name(
    session: tuple[Session, list[TransportRequest]], method: str
) -> None:
    client, sent = session
    with pytest.raises(ValidationError, match="'awsbatch-train-1-0a1b2c3d'") as caught:
        await getattr(client.sagemaker, method)(training_job_name=ARN)
    assert caught.value.fields == ("training_job_name",)
    assert "not an ARN" in str(caught.value)
    assert sent == []


async def test_a_waiter_s_failure_says_why(
    session: tuple[Session, list[TransportRequest]],
) -> None:
    client, _ = session
    with pytest.raises(WaiterError, match="reached failure state 'FAILED': AlgorithmError: CUDA"):
        await client.batch.get_waiter("service_job_finished").wait(job_id="j-1", delay=0.001)
