"""`python -m aws_mlops_async.local`: its options, and a real start in a subprocess."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import pytest
from local_support import JOB

from aws_mlops_async import Session
from aws_mlops_async.local import LocalAws
from aws_mlops_async.local.__main__ import UsageError, banner, build, parser
from aws_mlops_async.local.settings import Durations


def test_the_options_build_the_emulator_they_describe(tmp_path: Path) -> None:
    args = parser().parse_args(
        [
            "--port",
            "0",
            "--region",
            "eu-west-1",
            "--access-key",
            "AKIDCLI",
            "--secret-key",
            "cli-secret",
            "--seed",
            "3",
            "--snapshot",
            str(tmp_path / "s.json"),
            "--throttle",
            "0.1",
            "--lost-response",
            "0.05",
            "--delay",
            "0.01",
            "--fault",
            "SubmitServiceJob:drop=0.5",
            "--fault",
            "SubmitServiceJob:delay=0.2",
            "--phase-seconds",
            "2",
            "--duration",
            "service_job_running=30",
            "--no-auto-create-images",
        ]
    )
    endpoint = build(args)
    assert (endpoint.region, endpoint.credentials) == ("eu-west-1", {"AKIDCLI": "cli-secret"})
    assert endpoint.verify_signatures  # keys given: strict
    assert not build(parser().parse_args([])).verify_signatures
    assert endpoint.snapshot_path == tmp_path / "s.json"
    everywhere = endpoint.faults.rule("DescribeServiceJob")
    assert (everywhere.throttle, everywhere.lost_response, everywhere.delay) == (0.1, 0.05, 0.01)
    submit = endpoint.faults.rule("SubmitServiceJob")
    assert (submit.drop, submit.delay, submit.throttle) == (0.5, 0.2, 0.0)
    durations = endpoint.state.durations
    assert durations.service_job_running == 30 and durations.image_version_creating == 2
    assert not endpoint.state.auto_create_images
    assert build(parser().parse_args([])).state.durations == Durations()


def test_job_failure_is_a_share_of_jobs_outside_the_request_fault_sum() -> None:
    args = ["--throttle", "0.6", "--drop", "0.4", "--job-failure", "0.25"]
    args += ["--fault", "CreateTrainingJob:job_failure=1", "--seed", "4"]
    endpoint = build(parser().parse_args(args))
    everywhere = endpoint.faults.rule("SubmitServiceJob")
    assert (everywhere.throttle, everywhere.drop, everywhere.job_failure) == (0.6, 0.4, 0.25)
    assert endpoint.faults.rule("CreateTrainingJob").job_failure == 1.0
    assert endpoint.state.faults is endpoint.faults  # the store draws job failures from them
    assert build(parser().parse_args([])).faults.rule("SubmitServiceJob").job_failure == 0.0


async def test_the_command_serves_until_terminated_and_writes_its_snapshot(
    tmp_path: Path,
) -> None:
    snapshot = tmp_path / "cli.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aws_mlops_async.local",
        "--port",
        "0",
        "--snapshot",
        str(snapshot),
        "--seed",
        "5",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        banner = (await process.stderr.readline()).decode()
        assert "taking any credentials and any region" in banner
        async with Session(
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            endpoint_url=url,
        ) as session:
            job = await session.batch.submit_service_job(**JOB)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    saved = json.loads(snapshot.read_text())
    [region] = saved["regions"]
    assert [item["job_id"] for item in region["service_jobs"]] == [job.job_id]


# ---- beyond loopback, any credentials only when asked for -----------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "emulator.example"])
def test_listening_beyond_loopback_with_any_credentials_needs_asking(host: str) -> None:
    with pytest.raises(UsageError) as caught:
        build(parser().parse_args(["--host", host]))
    message = str(caught.value)
    assert message.startswith(f"argument --host: {host} is not a loopback address"), message
    assert "--access-key and --secret-key" in message and "--any-credentials" in message
    assert "\n" not in message
    # Asked for, or with signatures checked, it goes.
    assert not build(parser().parse_args(["--host", host, "--any-credentials"])).verify_signatures
    keys = ["--access-key", "AK", "--secret-key", "SK"]
    assert build(parser().parse_args(["--host", host, *keys])).verify_signatures


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost", "LocalHost"])
def test_a_loopback_address_takes_any_credentials_unasked(host: str) -> None:
    assert not build(parser().parse_args(["--host", host])).verify_signatures


def test_any_credentials_and_access_keys_are_exclusive() -> None:
    args = ["--any-credentials", "--access-key", "AK", "--secret-key", "SK"]
    with pytest.raises(UsageError, match=r"^argument --any-credentials: not with --access-key"):
        build(parser().parse_args(args))


async def test_the_banner_warns_when_anyone_can_reach_an_emulator_taking_any_keys() -> None:
    async with LocalAws(verify_signatures=False) as endpoint:
        assert "warning" not in banner(endpoint).lower()
        endpoint.host = "0.0.0.0"  # as if it listened there (the tests stay on loopback)
        lines = banner(endpoint).splitlines()
        assert lines[-1] == (
            "Warning: 0.0.0.0 is not a loopback address and any credentials are taken: anyone "
            "who can reach this port can read and change everything the emulator holds."
        )
    async with LocalAws(credentials={"AK": "SK"}) as strict:
        strict.host = "0.0.0.0"
        assert "warning" not in banner(strict).lower()
