"""`sagemaker logs` and `batch logs` (issue 25), run as a user runs them, against a scripted
world of CloudWatch Logs on a loopback port (`integration/logs_world.py`): each line printed
as it arrives, prefixed by its instance, timestamps as asked, every message terminal-safe; a
missing job or one with no lines yet a one-line error; a closed pipe and Ctrl-C end quietly."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web
from integration.logs_world import LogWorld
from local_support import AS_FROM_A_TERMINAL, FAST, TRAINING_PAYLOAD

from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(60)

#: Epoch milliseconds of the world's first line: 2023-11-14T22:13:20Z.
T0 = 1_700_000_000_000
HOSTILE = "loss nan\x1b]0;pwned\x07\x1b[2J\r\u202eforged"
SEEN = r"loss nan\x1b]0;pwned\x07\x1b[2J\r\u202eforged"
QUICK = ("--poll-interval", "0.05")


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
async def world() -> AsyncIterator[tuple[LogWorld, str]]:
    """A scripted world of one training job (``train-1``), served on a loopback port."""
    made = LogWorld()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", made.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        [(host, port, *_)] = [s.getsockname() for s in site._server.sockets]  # type: ignore[union-attr]
        yield made, f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def environment() -> dict[str, str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "TZ": "UTC",  # local time, as the default shows it, is UTC here
    }
    env.pop("AWS_PROFILE", None)
    return env


async def start(url: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "aws_mlops_async", *args, "--endpoint-url", url),
        env=environment(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=AS_FROM_A_TERMINAL,
    )


async def cli(url: str, *args: str) -> Run:
    process = await start(url, *args)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=50)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


async def cli_with_logs(endpoint: LocalAws, logs_url: str, *args: str) -> Run:
    """The command against the emulator, CloudWatch Logs against the scripted world."""
    env = {
        **environment(),
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_ENDPOINT_URL": endpoint.url,
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": logs_url,
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "aws_mlops_async", *args),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=50)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def job_line(name: str) -> str:
    return json.dumps(
        {
            "job_name": name,
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": TRAINING_PAYLOAD,
        }
    )


def two_instances(made: LogWorld) -> None:
    first, second = made.stream(1), made.stream(2)
    made.write(first, (T0, "algo-1 starts\n"), (T0 + 2000, "epoch 1"))
    made.write(second, (T0 + 1000, "algo-2 starts"), (T0 + 3250, HOSTILE))
    made.status = "Completed"


async def test_lines_of_every_instance_in_time_order_prefixed_and_terminal_safe(
    world: tuple[LogWorld, str],
) -> None:
    made, url = world
    two_instances(made)

    local = await cli(url, "sagemaker", "logs", "train-1")
    iso = await cli(url, "sagemaker", "logs", "train-1", "--timestamps", "iso")
    bare = await cli(url, "sagemaker", "logs", "train-1", "--timestamps", "none")

    assert (local.status, iso.status, bare.status) == (0, 0, 0), local.stderr + iso.stderr
    assert local.stdout.splitlines() == [
        "[algo-1] 2023-11-14 22:13:20 algo-1 starts",
        "[algo-2] 2023-11-14 22:13:21 algo-2 starts",
        "[algo-1] 2023-11-14 22:13:22 epoch 1",
        f"[algo-2] 2023-11-14 22:13:23 {SEEN}",
    ]
    assert iso.stdout.splitlines()[3] == f"[algo-2] 2023-11-14T22:13:23.250Z {SEEN}"
    assert bare.stdout.splitlines() == [
        "[algo-1] algo-1 starts",
        "[algo-2] algo-2 starts",
        "[algo-1] epoch 1",
        f"[algo-2] {SEEN}",
    ]
    assert "\x1b" not in local.stdout + iso.stdout + bare.stdout
    assert local.stderr == ""


async def test_tail_and_since_choose_the_last_lines(world: tuple[LogWorld, str]) -> None:
    made, url = world
    two_instances(made)
    since = datetime.fromtimestamp((T0 + 1500) / 1000).astimezone().isoformat()

    tail = await cli(url, "sagemaker", "logs", "train-1", "--tail", "2", "--timestamps", "none")
    after = await cli(url, "sagemaker", "logs", "train-1", "--since", since, "--timestamps", "none")

    assert tail.stdout.splitlines() == ["[algo-1] epoch 1", f"[algo-2] {SEEN}"]
    assert after.stdout.splitlines() == ["[algo-1] epoch 1", f"[algo-2] {SEEN}"]


async def test_a_service_job_s_logs_are_its_training_job_s(world: tuple[LogWorld, str]) -> None:
    made, url = world
    two_instances(made)
    made.training_job_arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-1"
    made.service_job_status = "SUCCEEDED"

    run = await cli(url, "batch", "logs", "job-1", "--timestamps", "none")

    assert run.status == 0, run.stderr
    assert run.stdout.splitlines()[0] == "[algo-1] algo-1 starts"
    assert made.counts["DescribeServiceJob"] == 1


async def test_a_missing_job_is_a_one_line_error(world: tuple[LogWorld, str]) -> None:
    made, url = world
    made.exists = False

    run = await cli(url, "sagemaker", "logs", "train-1")

    assert (run.status, run.stdout) == (1, "")
    [line] = run.stderr.splitlines()
    assert line.startswith("error: ") and "Requested resource not found" in line


async def test_no_lines_yet_is_a_one_line_error_and_follow_waits_for_them(
    world: tuple[LogWorld, str],
) -> None:
    made, url = world
    made.group = False  # nothing written in the region yet

    early = await cli(url, "sagemaker", "logs", "train-1")

    assert (early.status, early.stdout) == (1, "")
    assert early.stderr == (
        "error: training job train-1 has written no logs yet (status InProgress; --follow "
        "waits for them)\n"
    )

    made.status = "Failed"
    ended = await cli(url, "sagemaker", "logs", "train-1")
    assert ended.stderr == "error: training job train-1 wrote no logs (status Failed)\n"
    made.status = "InProgress"

    def starts_then_ends(operation: str) -> None:
        if operation == "DescribeTrainingJob" and made.counts[operation] == 3:
            made.group = True
            made.write(made.stream(1), (T0, "at last"))
        if operation == "DescribeTrainingJob" and made.counts[operation] == 5:
            made.status = "Completed"

    made.before = starts_then_ends
    followed = await cli(url, "sagemaker", "logs", "train-1", "--follow", *QUICK)

    assert followed.status == 0, followed.stderr
    assert followed.stdout == "[algo-1] 2023-11-14 22:13:20 at last\n"


async def test_a_pipe_closed_early_ends_quietly_with_status_0(
    world: tuple[LogWorld, str],
) -> None:
    made, url = world
    stream = made.stream(1)
    # Far more than a pipe holds, and a job still running: only the closed pipe ends it.
    made.write(stream, *((T0 + n, f"line {n} " + "x" * 200) for n in range(5000)))
    process = await start(url, "sagemaker", "logs", "train-1", "--follow", *QUICK)
    assert process.stdout is not None and process.stderr is not None

    head = [await asyncio.wait_for(process.stdout.readline(), timeout=30) for _ in range(3)]
    process.stdout.feed_eof()
    transport = process._transport  # type: ignore[attr-defined]
    transport.get_pipe_transport(1).close()  # as `| head -3` exits
    stderr = await asyncio.wait_for(process.stderr.read(), timeout=30)
    status = await asyncio.wait_for(process.wait(), timeout=30)

    assert [line.decode().split(" ")[3:5] for line in head] == [
        ["line", "0"],
        ["line", "1"],
        ["line", "2"],
    ]
    assert status == 0
    assert stderr == b""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT as a terminal sends it")
async def test_ctrl_c_ends_a_follow_cleanly(world: tuple[LogWorld, str]) -> None:
    made, url = world
    made.write(made.stream(1), (T0, "training"))
    process = await start(url, "sagemaker", "logs", "train-1", "--follow", *QUICK)
    assert process.stdout is not None and process.stderr is not None

    first = await asyncio.wait_for(process.stdout.readline(), timeout=30)
    process.send_signal(signal.SIGINT)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert first.decode().endswith(" training\n")
    assert process.returncode == 130
    assert stderr.decode() == "interrupted\n"
    assert stdout == b""


async def test_a_bad_tail_is_a_usage_error_before_anything_is_sent(
    world: tuple[LogWorld, str],
) -> None:
    made, url = world

    run = await cli(url, "sagemaker", "logs", "train-1", "--tail", "0")
    too_many = await cli(url, "sagemaker", "logs", "train-1", "--tail", "10001")

    assert run.status == too_many.status == 2
    assert "--tail" in run.stderr and "--tail" in too_many.stderr, too_many.stderr
    assert made.asked == []


# ---- --logs-on-failure: why the failed jobs failed, in the summary ---------------------------


@pytest.fixture
async def emulator() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=FAST, seed=25) as running:
        yield running


def writes_every_training_job_s_logs(endpoint: LocalAws, made: LogWorld) -> None:
    """Before each look at the streams, every training job the emulator ran has a stream
    whose lines name it (and its failure reason, when it failed)."""

    def write(operation: str) -> None:
        if operation != "DescribeLogStreams":
            return
        for job in endpoint.state.training_jobs.values():
            stream = f"{job.name}/algo-1-1700000000"
            if stream not in made.streams:
                made.streams[stream] = [
                    (T0, f"{job.name} starts"),
                    (T0 + 1, f"{job.name}: {job.failure_reason or 'done'}"),
                ]

    made.before = write


async def test_submit_wait_shows_each_failed_job_s_own_last_lines(
    emulator: LocalAws, world: tuple[LogWorld, str], tmp_path: Path
) -> None:
    made, logs_url = world
    writes_every_training_job_s_logs(emulator, made)
    emulator.state.fail_next("service_job", reason=f"CUDA out of memory {HOSTILE}")
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(job_line("fails") + "\n" + job_line("succeeds") + "\n")

    run = await cli_with_logs(
        emulator,
        logs_url,
        *("batch", "submit", "--queue", "lq", "--jobs", str(jobs), "--wait", *QUICK),
        *("--logs-on-failure", "20"),
    )

    assert run.status == 1, run.stderr
    assert "\x1b" not in run.stderr
    [failed] = [job for job in emulator.state.training_jobs.values() if job.failure_reason]
    summary = run.stderr[run.stderr.index("1 of 2 succeeded") :].splitlines()
    # The name as the job's ARN spells it (in lower case).
    assert summary[1].startswith("  line 1: job ")
    assert f"(training job {failed.name.lower()})" in summary[1]
    assert summary[1].endswith(f": CUDA out of memory {SEEN}")
    assert summary[2:] == [
        f"      [algo-1] 2023-11-14 22:13:20 {failed.name} starts",
        f"      [algo-1] 2023-11-14 22:13:20 {failed.name}: CUDA out of memory {SEEN}",
    ]


async def test_watch_says_why_a_failed_job_s_logs_could_not_be_read(
    emulator: LocalAws, world: tuple[LogWorld, str], tmp_path: Path
) -> None:
    made, logs_url = world
    writes_every_training_job_s_logs(emulator, made)
    made.failing = ["AccessDeniedException"] * 3  # the caller may not read them
    emulator.state.fail_next("service_job", reason="bad input")
    async with emulator.session() as session:
        job = await session.batch.submit_service_job(
            job_name="fails",
            job_queue="wq",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload=TRAINING_PAYLOAD,
        )
    results = tmp_path / "results.jsonl"
    record = {"run_id": "r", "line_number": 1, "ok": True, "job_queue": "wq", "jobId": job.job_id}
    results.write_text(json.dumps(record) + "\n")

    run = await cli_with_logs(
        emulator,
        logs_url,
        *("batch", "watch", "--results", str(results), "--logs-on-failure", "5", *QUICK),
    )

    assert run.status == 1, run.stderr
    lines = run.stderr.splitlines()
    reason = lines.index(next(line for line in lines if line.endswith(": bad input")))
    assert lines[reason + 1].startswith("      (its logs could not be read: ")
    assert "AccessDeniedException" in lines[reason + 1]
    assert lines[reason + 2 :] == []


# ---- end to end: the emulator's own training logs ---------------------------------------------


async def test_submit_wait_prints_each_failed_job_s_own_lines_from_the_emulator(
    emulator: LocalAws, tmp_path: Path
) -> None:
    reasons = ["AlgorithmError: KeyError: 'labels'", "AlgorithmError: ValueError: bad shape"]
    for reason in reasons:
        emulator.state.fail_next("batch", reason=reason)
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("".join(job_line(name) + "\n" for name in ("first", "second")))
    env = {
        **environment(),
        "AWS_ACCESS_KEY_ID": emulator.access_key,
        "AWS_SECRET_ACCESS_KEY": emulator.secret_key,
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "aws_mlops_async", "batch", "submit", "--queue", "eq"),
        *("--jobs", str(jobs), "--concurrency", "1", "--wait", *QUICK),
        *("--logs-on-failure", "20", "--endpoint-url", emulator.url),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, raw = await asyncio.wait_for(process.communicate(), timeout=50)
    stderr = raw.decode()

    assert process.returncode == 1, stderr
    summary = stderr[stderr.index("0 of 2 succeeded, 2 failed") :].splitlines()[1:]
    blocks = _blocks(summary)
    for (line, logs), reason, number in zip(blocks, reasons, (1, 2), strict=True):
        [job] = [
            job for job in emulator.state.training_jobs.values() if job.failure_reason == reason
        ]
        assert line.startswith(f"  line {number}: job ")
        assert line.endswith(f"(training job {job.name.lower()}): {reason}")
        assert 0 < len(logs) <= 20
        assert all(
            re.match(r"      \[algo-\d+\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", log) for log in logs
        )
        assert logs[-1].endswith(reason.rpartition(": ")[2])  # its own traceback's last line


def _blocks(summary: list[str]) -> list[tuple[str, list[str]]]:
    """Each failed line of a summary, and the log lines printed under it."""
    blocks: list[tuple[str, list[str]]] = []
    for line in summary:
        if line.startswith("  line "):
            blocks.append((line, []))
        else:
            blocks[-1][1].append(line)
    return blocks


async def test_a_service_job_s_logs_read_from_the_emulator_by_its_arn(emulator: LocalAws) -> None:
    async with emulator.session() as session:
        job = await session.batch.submit_service_job(
            job_name="read",
            job_queue="rq",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload=TRAINING_PAYLOAD,
        )
    emulator.clock.advance(3600)  # run to its end
    env = {
        **environment(),
        "AWS_ACCESS_KEY_ID": emulator.access_key,
        "AWS_SECRET_ACCESS_KEY": emulator.secret_key,
    }

    async def logs(*args: str) -> tuple[int | None, str, str]:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "aws_mlops_async", *args, "--endpoint-url", emulator.url),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=50)
        return process.returncode, stdout.decode(), stderr.decode()

    status, every, stderr = await logs("batch", "logs", job.job_arn or "", "--timestamps", "none")
    [training] = emulator.state.training_jobs.values()
    _, last, _ = await logs(
        "sagemaker", "logs", training.name, "--tail", "1", "--timestamps", "iso"
    )

    assert status == 0, stderr
    lines = every.splitlines()
    assert len(lines) > 3 and all(line.startswith("[algo-1] ") for line in lines)
    [only] = last.splitlines()
    assert re.fullmatch(r"\[algo-1\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z .+", only)
    assert only.split(" ", 2)[2] == lines[-1].split(" ", 1)[1]  # the same last line
