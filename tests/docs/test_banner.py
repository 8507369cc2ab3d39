"""What the emulator's banner tells a user to set is enough for boto3 and the AWS CLI, which
read the region from AWS_DEFAULT_REGION only (AWS_REGION is this library's alone)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def banner_variables() -> Iterator[dict[str, str]]:
    """The variables the banner of a shell-started emulator says to set."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aws_mlops_async.local", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()  # the URL
        process.stderr.readline()  # what it is
        told = process.stderr.readline()
        assert told.startswith("Point an SDK at it: "), told
        words = shlex.split(told.removeprefix("Point an SDK at it: "))
        yield dict(word.split("=", 1) for word in words)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def sdk_environment(variables: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        **variables,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }


def test_the_banner_names_the_region_variable_boto3_reads(
    banner_variables: dict[str, str],
) -> None:
    assert set(banner_variables) == {
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
    }


def test_boto3_given_only_the_banner_variables_calls_the_emulator(
    banner_variables: dict[str, str], tmp_path: Path
) -> None:
    script = (
        "import boto3; "
        "jobs = boto3.client('batch').list_service_jobs(jobQueue='ml-queue'); "
        "print(jobs['ResponseMetadata']['HTTPStatusCode'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=sdk_environment(banner_variables, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "200"


def test_the_aws_cli_given_only_the_banner_variables_calls_the_emulator(
    banner_variables: dict[str, str], tmp_path: Path
) -> None:
    aws = Path(sys.executable).parent / "aws"
    result = subprocess.run(
        [str(aws), "batch", "list-service-jobs", "--job-queue", "ml-queue"],
        env=sdk_environment(banner_variables, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"jobSummaryList"' in result.stdout
