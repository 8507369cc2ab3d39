"""Typed SAGEMAKER_TRAINING payloads: validated before anything is sent, and written as
botocore's awsJson serializer writes SageMaker's CreateTrainingJob body."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore_oracle import Operation, botocore_request
from hypothesis import given
from hypothesis_profiles import ONE_PROPERTY
from shape_strategies import request_params, to_python_names
from support import LoopbackServer, json_reply

from aws_mlops_async import Session, ValidationError
from aws_mlops_async.services.sagemaker.models import CreateTrainingJobRequest

CREATE_TRAINING_JOB = Operation("sagemaker", "CreateTrainingJob")
SUBMITTED = {"jobName": "train-1", "jobId": "job-1", "jobArn": "arn:aws:batch:us-east-1:1:job/j"}
#: The AWS Batch user guide's example payload ("Service job payloads in AWS Batch").
PAYLOAD: dict[str, Any] = {
    "TrainingJobName": "my-simple-training-job",
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerExecutionRole",
    "AlgorithmSpecification": {
        "TrainingInputMode": "File",
        "TrainingImage": "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.0.0",
        "ContainerEntrypoint": ["echo", "hello world"],
    },
    "ResourceConfig": {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 1},
    "OutputDataConfig": {"S3OutputPath": "s3://your-output-bucket/output"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 30},
}


def job(payload: object, **more: Any) -> dict[str, Any]:
    return {
        "job_name": "train-1",
        "job_queue": "ml-queue",
        "service_job_type": "SAGEMAKER_TRAINING",
        "service_request_payload": payload,
        **more,
    }


def botocore_body(params: dict[str, Any]) -> Any:
    return json.loads(botocore_request(CREATE_TRAINING_JOB, params)["body"])


def sent_payload(server: LoopbackServer, index: int = 0) -> str:
    payload: str = server.received[index].json()["serviceRequestPayload"]
    return payload


@pytest.fixture
def ok(server: LoopbackServer) -> LoopbackServer:
    server.default = json_reply(SUBMITTED)
    return server


@pytest.mark.parametrize(
    "form",
    [
        lambda: CreateTrainingJobRequest.model_validate(PAYLOAD),
        lambda: copy.deepcopy(PAYLOAD),  # wire names
        lambda: to_python_names(CREATE_TRAINING_JOB.model.input_shape, PAYLOAD),
    ],
    ids=["model", "wire-named mapping", "python-named mapping"],
)
async def test_a_typed_payload_is_sent_as_botocore_serializes_create_training_job(
    ok: LoopbackServer, make_session: Callable[..., Session], form: Callable[[], Any]
) -> None:
    async with make_session() as session:
        await session.batch.submit_service_job(**job(form()))
    assert json.loads(sent_payload(ok)) == botocore_body(PAYLOAD)


@ONE_PROPERTY
@given(params=request_params(CREATE_TRAINING_JOB))
def test_any_valid_training_request_is_written_as_botocore_writes_it(params: Any) -> None:
    from aws_mlops_async.ext.training_payload import prepare_submission

    fields = prepare_submission("SubmitServiceJob", job(params))
    assert json.loads(fields["service_request_payload"]) == botocore_body(params)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["ResourceConfig"].update(InstanceCount=-1), "resource_config.instance_count"),
        (lambda p: p.update(RoleArn="not-an-arn"), "role_arn"),
        (lambda p: p.pop("OutputDataConfig"), "output_data_config"),
        (lambda p: p["ResourceConfig"].update(InstanceCount="1"), "resource_config.instance_count"),
        (lambda p: p.update(TrainingJobNmae="typo"), "TrainingJobNmae"),
        (lambda p: p["StoppingCondition"].update(MaxRuntimeInSeconds=0), "stopping_condition"),
    ],
    ids=["negative count", "bad arn", "missing output", "str for int", "typo", "zero runtime"],
)
async def test_an_invalid_typed_payload_names_the_nested_field_and_sends_nothing(
    ok: LoopbackServer,
    make_session: Callable[..., Session],
    change: Callable[[dict[str, Any]], Any],
    field: str,
) -> None:
    payload = copy.deepcopy(PAYLOAD)
    change(payload)
    async with make_session() as session:
        with pytest.raises(ValidationError) as caught:
            await session.batch.submit_service_job(**job(payload))
    assert any(name.startswith(f"service_request_payload.{field}") for name in caught.value.fields)
    assert ok.received == []


async def test_a_json_string_passes_unchanged_unless_asked_to_validate(
    ok: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    odd = '{"TrainingJobName": "x",   "Anything": [1, 2]}'
    good = json.dumps(PAYLOAD, indent=2)
    async with make_session() as session:
        await session.batch.submit_service_job(**job(odd))
        await session.batch.submit_service_job(**job(good), validate_payload=True)
        with pytest.raises(ValidationError) as caught:
            await session.batch.submit_service_job(**job(odd), validate_payload=True)
        with pytest.raises(ValidationError) as not_json:
            await session.batch.submit_service_job(**job("{not json"), validate_payload=True)
    assert [sent_payload(ok, 0), sent_payload(ok, 1)] == [odd, good]
    assert len(ok.received) == 2
    assert "service_request_payload.Anything" in caught.value.fields
    assert not_json.value.fields == ("service_request_payload",)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"service_job_type": "EKS"}, "service_request_payload"),
        ({"validate_payload": "yes"}, "validate_payload"),
        ({"service_request_payload": 42}, "service_request_payload"),
        ({"service_request_payload": None}, "service_request_payload"),
    ],
)
async def test_payload_misuse_is_refused_by_name(
    ok: LoopbackServer, make_session: Callable[..., Session], fields: dict[str, Any], named: str
) -> None:
    request = {**job(copy.deepcopy(PAYLOAD)), **fields}
    async with make_session() as session:
        with pytest.raises(ValidationError) as caught:
            await session.batch.submit_service_job(**request)
    assert named in caught.value.fields
    assert ok.received == []


async def test_an_unencodable_payload_string_is_a_validation_error(
    ok: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    payload = copy.deepcopy(PAYLOAD)
    payload["HyperParameters"] = {"lr": "0.1\ud800"}
    async with make_session() as session:
        with pytest.raises(ValidationError) as caught:
            await session.batch.submit_service_job(**job(payload))
    assert caught.value.fields == ("service_request_payload.hyper_parameters.lr",)
    assert ok.received == []


async def test_in_a_bulk_run_an_invalid_payload_is_that_jobs_outcome(
    ok: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    bad = copy.deepcopy(PAYLOAD)
    bad["ResourceConfig"]["InstanceCount"] = -1
    jobs = [job(copy.deepcopy(PAYLOAD)), job(bad), job(json.dumps(PAYLOAD))]
    originals = copy.deepcopy(jobs)
    async with (
        make_session() as session,
        session.batch.submit_service_jobs(jobs, concurrency=2) as run,
    ):
        outcomes = sorted([outcome async for outcome in run], key=lambda o: o.index)
    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    error = outcomes[1].error
    assert isinstance(error, ValidationError)
    assert "service_request_payload.resource_config.instance_count" in error.fields
    assert len(ok.received) == 2
    assert jobs == originals  # the caller's jobs are left as they were
