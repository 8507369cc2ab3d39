"""What the emulator's CloudWatch Logs tests share: boto3 clients pointed at a running
`LocalAws` (called off the event loop the emulator runs on), training job requests of a few
instances, and a stream's events read through."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import boto3
from local_support import TRAINING_REQUEST

from aws_mlops_async.local import Durations, LocalAws

GROUP = "/aws/sagemaker/TrainingJobs"

#: Jobs train for 100 s of the emulator's clock: nothing is written unless a test moves it.
STILL = Durations(training_job_starting=1.0, training_job_running=100.0)


def boto3_client(endpoint: LocalAws, service: str) -> Any:
    """A boto3 client of ``service`` signed as the emulator expects."""
    return boto3.client(
        service,
        region_name=endpoint.region,
        endpoint_url=endpoint.url,
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
    )


async def call(client: Any, method: str, **arguments: Any) -> Any:
    """``client.method(**arguments)`` in a thread, so the emulator on this loop can answer."""
    return await asyncio.to_thread(functools.partial(getattr(client, method), **arguments))


def training_request(name: str, *, instances: int = 1, epochs: int = 3) -> dict[str, Any]:
    """A CreateTrainingJob request for ``name`` on ``instances`` instances."""
    config = {**TRAINING_REQUEST["ResourceConfig"], "InstanceCount": instances}
    return {
        **TRAINING_REQUEST,
        "TrainingJobName": name,
        "ResourceConfig": config,
        "HyperParameters": {"epochs": str(epochs)},
    }


async def stream_names(logs: Any, prefix: str) -> list[str]:
    """The names of the streams starting with ``prefix``, by name."""
    answer = await call(
        logs, "describe_log_streams", logGroupName=GROUP, logStreamNamePrefix=prefix
    )
    return [stream["logStreamName"] for stream in answer["logStreams"]]


async def read_through(logs: Any, stream: str) -> list[dict[str, Any]]:
    """Every event of ``stream`` visible now, read forward until the token comes back."""
    events: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {"startFromHead": True}
    while True:
        page = await call(
            logs, "get_log_events", logGroupName=GROUP, logStreamName=stream, **arguments
        )
        events += page["events"]
        if page["nextForwardToken"] == arguments.get("nextToken"):
            return events
        arguments["nextToken"] = page["nextForwardToken"]
