"""The AWS CLI (v1, its own botocore) reading the emulator's training job logs: the lines it
prints are those boto3 reads.

CLI v1 has no ``aws logs tail`` (a v2 command), so the CLI reads with what v1 has:
``filter-log-events`` over the job's streams, which it pages through itself, and
``get-log-events`` on one stream.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from logs_support import (
    GROUP,
    STILL,
    boto3_client,
    call,
    read_through,
    stream_names,
    training_request,
)

from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(30)

#: Long enough for the CLI to start on a loaded machine; the CLI is killed after it.
CLI_SECONDS = 20


async def aws_cli(endpoint: LocalAws, home: Path, *args: str) -> Any:
    """``aws <args> --output json`` against ``endpoint``, with keys and region of its own
    (nothing read from the user's files); its parsed output. Killed after `CLI_SECONDS`."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_DEFAULT_REGION": endpoint.region,
        "AWS_ENDPOINT_URL": endpoint.url,
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    env.pop("AWS_PROFILE", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "awscli",
        *args,
        "--endpoint-url",
        endpoint.url,
        "--output",
        "json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), CLI_SECONDS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    return json.loads(stdout)


async def test_the_cli_prints_the_lines_boto3_reads(tmp_path: Path) -> None:
    async with LocalAws(durations=STILL, seed=1) as endpoint:
        sagemaker, logs = boto3_client(endpoint, "sagemaker"), boto3_client(endpoint, "logs")
        request = training_request("cli", instances=2, epochs=12)
        await call(sagemaker, "create_training_job", **request)
        endpoint.clock.advance(200)
        names = await stream_names(logs, "cli/")
        by_boto3 = {name: await read_through(logs, name) for name in names}

        filtered, one_stream = await asyncio.gather(
            aws_cli(
                endpoint,
                tmp_path,
                "logs",
                "filter-log-events",
                "--log-group-name",
                GROUP,
                "--log-stream-name-prefix",
                "cli/",
                "--page-size",
                "7",
            ),
            aws_cli(
                endpoint,
                tmp_path,
                "logs",
                "get-log-events",
                "--log-group-name",
                GROUP,
                "--log-stream-name",
                names[1],
                "--start-from-head",
            ),
        )

    assert len(names) == 2
    printed = [(e["logStreamName"], e["timestamp"], e["message"]) for e in filtered["events"]]
    read = sorted(
        (name, event["timestamp"], event["message"])
        for name, events in by_boto3.items()
        for event in events
    )
    assert sorted(printed) == read and len(printed) == 2 * (12 + 7)
    assert [timestamp for _, timestamp, _ in printed] == sorted(t for _, t, _ in printed)
    assert one_stream["events"] == by_boto3[names[1]]
