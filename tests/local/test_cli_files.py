"""`batch submit --jobs/--results` and `batch watch --results` under attack on their files:
a full disk, the same file given twice, a jobs file edited between runs, torn lines, files
that are not UTF-8, several runs in one results file, lines that never got a job.

Each test runs the real command in a subprocess (as a user runs it) against an emulator in
this process, on a loopback port, and counts what reached it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from local_support import FAST, TRAINING_PAYLOAD

from aws_mlops_async.local import LocalAws

#: Runs the command with RLIMIT_FSIZE set (what `ulimit -f` sets): a write past the limit
#: fails with EFBIG, as a full disk fails with ENOSPC (Python ignores SIGXFSZ).
LIMITED = (
    "import os, resource, sys; "
    "limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "os.execv(sys.executable, [sys.executable, '-m', 'aws_mlops_async', *sys.argv[2:]])"
)


POLL = ("--poll-interval", "0.05")  # seconds between two looks of a watch


@dataclass
class Run:
    status: int
    stderr: str

    @property
    def lines(self) -> list[str]:
        """Standard error's lines, the progress bar's redraws left out."""
        return [
            line
            for line in self.stderr.replace("\r", "\n").splitlines()
            if line.strip() and not line.startswith("submitting")
        ]


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=FAST, seed=21) as running:
        yield running


async def cli(
    endpoint: LocalAws,
    *args: str,
    stdin: bytes | Path | None = None,
    file_size_limit: int | None = None,
) -> Run:
    """`python -m aws_mlops_async ARGS --endpoint-url URL`, standard input written to it or
    redirected from a file (``< FILE``), with ``ulimit -f`` in bytes."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
    }
    env.pop("AWS_PROFILE", None)
    command = [*args, "--endpoint-url", endpoint.url]
    if file_size_limit is None:
        launch = [sys.executable, "-m", "aws_mlops_async", *command]
    else:
        launch = [sys.executable, "-c", LIMITED, str(file_size_limit), *command]
    with contextlib.ExitStack() as files:
        if isinstance(stdin, Path):
            source: Any = files.enter_context(stdin.open("rb"))
        else:
            source = asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL
        process = await asyncio.create_subprocess_exec(
            *launch,
            env=env,
            stdin=source,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    given = stdin if isinstance(stdin, bytes) else None
    _, stderr = await asyncio.wait_for(process.communicate(given), timeout=90)
    assert process.returncode is not None
    return Run(process.returncode, stderr.decode(errors="replace"))


def job(name: str, **fields: Any) -> str:
    return json.dumps(
        {
            "job_name": name,
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": TRAINING_PAYLOAD,  # a training job that succeeds
            **fields,
        }
    )


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def records(path: Path) -> list[dict[str, Any]]:
    """Every line of a results file, each of which must be a whole JSON record."""
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), data[-200:]
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def submit_args(jobs: str | Path, results: Path | None, *extra: str) -> tuple[str, ...]:
    args = ("batch", "submit", "--queue", "files-q", "--jobs", str(jobs), *extra)
    return args if results is None else (*args, "--results", str(results))


def sent(endpoint: LocalAws) -> int:
    return endpoint.stats.received["SubmitServiceJob"]


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "never retrieved" not in run.stderr, run.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
async def test_watch_refuses_a_device_it_would_read_without_end(endpoint: LocalAws) -> None:
    run = await cli(endpoint, "batch", "watch", "--results", "/dev/zero", *POLL)
    no_traceback(run)
    assert run.status == 2, run.stderr
    assert "argument --results: '/dev/zero' is a device" in run.stderr


# ---- summaries count lines -----------------------------------------------------------------


@pytest.mark.timeout(60)
async def test_submit_wait_counts_lines_that_share_a_job(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    lines = [job("shared", client_token="same"), job("shared", client_token="same"), job("own")]
    jobs = write_lines(tmp_path / "jobs.jsonl", lines)

    run = await cli(endpoint, *submit_args(jobs, None, "--wait", *POLL))

    assert run.status == 0, run.stderr
    assert "3 of 3 succeeded, 0 failed" in run.stderr
    assert endpoint.stats.created["service_job"] == 2


@pytest.mark.timeout(60)
async def test_watch_follows_every_run_in_a_results_file(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(f"twice-{n}") for n in range(3)])
    results = tmp_path / "results.jsonl"
    for run_id in ("monday", "tuesday"):
        run = await cli(endpoint, *submit_args(jobs, results, "--run-id", run_id))
        assert run.status == 0, run.stderr
    assert endpoint.stats.created["service_job"] == 6

    watched = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)

    assert watched.status == 0, watched.stderr
    assert "6 of 6 succeeded, 0 failed" in watched.stderr


@pytest.mark.timeout(60)
async def test_watch_counts_lines_that_never_got_a_job(endpoint: LocalAws, tmp_path: Path) -> None:
    lines = [job(f"some-{n}") for n in range(5)] + ["[]", job("not valid"), "{"]
    jobs = write_lines(tmp_path / "jobs.jsonl", lines)
    results = tmp_path / "results.jsonl"
    submitting = await cli(endpoint, *submit_args(jobs, results))
    assert submitting.status == 1

    watched = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)

    assert watched.status == 1, watched.stderr
    assert "5 of 8 succeeded, 0 failed, 3 never got a job" in watched.stderr
    for number in (6, 7, 8):
        assert f"line {number}: " in watched.stderr


@pytest.mark.timeout(60)
async def test_submit_wait_counts_the_lines_that_never_got_a_job(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job("one"), "[]", job("two")])
    run = await cli(endpoint, *submit_args(jobs, None, "--wait", *POLL))
    assert run.status == 1, run.stderr
    assert "2 of 3 succeeded, 0 failed, 1 never got a job" in run.stderr
