"""What the command prints from a service or a file is safe for a terminal (issue 22).

A status reason is anyone's to set (TerminateServiceJob takes any text), and a jobs file or a
results file holds what its writer put there. Printed raw, an OSC sequence retitles the
terminal, a CSI one clears it or moves the cursor, a carriage return or a backspace writes
over what was printed, a C1 control is a CSI of its own, a bidi override makes a line read in
another order. Each test puts such a value where a printed form shows it (a table, the watch
summary, submit's progress and summary, an error line) and finds it escaped, visibly, with no
raw control character on standard output or standard error but the newlines ending the
command's own lines; ``--json`` gives the exact value back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from local_support import FAST, TRAINING_PAYLOAD

from aws_mlops_async.local import LocalAws

#: A value as hostile as a terminal allows: an OSC retitling the window (ended by BEL), CSIs
#: clearing the screen and moving the cursor home, a carriage return and backspaces writing
#: over the line, DEL, a C1 CSI (U+009B) and a C1 next-line (U+0085), a right-to-left
#: override and a left-to-right isolate, a newline forging a line of its own.
HOSTILE = (
    "ok\x1b]0;pwned\x07\x1b[2J\x1b[1;1H\rforged\b\b\x7f\x9b31m\u202eevil\u2066\x85"
    "\n40 of 40 succeeded"
)
#: How it must read: every control character escaped as Python writes it.
SEEN = (
    r"ok\x1b]0;pwned\x07\x1b[2J\x1b[1;1H\rforged\x08\x08\x7f\x9b31m\u202eevil\u2066\x85"
    r"\n40 of 40 succeeded"
)
#: What a terminal acts on (or cannot be sent): anything of the kind but the newline ending a
#: line.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
POLL = ("--poll-interval", "0.05")


def assert_safe(text: str) -> None:
    found = RAW.search(text)
    assert found is None, f"raw {found.group()!r} at {found.start()} in {text!r}"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=FAST, seed=22) as running:
        yield running


def environment(endpoint: LocalAws | None = None) -> dict[str, str]:
    """The environment a user sets: the emulator's keys (any, for another endpoint)."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key if endpoint else "test",
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key if endpoint else "test",
        "AWS_REGION": "us-east-1",
    }
    env.pop("AWS_PROFILE", None)
    return env


async def cli(where: LocalAws | str, *args: str) -> Run:
    """`python -m aws_mlops_async ARGS --endpoint-url URL`, standard error not a terminal."""
    endpoint = where if isinstance(where, LocalAws) else None
    url = where.url if isinstance(where, LocalAws) else where
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aws_mlops_async",
        *args,
        "--endpoint-url",
        url,
        env=environment(endpoint),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    # Decoded strictly: a byte that is not UTF-8 would be a finding of its own.
    return Run(process.returncode, stdout.decode(), stderr.decode())


def job_line(name: str, **fields: Any) -> str:
    return json.dumps(
        {
            "job_name": name,
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": TRAINING_PAYLOAD,
            **fields,
        }
    )


async def terminated_job(endpoint: LocalAws, queue: str, *, name: str = "victim") -> str:
    """A job on ``queue`` someone terminated with `HOSTILE` as its reason; its id."""
    endpoint.clock.hold()  # still going when it is terminated, however loaded the machine
    async with endpoint.session() as session:
        job = await session.batch.submit_service_job(
            job_name=name,
            job_queue=queue,
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload=TRAINING_PAYLOAD,
        )
        await session.batch.terminate_service_job(job_id=job.job_id, reason=HOSTILE)
    endpoint.clock.release()
    return job.job_id


# ---- tables ----------------------------------------------------------------------------------


@pytest.mark.timeout(60)
async def test_a_listing_shows_a_hostile_reason_and_name_escaped_and_json_exact(
    endpoint: LocalAws,
) -> None:
    job_id = await terminated_job(endpoint, "tq")
    # As a service that lets any name through would list it; non-ASCII text and a line
    # separator too.
    name = "name-" + HOSTILE + "-r\u00e9sum\u00e9-\u8bad\u7ec3\u2028"
    endpoint.state.service_jobs[job_id].job_name = name

    table = await cli(endpoint, "batch", "list-service-jobs", "--queue", "tq")
    as_json = await cli(endpoint, "batch", "list-service-jobs", "--queue", "tq", "--json")

    assert table.status == as_json.status == 0, table.stderr + as_json.stderr
    for run in (table, as_json):
        assert_safe(run.stdout + run.stderr)
    header, row = table.stdout.splitlines()  # the newline in the values forged no line
    assert header.startswith("Job Id")
    assert SEEN in row and f"name-{SEEN}-r\u00e9sum\u00e9-\u8bad\u7ec3\\u2028" in row
    [line] = as_json.stdout.splitlines()
    job = json.loads(line)
    assert (job["statusReason"], job["jobName"]) == (HOSTILE, name)


def _table_of(
    row: Callable[[Any], dict[str, str]], model: Any, wire: dict[str, Any]
) -> tuple[Callable[[Any], dict[str, str]], Any]:
    return row, model.model_validate(wire)


def every_table() -> list[tuple[Callable[[Any], dict[str, str]], Any]]:
    """Each table the command prints, of a resource whose strings are all `HOSTILE`."""
    from aws_mlops_async.cli.batch import service_job_row
    from aws_mlops_async.cli.datazone import run_row
    from aws_mlops_async.cli.lookoutvision import job_row
    from aws_mlops_async.cli.sagemaker import image_version_row, training_job_row
    from aws_mlops_async.services.batch.models import ServiceJobSummary
    from aws_mlops_async.services.datazone.models import NotebookRunSummary
    from aws_mlops_async.services.lookoutvision.models import ModelPackagingJobMetadata
    from aws_mlops_async.services.sagemaker.models import (
        DescribeTrainingJobResponse,
        ImageVersion,
        TrainingJobSummary,
    )

    when = "2026-01-01T00:00:00Z"
    return [
        _table_of(
            service_job_row,
            ServiceJobSummary,
            {
                "jobId": HOSTILE,
                "jobName": HOSTILE,
                "serviceJobType": "SAGEMAKER_TRAINING",
                "status": HOSTILE,
                "statusReason": HOSTILE,
            },
        ),
        _table_of(
            training_job_row,
            TrainingJobSummary,
            {
                "TrainingJobName": HOSTILE,
                "TrainingJobArn": HOSTILE,
                "CreationTime": when,
                "TrainingJobStatus": HOSTILE,
            },
        ),
        _table_of(
            training_job_row,
            DescribeTrainingJobResponse,
            {
                "TrainingJobName": HOSTILE,
                "TrainingJobArn": HOSTILE,
                "TrainingJobStatus": HOSTILE,
                "SecondaryStatus": HOSTILE,
                "FailureReason": HOSTILE,
                "CreationTime": when,
                "AlgorithmSpecification": {"TrainingInputMode": "File"},
                "ModelArtifacts": {"S3ModelArtifacts": "s3://b/k"},
                "RoleArn": "arn:aws:iam::123456789012:role/R",
                "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
                "ResourceConfig": {"VolumeSizeInGB": 1},
                "StoppingCondition": {},
            },
        ),
        _table_of(
            image_version_row,
            ImageVersion,
            {
                "CreationTime": when,
                "ImageArn": HOSTILE,
                "ImageVersionArn": HOSTILE,
                "ImageVersionStatus": HOSTILE,
                "LastModifiedTime": when,
                "Version": 1,
            },
        ),
        _table_of(
            run_row,
            NotebookRunSummary,
            {
                "id": HOSTILE,
                "domainId": HOSTILE,
                "owningProjectId": HOSTILE,
                "notebookId": HOSTILE,
                "status": HOSTILE,
                "createdAt": when,
            },
        ),
        _table_of(
            job_row,
            ModelPackagingJobMetadata,
            {"JobName": HOSTILE, "Status": HOSTILE, "StatusMessage": HOSTILE},
        ),
    ]


@pytest.mark.parametrize(("row", "resource"), every_table())
def test_every_table_shows_hostile_strings_escaped_and_json_exact(
    row: Callable[[Any], dict[str, str]], resource: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_mlops_async.cli.tables import show

    show([resource, resource], row, as_json=False)
    table = capsys.readouterr().out
    show([resource], row, as_json=True)
    as_json = capsys.readouterr().out

    assert_safe(table + as_json)
    assert len(table.splitlines()) == 3  # a header and two rows, however many newlines came
    assert SEEN in table
    assert json.loads(as_json) == resource.model_dump(mode="json", exclude_none=True)


# ---- the watch summary ---------------------------------------------------------------------


@pytest.mark.timeout(60)
async def test_the_watch_summary_shows_a_hostile_reason_and_job_id_escaped(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    job_id = await terminated_job(endpoint, "wq")
    results = tmp_path / "results.jsonl"
    records = [
        {"run_id": "r", "line_number": 1, "ok": True, "job_queue": "wq", "jobId": job_id},
        # A results file holds what its writer put there: a job id too.
        {"run_id": "r", "line_number": 2, "ok": True, "job_queue": "wq", "jobId": "id-" + HOSTILE},
        # And a message with a lone surrogate, which JSON allows and no terminal takes.
        {"run_id": "r", "line_number": 3, "ok": False, "error": {"message": HOSTILE + "\ud800"}},
    ]
    results.write_text("".join(json.dumps(record) + "\n" for record in records))

    run = await cli(endpoint, "batch", "watch", "--results", str(results), *POLL)

    assert run.status == 1, run.stderr
    assert_safe(run.stdout + run.stderr)
    assert f"line 1: job {job_id}: {SEEN}" in run.stderr
    assert f"line 2: job id-{SEEN}" in run.stderr
    assert f"line 3: no job: {SEEN}\\ud800\n" in run.stderr
    assert "0 of 3 succeeded, 2 failed, 1 never got a job" in run.stderr


# ---- submit: error lines, progress, summary --------------------------------------------------


@pytest.mark.timeout(60)
async def test_submit_wait_shows_a_hostile_line_and_reason_escaped(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    endpoint.state.fail_next("service_job", reason=HOSTILE)
    jobs = tmp_path / "jobs.jsonl"
    # A member named with escapes: the error quoting the line names it.
    jobs.write_text(job_line("fails") + "\n" + job_line("odd", **{HOSTILE: 1}) + "\n")

    run = await cli(
        endpoint, "batch", "submit", "--queue", "sq", "--jobs", str(jobs), "--wait", *POLL
    )

    assert run.status == 1, run.stderr
    assert_safe(run.stdout + run.stderr)
    assert f"line 2: Invalid parameters for SubmitServiceJob: {SEEN}: " in run.stderr
    assert f": {SEEN}\n" in run.stderr  # line 1's job, FAILED for that reason
    assert "0 of 2 succeeded, 1 failed, 1 never got a job" in run.stderr


#: An error code with escapes (a code never holds ``:`` or ``#``, which would cut it).
HOSTILE_CODE = "Boom\x1b]0;pwned\x07\x1b[2J\r\x9b1m"
SEEN_CODE = r"Boom\x1b]0;pwned\x07\x1b[2J\r\x9b1m"


class HostileBatch:
    """A Batch endpoint answering with escapes: each job's first submission a 500 with
    `HOSTILE_CODE`, then the job; a job named ``refused`` a 400 saying `HOSTILE`; every
    listing a 400 saying `HOSTILE`."""

    def __init__(self) -> None:
        self.tried: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        if request.path != "/v1/submitservicejob":
            return web.json_response({"__type": "ClientException", "message": HOSTILE}, status=400)
        name = (await request.json())["jobName"]
        if name == "refused":
            return web.json_response({"__type": "ClientException", "message": HOSTILE}, status=400)
        if name not in self.tried:
            self.tried.add(name)
            return web.json_response({"__type": HOSTILE_CODE, "message": HOSTILE}, status=500)
        await asyncio.sleep(0.2)  # long enough for a redraw of the bar
        job_id = str(uuid.uuid4())
        return web.json_response(
            {
                "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}",
                "jobName": name,
                "jobId": job_id,
            }
        )


@contextlib.asynccontextmanager
async def hostile_batch() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", HostileBatch().handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        [(host, port, *_)] = [s.getsockname() for s in site._server.sockets]  # type: ignore[union-attr]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@pytest.mark.timeout(60)
async def test_submit_error_lines_show_what_the_service_said_escaped(
    tmp_path: Path,
) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(job_line(name) + "\n" for name in ("a", "b", "refused")))

    async with hostile_batch() as url:
        run = await cli(url, "batch", "submit", "--queue", "hq", "--jobs", str(jobs))

    assert run.status == 1, run.stderr
    assert_safe(run.stdout + run.stderr)
    assert f"line 3: ClientException (HTTP 400) calling SubmitServiceJob: {SEEN}\n" in run.stderr


@pytest.mark.timeout(60)
async def test_a_service_error_line_shows_its_message_escaped() -> None:
    async with hostile_batch() as url:
        run = await cli(url, "batch", "list-service-jobs", "--queue", "hq")

    assert run.status == 1
    assert_safe(run.stdout + run.stderr)
    assert run.stderr.startswith("error: ") and SEEN in run.stderr
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal on Linux")
@pytest.mark.timeout(60)
async def test_the_bar_on_a_terminal_shows_the_retry_reason_escaped(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(job_line(f"j{n}") + "\n" for n in range(4)))
    controller, terminal = pty.openpty()
    # A terminal 250 columns wide (a new one is 0 wide: nothing of a bar would fit).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 250, 0, 0))
    async with hostile_batch() as url:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "aws_mlops_async", "batch", "submit", "--queue", "hq"),
            *("--jobs", str(jobs), "--concurrency", "1", "--endpoint-url", url),
            env=environment(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=terminal,
        )
        os.close(terminal)
        drawn = asyncio.create_task(asyncio.to_thread(_read_all, controller))
        await asyncio.wait_for(process.wait(), timeout=50)
        screen = (await asyncio.wait_for(drawn, timeout=10)).decode()
    os.close(controller)

    assert process.returncode == 0, screen
    assert "submitting" in screen  # the bar was drawn
    for raw in ("\x1b]0;pwned", "\x1b[2J", "\x9b", "\x07"):
        assert raw not in screen, screen
    assert f"last retry: {SEEN_CODE}" in screen


def _read_all(fd: int) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):  # EIO once the command closed its terminal
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    return b"".join(chunks)


# ---- the command's own usage errors -----------------------------------------------------------


async def test_a_usage_error_quotes_an_argument_escaped() -> None:
    # Refused before anything is sent: the endpoint is never reached.
    run = await cli("http://127.0.0.1:9", "batch", "list-service-jobs", "--queue", "q", HOSTILE)

    assert run.status == 2
    assert_safe(run.stdout + run.stderr)
    assert f"unrecognized arguments: {SEEN}" in run.stderr
