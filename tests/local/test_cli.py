"""The `aws-mlops-async` command, run as a user runs it (a subprocess) against the emulator."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aws_mlops_async.local import LocalAws


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(seed=5) as running:
        yield running


async def start_cli(endpoint: LocalAws, *args: str) -> asyncio.subprocess.Process:
    """`python -m aws_mlops_async ARGS --endpoint-url URL`, credentials and region from the
    environment as a user would set them."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
    }
    env.pop("AWS_PROFILE", None)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aws_mlops_async",
        *args,
        "--endpoint-url",
        endpoint.url,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def cli(endpoint: LocalAws, *args: str) -> Run:
    process = await start_cli(endpoint, *args)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def write_jobs(path: Path, names: list[str]) -> Path:
    lines = (
        json.dumps(
            {
                "job_name": name,
                "service_job_type": "SAGEMAKER_TRAINING",
                "service_request_payload": "{}",
            }
        )
        for name in names
    )
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def read_results(path: Path) -> list[dict[str, object]]:
    """The complete lines of a results file (a line being written is left for next time)."""
    *complete, _ = path.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in complete]


async def test_submit_records_every_outcome_and_a_rerun_skips_what_is_done(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path / "jobs.jsonl", [f"train-{n}" for n in range(40)])
    results = tmp_path / "results.jsonl"
    endpoint.faults.set(throttle=0.2, unavailable=0.05)
    submit = ("batch", "submit", "--queue", "q1", "--jobs", str(jobs), "--results", str(results))

    first = await cli(endpoint, *submit, "--run-id", "nightly")

    assert first.status == 0, first.stderr
    records = read_results(results)
    assert sorted(record["line"] for record in records) == list(range(40))  # type: ignore[type-var]
    assert all(record["ok"] and record["run_id"] == "nightly" for record in records)
    assert endpoint.stats.created["service_job"] == 40
    assert "40 succeeded, 0 failed" in first.stderr

    endpoint.faults.clear()
    received = endpoint.stats.received["SubmitServiceJob"]
    again = await cli(endpoint, *submit, "--run-id", "nightly")

    assert again.status == 0, again.stderr
    assert endpoint.stats.received["SubmitServiceJob"] == received  # nothing sent again
    assert len(read_results(results)) == 40


async def test_a_rerun_without_its_results_file_still_creates_nothing_twice(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path / "jobs.jsonl", [f"train-{n}" for n in range(10)])
    submit = ("batch", "submit", "--queue", "q1", "--jobs", str(jobs), "--run-id", "r1")
    assert (await cli(endpoint, *submit)).status == 0
    assert (await cli(endpoint, *submit)).status == 0
    assert endpoint.stats.created["service_job"] == 10
    assert endpoint.stats.replayed["SubmitServiceJob"] == 10


async def test_an_invalid_job_fails_alone_is_never_sent_and_sets_the_exit_status(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path / "jobs.jsonl", ["good-1", "not a valid name", "good-2"])
    results = tmp_path / "results.jsonl"

    run = await cli(
        endpoint, "batch", "submit", "--queue", "q1", "--jobs", str(jobs), "--results", str(results)
    )

    assert run.status == 1
    by_line = {record["line"]: record for record in read_results(results)}
    assert by_line[0]["ok"] and by_line[2]["ok"]
    error = by_line[1]["error"]
    assert isinstance(error, dict) and error["type"] == "ValidationError"
    assert "job_name" in str(error["message"])
    assert endpoint.stats.received["SubmitServiceJob"] == 2
    assert "run id " in run.stderr and "2 succeeded, 1 failed" in run.stderr


async def test_listings_print_a_table_or_json_lines(endpoint: LocalAws, tmp_path: Path) -> None:
    async with endpoint.session() as session:
        for n in range(3):
            await session.batch.submit_service_job(
                job_name=f"listed-{n}",
                job_queue="q2",
                service_job_type="SAGEMAKER_TRAINING",
                service_request_payload="{}",
            )
        await session.sagemaker.create_image_version(image_name="img", base_image="repo:1")
    endpoint.clock.advance(3600)

    as_json = await cli(
        endpoint, "batch", "list-service-jobs", "--queue", "q2", "--status", "SUCCEEDED", "--json"
    )
    table = await cli(endpoint, "sagemaker", "list-image-versions", "--image-name", "img")

    assert as_json.status == 0 and table.status == 0, as_json.stderr + table.stderr
    names = sorted(json.loads(line)["jobName"] for line in as_json.stdout.splitlines())
    assert names == ["listed-0", "listed-1", "listed-2"]
    header, row = table.stdout.splitlines()
    assert header.split()[:2] == ["Version", "Status"]
    assert row.split()[:2] == ["1", "CREATED"]


async def test_a_service_error_is_one_line_on_stderr_and_status_1(endpoint: LocalAws) -> None:
    run = await cli(endpoint, "sagemaker", "list-image-versions", "--image-name", "missing")
    assert run.status == 1
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr


async def test_ctrl_c_stops_cleanly_and_the_same_run_id_finishes_the_job(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path / "jobs.jsonl", [f"train-{n}" for n in range(200)])
    results = tmp_path / "results.jsonl"
    submit = ("batch", "submit", "--queue", "q1", "--jobs", str(jobs), "--results", str(results))
    submit += ("--run-id", "interrupted", "--concurrency", "4")
    endpoint.faults.set(delay=0.05)  # about 80 jobs a second

    process = await start_cli(endpoint, *submit)
    while not results.exists() or len(read_results(results)) < 20:
        await asyncio.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == 130
    assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    recorded = len(read_results(results))
    assert 20 <= recorded < 200
    assert recorded <= endpoint.stats.created["service_job"] < 200

    endpoint.faults.clear()
    finished = await cli(endpoint, *submit)

    assert finished.status == 0, finished.stderr
    assert sorted(record["line"] for record in read_results(results)) == list(range(200))  # type: ignore[type-var]
    assert endpoint.stats.created["service_job"] == 200
