"""The emulator as a newcomer starts it from a shell: any credentials and any region by default
(driven by boto3 and by the AWS CLI with test/test in eu-west-1, as LocalStack and moto users
do), strict SigV4 with --access-key, one line for a bad option, a port in use, a refused request
or an aborted one, and a line per request with --verbose."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aws_mlops_async import __version__

pytestmark = pytest.mark.timeout(60)

EMULATOR = (sys.executable, "-m", "aws_mlops_async.local")
TEST_KEYS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


@dataclass
class Running:
    url: str
    banner: str
    process: asyncio.subprocess.Process

    async def stop(self) -> str:
        """Stop it; everything it wrote to standard error after the banner."""
        self.process.terminate()
        _, stderr = await asyncio.wait_for(self.process.communicate(), 20)
        return stderr.decode()


@asynccontextmanager
async def emulator(*options: str) -> AsyncIterator[Running]:
    process = await asyncio.create_subprocess_exec(
        *EMULATOR,
        "--port",
        "0",
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        url = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        banner = (await process.stderr.readline()).decode()
        banner += (await process.stderr.readline()).decode()
        yield Running(url, banner, process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def boto3_client(service: str, url: str, region: str = "eu-west-1", **keys: str) -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=keys.get("access_key", "test"),
        aws_secret_access_key=keys.get("secret_key", "test"),
    )


async def aws_cli(url: str, *args: str, **env: str) -> tuple[int, str, str]:
    """The AWS CLI (its own botocore) against ``url``, keys and region from the environment."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "awscli",
        "--endpoint-url",
        url,
        "--output",
        "json",
        *args,
        env={**os.environ, **TEST_KEYS, "AWS_DEFAULT_REGION": "eu-west-1", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


SUBMIT = {
    "jobName": "shell-job",
    "jobQueue": "q",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": "{}",
}


async def test_by_default_any_credentials_and_any_region_go() -> None:
    async with emulator() as running:
        assert "taking any credentials and any region" in running.banner
        assert f"AWS_ENDPOINT_URL={running.url}" in running.banner
        batch = boto3_client("batch", running.url)
        job = await asyncio.to_thread(batch.submit_service_job, **SUBMIT)
        assert ":batch:eu-west-1:" in job["jobArn"]
        sagemaker = boto3_client("sagemaker", running.url, region="ap-south-1")
        version = await asyncio.to_thread(
            sagemaker.create_image_version,
            ImageName="img",
            BaseImage="b:1",
        )
        assert ":sagemaker:ap-south-1:" in version["ImageVersionArn"]
        status, stdout, stderr = await aws_cli(
            running.url,
            "batch",
            "submit-service-job",
            "--job-name",
            "from-the-cli",
            "--job-queue",
            "q",
            "--service-job-type",
            "SAGEMAKER_TRAINING",
            "--service-request-payload",
            "{}",
        )
        assert status == 0, stderr
        assert ":batch:eu-west-1:" in json.loads(stdout)["jobArn"]
        log = await running.stop()
    assert "Traceback" not in log


async def test_strict_resources_make_an_unknown_queue_an_error_as_in_batch() -> None:
    async with emulator("--strict-resources") as running:
        status, _, stderr = await aws_cli(
            running.url,
            "batch",
            "submit-service-job",
            "--job-name",
            "j",
            "--job-queue",
            "never-created",
            "--service-job-type",
            "SAGEMAKER_TRAINING",
            "--service-request-payload",
            "{}",
        )
        assert status != 0
        assert "(ClientException)" in stderr and "never-created does not exist" in stderr
        status, _, stderr = await aws_cli(running.url, "batch", "list-jobs", "--job-queue", "q")
        assert status != 0
        assert "(NotImplemented)" in stderr and "Batch ListJobs is not emulated" in stderr
        log = await running.stop()
    assert "Traceback" not in log


async def test_access_keys_switch_on_strict_verification() -> None:
    strict = ("--access-key", "AKIDSTRICT", "--secret-key", "s3cret", "--region", "us-east-1")
    async with emulator(*strict) as running:
        assert "checking SigV4 signatures: access key AKIDSTRICT" in running.banner
        wrong = boto3_client("batch", running.url, region="us-east-1")
        with pytest.raises(ClientError) as caught:
            await asyncio.to_thread(wrong.submit_service_job, **SUBMIT)
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
        right = boto3_client(
            "batch", running.url, region="us-east-1", access_key="AKIDSTRICT", secret_key="s3cret"
        )
        await asyncio.to_thread(right.submit_service_job, **SUBMIT)
        status, _, stderr = await aws_cli(
            running.url,
            "batch",
            "list-service-jobs",
            "--job-queue",
            "q",
            AWS_DEFAULT_REGION="us-east-1",
        )
        assert status != 0 and "UnrecognizedClientException" in stderr
        log = await running.stop()
    # The emulator says why it refused, and how to take any keys.
    assert "UnrecognizedClientException" in log and "without --access-key" in log
    assert "Traceback" not in log


async def test_verbose_says_one_line_per_request_with_its_fault() -> None:
    async with emulator("--verbose", "--fault", "SubmitServiceJob:throttle=1") as running:
        batch = boto3_client("batch", running.url)
        with pytest.raises(ClientError):
            await asyncio.to_thread(batch.submit_service_job, **SUBMIT)
        log = await running.stop()
    lines = [line for line in log.splitlines() if "SubmitServiceJob" in line]
    assert lines, log
    assert all("-> 429 (fault: throttle)" in line for line in lines), lines


async def test_an_aborted_request_is_one_line_not_a_traceback() -> None:
    async with emulator("--delay", "0.5", "--verbose") as running:
        host, port = running.url.removeprefix("http://").split(":")
        _, writer = await asyncio.open_connection(host, int(port))
        body = json.dumps(SUBMIT).encode()
        writer.write(
            b"POST /v1/submitservicejob HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body) + 100}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()  # before the whole body was sent
        await asyncio.sleep(0.3)
        log = await running.stop()
    assert "Traceback" not in log
    assert len(log.strip().splitlines()) <= 2, log


async def run_emulator(*options: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *EMULATOR, *options, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stdout.decode() + stderr.decode()


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--throttle", "2"), "argument --throttle: must be a fraction from 0 to 1"),
        (("--delay", "-1"), "argument --delay"),
        (("--fault", "SubmitServiceJob:throttle=abc"), "argument --fault"),
        (("--fault", "SubmitServiceJob:explode=1"), "argument --fault"),
        (("--throttle", "0.6", "--drop", "0.6"), "add up to more than 1"),
        (("--access-key", "AKID"), "--secret-key"),
        (("--duration", "forever=1"), "argument --duration"),
        (("--job-failure", "2"), "argument --job-failure: must be a fraction from 0 to 1, not 2"),
        (("--job-failure", "x"), "argument --job-failure: expected a fraction from 0 to 1"),
        (("--fault", "CreateTrainingJob:job_failure=-1"), "argument --fault"),
    ],
)
async def test_a_bad_option_is_one_line_and_status_2(options: Sequence[str], says: str) -> None:
    status, output = await run_emulator("--port", "0", *options)
    assert status == 2
    assert len(output.strip().splitlines()) == 1, output
    assert says in output


async def test_a_port_in_use_is_one_line_and_status_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, output = await run_emulator("--port", str(port))
    assert status == 2
    assert len(output.strip().splitlines()) == 1, output
    assert f"cannot listen on 127.0.0.1:{port}" in output


async def test_version() -> None:
    status, output = await run_emulator("--version")
    assert (status, output.strip()) == (0, f"aws-mlops-async {__version__}")


async def test_a_snapshot_that_cannot_be_loaded_is_one_line_and_status_2(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"format": "aws_mlops_async.local/1", "images": [')
    for snapshot, says in [
        (corrupt, f"argument --snapshot: {corrupt} is not JSON (line 1, column 50: Expecting"),
        (tmp_path, f"argument --snapshot: {tmp_path} is a directory, not a snapshot file"),
        (corrupt / "x.json", f"argument --snapshot: {corrupt / 'x.json'} cannot be written: "),
    ]:
        status, output = await run_emulator("--port", "0", "--snapshot", str(snapshot))
        assert status == 2, output
        assert len(output.strip().splitlines()) == 1, output
        assert output.startswith("python -m aws_mlops_async.local: error: ")
        assert says in output
        assert "cannot listen" not in output


async def test_a_snapshot_that_cannot_be_written_at_stop_is_one_line_and_status_1(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    async with emulator("--snapshot", str(folder / "state.json")) as running:
        await asyncio.to_thread(folder.rmdir)
        await asyncio.to_thread((tmp_path / "state").write_text, "a file where the folder was")
        running.process.terminate()
        _, stderr = await asyncio.wait_for(running.process.communicate(), 20)
    assert running.process.returncode == 1
    log = stderr.decode()
    assert len(log.strip().splitlines()) == 1, log
    assert f"argument --snapshot: {folder / 'state.json'} cannot be written: " in log


async def test_any_credentials_beyond_loopback_unasked_is_one_line_and_status_2() -> None:
    status, output = await run_emulator("--host", "0.0.0.0", "--port", "0")
    assert status == 2
    assert len(output.strip().splitlines()) == 1, output
    assert "argument --host: 0.0.0.0 is not a loopback address" in output
