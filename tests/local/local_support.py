"""Shared inputs, a raw signed-request helper and botocore clients for the emulator's tests."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiobotocore.session
import aiohttp
from aiobotocore.config import AioConfig

from aws_mlops_async import Session
from aws_mlops_async.credentials import Credentials
from aws_mlops_async.local import Durations, LocalAws
from aws_mlops_async.signing import SigV4Signer

#: Every phase lasts 50 ms: waiters finish fast, and `clock.advance` finishes at once.
FAST = Durations.uniform(0.05)

#: A CreateTrainingJob request SageMaker takes, as a service job's payload (Batch renames it).
TRAINING_REQUEST: dict[str, Any] = {
    "TrainingJobName": "train-1",
    "AlgorithmSpecification": {"TrainingImage": "pytorch:2.5", "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerTraining",
    "OutputDataConfig": {"S3OutputPath": "s3://models-bucket/output/"},
    "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    "HyperParameters": {"epochs": "3"},
}
TRAINING_PAYLOAD = json.dumps(TRAINING_REQUEST)
JOB: dict[str, Any] = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": TRAINING_PAYLOAD,
}
DOMAIN = "dzd_test123"
PROJECT = "prj1"
NOTEBOOK = "nb1"
RUN: dict[str, Any] = {
    "domain_identifier": DOMAIN,
    "owning_project_identifier": PROJECT,
    "notebook_identifier": NOTEBOOK,
}
GREENGRASS: dict[str, Any] = {
    "Greengrass": {
        "TargetDevice": "jetson_xavier",
        "S3OutputLocation": {"Bucket": "models-bucket", "Prefix": "packages/"},
        "ComponentName": "defect-detector",
        "ComponentVersion": "1.2.3",
    }
}
PACKAGE: dict[str, Any] = {
    "project_name": "circuit-boards",
    "model_version": "1",
    "configuration": GREENGRASS,
}
IMAGE: dict[str, Any] = {
    "image_name": "pytorch-train",
    "base_image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5",
}


#: For each service the emulator has a module for, a call that creates a resource (a test
#: checks the list against the emulator's services).
CREATING_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "sagemaker": ("create_image_version", IMAGE),
    "batch": ("submit_service_job", JOB),
    "datazone": ("start_notebook_run", RUN),
    "lookoutvision": ("start_model_packaging_job", PACKAGE),
}


async def create(session: Session, service: str) -> Any:
    """Service ``service``'s creating call (`CREATING_CALLS`) through ``session``."""
    method, arguments = CREATING_CALLS[service]
    return await getattr(session.client(service), method)(**arguments)


async def raw_request(
    endpoint: LocalAws,
    service: str,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: str = "",
    sign: bool = True,
    secret_key: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    """Send one request as it is (signed by the library's signer unless ``sign`` is off); the
    status, headers and JSON body of the answer."""
    unsigned = {"Host": f"127.0.0.1:{endpoint.port}", **(headers or {})}
    if sign:
        credentials = Credentials(endpoint.access_key, secret_key or endpoint.secret_key)
        signed = SigV4Signer(endpoint.region, service).sign(
            method, path, query, unsigned.items(), body, credentials
        )
        unsigned.update(signed)
    url = endpoint.url + path + (f"?{query}" if query else "")
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, url, headers=unsigned, data=body or None) as response,
    ):
        payload = await response.read()
        return response.status, dict(response.headers), json.loads(payload) if payload else None


@asynccontextmanager
async def botocore_client(
    data: Path, name: str, url: str, region: str, access_key: str, secret_key: str, **config: Any
) -> AsyncIterator[Any]:
    """An aiobotocore client of service ``name`` sending to ``url``, finding in ``data``
    (support's `botocore_data`) the models botocore lacks; ``config`` goes to its ``AioConfig``."""
    session = aiobotocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(data))
    async with session.create_client(
        name,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=AioConfig(**config),
    ) as client:
        yield client


def _interruptible() -> None:
    # A process started in the background of a non-interactive shell (a CI job runner, `cmd
    # &`) ignores SIGINT, and so would the command under test: it gets Ctrl-C as a terminal
    # gives it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: For `asyncio.create_subprocess_exec(..., preexec_fn=AS_FROM_A_TERMINAL)`.
AS_FROM_A_TERMINAL = _interruptible if os.name == "posix" else None
