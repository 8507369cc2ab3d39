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
import re
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
    stdout: str = ""

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
    stdout, stderr = await asyncio.wait_for(process.communicate(given), timeout=90)
    assert process.returncode is not None
    return Run(process.returncode, stderr.decode(errors="replace"), stdout.decode())


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


# ---- the same file twice ----------------------------------------------------------------


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link", "standard input"])
async def test_results_that_are_the_jobs_file_are_refused_before_anything_is_sent(
    endpoint: LocalAws, tmp_path: Path, how: str
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(f"loop-{n}") for n in range(1500)])
    before = jobs.read_bytes()
    results = {
        "same path": jobs,
        "symlink": tmp_path / "results.jsonl",
        "hard link": tmp_path / "results.jsonl",
        "standard input": jobs,
    }[how]
    if how == "symlink":
        results.symlink_to(jobs)
    elif how == "hard link":
        results.hardlink_to(jobs)
    if how == "standard input":  # --jobs - < jobs.jsonl
        run = await cli(endpoint, *submit_args("-", results), stdin=jobs)
    else:
        run = await cli(endpoint, *submit_args(jobs, results))

    assert run.status == 2, run.stderr
    [line] = run.lines
    assert "argument --results:" in line and "--jobs" in line, line
    assert sent(endpoint) == 0
    assert jobs.read_bytes() == before  # nothing appended to the jobs


# ---- a results file that cannot be written ------------------------------------------------


@pytest.mark.timeout(90)
async def test_a_full_disk_stops_the_run_at_once_and_a_rerun_finishes_it(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    count = 1500
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(f"full-{n}") for n in range(count)])
    results = tmp_path / "results.jsonl"
    args = submit_args(jobs, results, "--run-id", "disk-full", "--concurrency", "4")
    endpoint.faults.set(delay=0.01)  # a few hundred jobs a second: the failure comes early

    stopped = await cli(endpoint, *args, file_size_limit=20_000)

    no_traceback(stopped)
    assert stopped.status == 1, stopped.stderr
    [error] = [line for line in stopped.lines if "error" in line]
    assert "results.jsonl" in error and "File too large" in error, error
    assert "--run-id disk-full" in error
    written = records(results)  # whole lines only: no torn last line
    assert 0 < len(written) < 100
    assert results.stat().st_size <= 20_000
    # Nothing more is sent once the file fails: what was in flight, and what the writer had
    # not written yet, at most.
    assert len(written) <= sent(endpoint) <= len(written) + 100, (len(written), sent(endpoint))

    endpoint.faults.clear()
    finished = await cli(endpoint, *args)

    assert finished.status == 0, finished.stderr
    assert sorted(r["line_number"] for r in records(results)) == list(range(1, count + 1))
    assert endpoint.stats.created["service_job"] == count  # nothing created twice


async def test_a_results_file_that_cannot_be_written_at_all_is_refused_first(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job("never")])
    run = await cli(endpoint, *submit_args(jobs, tmp_path / "no-such-folder" / "results.jsonl"))
    assert run.status == 2, run.stderr
    [line] = run.lines
    assert "argument --results: cannot write" in line, line
    assert sent(endpoint) == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
async def test_a_device_with_no_space_left_stops_the_run_with_one_line(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(f"nospace-{n}") for n in range(300)])

    run = await cli(endpoint, *submit_args(jobs, Path("/dev/full"), "--concurrency", "4"))

    no_traceback(run)
    assert run.status == 1, run.stderr
    [error] = [line for line in run.lines if "error" in line]
    assert "/dev/full" in error and "No space left on device" in error, error
    assert sent(endpoint) < 100  # it stopped at the first write, not after 300 jobs


# ---- torn lines ----------------------------------------------------------------------------


async def submitted(endpoint: LocalAws, tmp_path: Path, names: list[str], run_id: str) -> Path:
    """A results file from a first run of ``names`` under ``run_id``."""
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(name) for name in names])
    results = tmp_path / "results.jsonl"
    run = await cli(endpoint, *submit_args(jobs, results, "--run-id", run_id))
    assert run.status == 0, run.stderr
    return results


async def test_a_torn_last_line_is_ignored_with_a_warning_by_resume_and_watch(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    results = await submitted(endpoint, tmp_path, [f"torn-{n}" for n in range(6)], "torn")
    whole = records(results)
    # The run crashed (or the disk filled) while writing its last line.
    kept = "".join(json.dumps(record) + "\n" for record in whole[:5])
    results.write_text(kept + json.dumps(whole[5])[:40], encoding="utf-8")

    watched = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)

    assert watched.status == 0, watched.stderr
    warnings = [line for line in watched.lines if "cut short" in line]
    assert len(warnings) == 1 and "results.jsonl" in warnings[0], watched.stderr
    assert "5 of 5 succeeded" in watched.stderr

    received = sent(endpoint)
    resumed = await cli(
        endpoint, *submit_args(tmp_path / "jobs.jsonl", results, "--run-id", "torn")
    )

    assert resumed.status == 0, resumed.stderr
    assert len([line for line in resumed.lines if "cut short" in line]) == 1, resumed.stderr
    assert sent(endpoint) == received + 1  # the line whose record was torn, and only it
    assert sorted(r["line_number"] for r in records(results)) == [1, 2, 3, 4, 5, 6]
    assert endpoint.stats.created["service_job"] == 6
    again = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)
    assert again.status == 0 and "cut short" not in again.stderr, again.stderr
    assert "6 of 6 succeeded" in again.stderr


async def test_a_last_record_without_its_newline_is_kept(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    results = await submitted(endpoint, tmp_path, ["a", "b"], "newline")
    results.write_bytes(results.read_bytes().rstrip(b"\n"))
    received = sent(endpoint)

    resumed = await cli(
        endpoint, *submit_args(tmp_path / "jobs.jsonl", results, "--run-id", "newline")
    )

    assert resumed.status == 0, resumed.stderr
    assert sent(endpoint) == received and "cut short" not in resumed.stderr
    assert [r["line_number"] for r in records(results)] == [1, 2]


# ---- files that are not UTF-8 ------------------------------------------------------------

NOT_UTF8 = b'{"run_id": "r", "line_number": 1, "ok": true, "jobName": "caf\xe9"}\n'


async def test_a_results_file_that_is_not_utf8_is_refused_naming_the_flag(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_lines(tmp_path / "jobs.jsonl", [job("utf")])
    results = tmp_path / "results.jsonl"
    results.write_bytes(NOT_UTF8)

    submitting = await cli(endpoint, *submit_args(jobs, results, "--run-id", "r"))
    watching = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)

    for run in (submitting, watching):
        no_traceback(run)
        assert run.status == 2, run.stderr
        [line] = run.lines
        assert "argument --results:" in line and "UTF-8" in line and "line 1" in line, line
    assert sent(endpoint) == 0
    assert results.read_bytes() == NOT_UTF8


@pytest.mark.parametrize("source", ["file", "standard input"])
async def test_a_jobs_file_that_is_not_utf8_is_refused_naming_the_flag(
    endpoint: LocalAws, tmp_path: Path, source: str
) -> None:
    content = (job("fine") + "\n" + job("cafX")).encode().replace(b"cafX", b"caf\xe9")
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(content + b"\n")

    if source == "file":
        run = await cli(endpoint, *submit_args(jobs, None))
    else:
        run = await cli(endpoint, *submit_args("-", None), stdin=content + b"\n")

    no_traceback(run)
    assert run.status == 2, run.stderr
    [line] = [line for line in run.lines if "argument" in line]
    assert "argument --jobs:" in line and "line 2" in line and "UTF-8" in line, line
    if source == "file":
        assert sent(endpoint) == 0  # refused before anything is sent
    assert endpoint.stats.created["service_job"] <= 1


async def test_a_jobs_file_in_utf16_is_refused_at_its_first_line(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(job("wide") + "\n", encoding="utf-16")
    run = await cli(endpoint, *submit_args(jobs, None))
    assert run.status == 2 and "line 1" in run.stderr and "UTF-8" in run.stderr, run.stderr
    assert sent(endpoint) == 0


async def test_a_utf8_byte_order_mark_is_not_a_bad_line(endpoint: LocalAws, tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(("\ufeff" + job("bom-1") + "\n" + job("bom-2") + "\n").encode())
    run = await cli(endpoint, *submit_args(jobs, None))
    assert run.status == 0, run.stderr
    assert endpoint.stats.created["service_job"] == 2


async def test_a_pipe_given_as_the_jobs_path_is_read_once(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    # As bash's `--jobs <(...)` gives it: a path that is a pipe, which reading through to
    # count its lines would leave empty.
    lines = [job(f"piped-{n}") for n in range(3)]
    run = await cli(endpoint, *submit_args("/dev/stdin", None), stdin="\n".join(lines).encode())
    assert run.status == 0, run.stderr
    assert endpoint.stats.created["service_job"] == 3
    assert "3 succeeded, 0 failed" in run.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
async def test_watch_refuses_a_device_it_would_read_without_end(endpoint: LocalAws) -> None:
    run = await cli(endpoint, "batch", "watch", "--results", "/dev/zero", *POLL)
    no_traceback(run)
    assert run.status == 2, run.stderr
    assert "argument --results: '/dev/zero' is a device" in run.stderr


# ---- a jobs file edited between runs -------------------------------------------------------

NAMES = ["edit-a", "edit-b", "edit-c", "edit-d", "edit-e"]


@pytest.mark.parametrize(
    ("edit", "first_changed"),
    [
        ("line inserted at the top", 1),
        ("line changed", 3),
        ("line removed", 2),
        ("last line removed", 5),
    ],
)
async def test_a_resume_whose_jobs_file_changed_is_refused_naming_the_first_changed_line(
    endpoint: LocalAws, tmp_path: Path, edit: str, first_changed: int
) -> None:
    results = await submitted(endpoint, tmp_path, NAMES, "edited")
    assert all(isinstance(r.get("line_digest"), str) for r in records(results))
    names = {
        "line inserted at the top": ["edit-new", *NAMES],
        "line changed": ["edit-a", "edit-b", "edit-C", "edit-d", "edit-e"],
        "line removed": ["edit-a", "edit-c", "edit-d", "edit-e"],
        "last line removed": NAMES[:-1],
    }[edit]
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(name) for name in names])
    received, recorded = sent(endpoint), results.read_bytes()

    for source in ("file", "standard input"):
        if source == "file":
            run = await cli(endpoint, *submit_args(jobs, results, "--run-id", "edited"))
        else:
            run = await cli(
                endpoint,
                *submit_args("-", results, "--run-id", "edited"),
                stdin=jobs.read_bytes(),
            )

        no_traceback(run)
        assert run.status == 2, run.stderr
        [line] = [line for line in run.lines if "argument" in line]
        assert "argument --jobs:" in line and re.search(rf"\bline {first_changed}\b", line), line
        assert sent(endpoint) == received  # nothing sent, nothing created twice
        assert results.read_bytes() == recorded


@pytest.mark.parametrize("source", ["file", "standard input redirected from the file"])
async def test_a_changed_file_is_refused_before_lines_above_the_change_are_sent(
    endpoint: LocalAws, tmp_path: Path, source: str
) -> None:
    # More lines above the change than a run takes before their outcomes are read
    # (concurrency + 16): read as they are sent, some would be sent before it is found.
    above = 100
    jobs = write_lines(tmp_path / "jobs.jsonl", ["{"] * above + [job("above-last")])
    results = tmp_path / "results.jsonl"
    first = await cli(endpoint, *submit_args(jobs, results, "--run-id", "above"))
    assert first.status == 1 and endpoint.stats.created["service_job"] == 1
    # The lines above fixed in place (allowed: they never reached the service), the last
    # one changed.
    write_lines(jobs, [job(f"above-{n}") for n in range(above)] + [job("above-LAST")])
    received = sent(endpoint)

    if source == "file":
        run = await cli(endpoint, *submit_args(jobs, results, "--run-id", "above"))
    else:
        run = await cli(endpoint, *submit_args("-", results, "--run-id", "above"), stdin=jobs)

    assert run.status == 2, run.stderr
    assert f"argument --jobs: line {above + 1} is not the line run 'above' sent" in run.stderr
    assert sent(endpoint) == received  # not one line above it was sent either


async def test_lines_added_at_the_end_resume(endpoint: LocalAws, tmp_path: Path) -> None:
    results = await submitted(endpoint, tmp_path, NAMES, "grown")
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(name) for name in [*NAMES, "edit-f"]])
    received = sent(endpoint)

    run = await cli(endpoint, *submit_args(jobs, results, "--run-id", "grown"))

    assert run.status == 0, run.stderr
    assert sent(endpoint) == received + 1
    assert endpoint.stats.created["service_job"] == 6


async def test_a_line_that_never_reached_the_service_may_be_fixed_in_place(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    lines = [job("fix-a"), '{"job_name": "fix-b"', job("fix-c")]
    jobs = write_lines(tmp_path / "jobs.jsonl", lines)
    results = tmp_path / "results.jsonl"
    first = await cli(endpoint, *submit_args(jobs, results, "--run-id", "fixed"))
    assert first.status == 1 and "line 2: not valid JSON" in first.stderr

    write_lines(jobs, [job("fix-a"), job("fix-b"), job("fix-c")])
    again = await cli(endpoint, *submit_args(jobs, results, "--run-id", "fixed"))

    assert again.status == 0, again.stderr
    assert endpoint.stats.created["service_job"] == 3


@pytest.mark.parametrize("version", ["0.1", "0.2"])
async def test_results_written_by_older_versions_still_resume(
    endpoint: LocalAws, tmp_path: Path, version: str
) -> None:
    results = await submitted(endpoint, tmp_path, NAMES[:3], "old")
    old = []
    for record in records(results):
        del record["line_digest"]  # neither version wrote a digest
        if version == "0.1":
            record["line"] = record.pop("line_number") - 1
        old.append(json.dumps(record))
    write_lines(results, old)
    jobs = write_lines(tmp_path / "jobs.jsonl", [job(name) for name in NAMES])
    received = sent(endpoint)

    run = await cli(endpoint, *submit_args(jobs, results, "--run-id", "old"))

    assert run.status == 0, run.stderr
    assert "done earlier" in run.stderr
    assert sent(endpoint) == received + 2  # only lines 4 and 5
    assert endpoint.stats.created["service_job"] == 5


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


async def test_the_help_says_what_the_files_promise(endpoint: LocalAws) -> None:
    submitting = await cli(endpoint, "batch", "submit", "--help")
    watching = await cli(endpoint, "batch", "watch", "--help")

    assert submitting.status == watching.status == 0
    submit_help, watch_help = (" ".join(run.stdout.split()) for run in (submitting, watching))
    assert "line_digest" in submit_help and "not the --jobs file" in submit_help
    assert "it refuses (exit status 2, before anything is sent)" in submit_help
    assert "nothing more is sent" in submit_help
    assert "never got a job" in watch_help and "every job every run" in watch_help
