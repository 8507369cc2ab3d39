"""The `aws-mlops-async` command, run as a user runs it (a subprocess) against the emulator."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from local_support import AS_FROM_A_TERMINAL, TRAINING_PAYLOAD

from aws_mlops_async import __version__
from aws_mlops_async.cli.options import open_session
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


async def start_cli(
    endpoint: LocalAws, *args: str, url: str | None = None, stdin: bool = False
) -> asyncio.subprocess.Process:
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
        url or endpoint.url,
        env=env,
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=AS_FROM_A_TERMINAL,
    )


async def cli(
    endpoint: LocalAws, *args: str, url: str | None = None, stdin: bytes | None = None
) -> Run:
    process = await start_cli(endpoint, *args, url=url, stdin=stdin is not None)
    stdout, stderr = await asyncio.wait_for(process.communicate(stdin), timeout=60)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


JOB_LINE = {"service_job_type": "SAGEMAKER_TRAINING", "service_request_payload": TRAINING_PAYLOAD}


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
    assert sorted(record["line_number"] for record in records) == list(range(1, 41))  # type: ignore[type-var]
    assert all(record["ok"] and record["run_id"] == "nightly" for record in records)
    assert endpoint.stats.created["service_job"] == 40
    assert "40 succeeded, 0 failed" in first.stderr

    endpoint.faults.clear()
    received = endpoint.stats.received["SubmitServiceJob"]
    again = await cli(endpoint, *submit, "--run-id", "nightly")

    assert again.status == 0, again.stderr
    assert endpoint.stats.received["SubmitServiceJob"] == received  # nothing sent again
    assert len(read_results(results)) == 40
    assert "40 succeeded (40 done earlier), 0 failed" in again.stderr


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
    by_line = {record["line_number"]: record for record in read_results(results)}
    assert by_line[1]["ok"] and by_line[3]["ok"]
    error = by_line[2]["error"]
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
                service_request_payload=TRAINING_PAYLOAD,  # a payload SageMaker takes
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
    endpoint.faults.set(delay=0.2)  # about 20 jobs a second: 10 s for all, however loaded

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
    assert sorted(record["line_number"] for record in read_results(results)) == list(range(1, 201))  # type: ignore[type-var]
    assert endpoint.stats.created["service_job"] == 200


MIXED = [
    json.dumps(JOB_LINE | {"job_name": "good-1"}),
    "",
    '{"job_name": "cut-short"',
    "[1, 2, 3]",
    json.dumps(JOB_LINE | {"job_name": "good-2"}),
    json.dumps(JOB_LINE | {"job_name": "not a valid name"}),
    json.dumps(JOB_LINE | {"job_name": "good-3"}),
    "   ",
    "",
]


async def test_bad_lines_fail_alone_with_their_line_number_and_the_rest_is_sent(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"

    run = await cli(
        endpoint, "batch", "submit", "--queue", "q1", "--jobs", str(jobs), "--results", str(results)
    )

    assert run.status == 1
    assert endpoint.stats.created["service_job"] == 3
    assert endpoint.stats.received["SubmitServiceJob"] == 3
    by_line = {record["line_number"]: record for record in read_results(results)}
    assert sorted(by_line) == [1, 3, 4, 5, 6, 7]
    assert [n for n, record in by_line.items() if record["ok"]] == [1, 5, 7]
    assert "line 3: not valid JSON" in run.stderr
    assert "line 4: expected a JSON object, found an array" in run.stderr
    assert "line 6: Invalid parameters for SubmitServiceJob: job_name" in run.stderr
    for line in (3, 4, 6):
        error = by_line[line]["error"]
        assert isinstance(error, dict) and error["message"] in run.stderr
    assert "3 succeeded, 3 failed" in run.stderr


async def test_failed_lines_reach_stderr_without_a_results_file(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("\n".join(MIXED), encoding="utf-8")  # no newline after the last line
    run = await cli(endpoint, "batch", "submit", "--queue", "q1", "--jobs", str(jobs))
    assert run.status == 1
    assert [f"line {n}:" in run.stderr for n in (3, 4, 6)] == [True] * 3
    assert endpoint.stats.created["service_job"] == 3


async def test_jobs_from_standard_input(endpoint: LocalAws) -> None:
    lines = [json.dumps(JOB_LINE | {"job_name": f"piped-{n}"}) for n in range(5)]
    run = await cli(
        endpoint, "batch", "submit", "--queue", "q1", "--jobs", "-", stdin="\n".join(lines).encode()
    )
    assert run.status == 0, run.stderr
    assert endpoint.stats.created["service_job"] == 5


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("batch", "submit", "--queue", "q", "--jobs", "missing.jsonl"), "--jobs"),
        (("batch", "submit", "--queue", "q", "--jobs", "."), "--jobs"),
        (("batch", "submit", "--queue", "q", "--jobs", "-", "--concurrency", "0"), "--concurrency"),
        (("batch", "submit", "--queue", "q", "--jobs", "-", "--concurrency", "x"), "--concurrency"),
        (("batch", "submit", "--queue", "q", "--jobs", "-", "--max-rate", "-1"), "--max-rate"),
        (
            ("batch", "submit", "--queue", "q", "--jobs", "-", "--give-up-after", "0"),
            "--give-up-after",
        ),
        (("batch", "submit", "--queue", "q", "--jobs", "-", "--results", "."), "--results"),
        (("batch", "list-service-jobs", "--queue", "q", "--status", "running"), "--status"),
    ],
)
async def test_a_bad_flag_value_is_one_line_naming_the_flag_and_status_2(
    endpoint: LocalAws,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    flag: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    run = await cli(endpoint, *args, stdin=b"")
    assert run.status == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert f"argument {flag}:" in run.stderr
    assert sum(endpoint.stats.received.values()) == 0


async def test_an_unreachable_endpoint_gives_up_naming_it(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    jobs = write_jobs(tmp_path / "jobs.jsonl", ["never-sent"])
    # Long enough for a loaded machine to make (and fail) a first attempt before the run
    # gives up: with none, there is no refusal to name. The refused attempts are retried
    # meanwhile, so the run still ends after these seconds.
    give_up_after = "5"
    submit = ("batch", "submit", "--queue", "q1", "--jobs", str(jobs))
    submit += ("--give-up-after", give_up_after)

    run = await cli(endpoint, *submit, url=f"http://127.0.0.1:{port}")

    assert run.status == 1
    assert f"127.0.0.1:{port}" in run.stderr and "connection refused" in run.stderr
    assert "Traceback" not in run.stderr


async def test_a_listing_piped_into_head_ends_quietly(endpoint: LocalAws) -> None:
    async with endpoint.session() as session:
        jobs = (JOB_LINE | {"job_name": f"many-{n}", "job_queue": "q3"} for n in range(1500))
        async with session.batch.submit_service_jobs(jobs, concurrency=64) as run:
            assert all([outcome.ok async for outcome in run])
    endpoint.clock.advance(3600)
    command = [sys.executable, "-m", "aws_mlops_async", "batch", "list-service-jobs"]
    command += ["--queue", "q3", "--status", "SUCCEEDED", "--endpoint-url", endpoint.url]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
    }
    process = await asyncio.create_subprocess_shell(
        f"{shlex.join(command)} | head -n 1",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert len(stdout.decode().splitlines()) == 1
    assert stderr.decode() == ""


ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def table(stdout: str) -> list[dict[str, str]]:
    """The rows of a table the CLI printed, by column (columns are two or more spaces apart)."""
    header, *lines = stdout.splitlines()
    starts = [match.start() for match in re.finditer(r"(?:^|(?<=  ))\S", header)]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    names = [header[a:b].strip() for a, b in bounds]
    return [
        {name: line[a:b].strip() for name, (a, b) in zip(names, bounds, strict=True)}
        for line in lines
    ]


async def test_version(endpoint: LocalAws) -> None:
    run = await cli(endpoint, "--version")
    assert (run.status, run.stdout.strip()) == (0, f"aws-mlops-async {__version__}")


async def test_service_jobs_of_every_status_are_listed_unless_one_is_asked_for(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path / "jobs.jsonl", [f"listed-{n}" for n in range(3)])
    assert (
        await cli(endpoint, "batch", "submit", "--queue", "q5", "--jobs", str(jobs))
    ).status == 0

    everything = await cli(endpoint, "batch", "list-service-jobs", "--queue", "q5")
    running = await cli(
        endpoint, "batch", "list-service-jobs", "--queue", "q5", "--status", "RUNNING"
    )
    help_text = await cli(endpoint, "batch", "list-service-jobs", "--help")

    rows = table(everything.stdout)
    assert sorted(row["Name"] for row in rows) == ["listed-0", "listed-1", "listed-2"]
    assert list(rows[0]) == ["Job Id", "Name", "Status", "Created", "Status Reason"]
    assert all(ISO_UTC.match(row["Created"]) for row in rows), rows
    assert running.stdout.strip() == "(none)"  # just submitted: none is running yet
    assert "every status" in " ".join(help_text.stdout.split())


async def test_notebook_runs_from_start_to_finish(endpoint: LocalAws) -> None:
    where = ("--domain", "dzd_cli")
    started = await cli(
        endpoint,
        "datazone",
        "start-notebook-run",
        *where,
        "--project",
        "prj1",
        "--notebook",
        "nb1",
        "--parameter",
        "epochs=3",
        "--json",
    )
    assert started.status == 0, started.stderr
    run_id = json.loads(started.stdout)["id"]
    waited = await cli(endpoint, "datazone", "wait", *where, "--run-id", run_id, "--delay", "0.2")
    got = await cli(endpoint, "datazone", "get-notebook-run", *where, "--run-id", run_id)
    listed = await cli(endpoint, "datazone", "list-notebook-runs", *where, "--project", "prj1")

    assert waited.status == 0, waited.stderr
    [row] = table(waited.stdout)
    assert (row["Run Id"], row["Status"]) == (run_id, "SUCCEEDED")
    assert ISO_UTC.match(row["Created"]) and ISO_UTC.match(row["Completed"])
    assert table(got.stdout) == [row]
    assert [r["Run Id"] for r in table(listed.stdout)] == [run_id]
    assert "epochs" not in got.stdout


async def test_a_failed_notebook_run_makes_wait_exit_1(endpoint: LocalAws) -> None:
    endpoint.state.fail_next("notebook_run", reason="the kernel died")
    started = await cli(
        endpoint,
        "datazone",
        "start-notebook-run",
        "--domain",
        "dzd_cli",
        "--project",
        "p",
        "--notebook",
        "n",
        "--json",
    )
    run_id = json.loads(started.stdout)["id"]
    waited = await cli(
        endpoint, "datazone", "wait", "--domain", "dzd_cli", "--run-id", run_id, "--delay", "0.2"
    )
    assert waited.status == 1
    assert "FAILED" in waited.stderr and "Traceback" not in waited.stderr


async def test_model_packaging_jobs_from_start_to_finish(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    configuration = tmp_path / "greengrass.json"
    configuration.write_text(
        json.dumps(
            {
                "Greengrass": {
                    "TargetDevice": "jetson_xavier",
                    "S3OutputLocation": {"Bucket": "models-bucket", "Prefix": "p/"},
                    "ComponentName": "detector",
                }
            }
        ),
        encoding="utf-8",
    )
    where = ("--project", "boards")
    started = await cli(
        endpoint,
        "lookoutvision",
        "start-model-packaging-job",
        *where,
        "--model-version",
        "1",
        "--configuration",
        f"@{configuration}",
        "--job-name",
        "pkg-1",
    )
    waited = await cli(
        endpoint, "lookoutvision", "wait", *where, "--job-name", "pkg-1", "--delay", "0.2"
    )
    described = await cli(
        endpoint, "lookoutvision", "describe-model-packaging-job", *where, "--job-name", "pkg-1"
    )
    listed = await cli(endpoint, "lookoutvision", "list-model-packaging-jobs", *where, "--json")

    assert started.status == 0 and "pkg-1" in started.stdout, started.stderr
    assert waited.status == 0, waited.stderr
    [row] = table(described.stdout)
    assert (row["Job Name"], row["Status"]) == ("pkg-1", "SUCCEEDED")
    assert ISO_UTC.match(row["Created"])
    assert [json.loads(line)["JobName"] for line in listed.stdout.splitlines()] == ["pkg-1"]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("datazone", "get-notebook-run", "--domain", "not a domain", "--run-id", "r"), "--domain"),
        (
            (
                "lookoutvision",
                "start-model-packaging-job",
                "--project",
                "p",
                "--model-version",
                "1",
                "--configuration",
                "{not json",
            ),
            "--configuration",
        ),
        (
            (
                "lookoutvision",
                "start-model-packaging-job",
                "--project",
                "p",
                "--model-version",
                "1",
                "--configuration",
                "@/no/such/file",
            ),
            "--configuration",
        ),
        (
            (
                "datazone",
                "start-notebook-run",
                "--domain",
                "dzd_a",
                "--project",
                "p",
                "--notebook",
                "n",
                "--parameter",
                "no-equals-sign",
            ),
            "--parameter",
        ),
        (
            (
                "datazone",
                "list-notebook-runs",
                "--domain",
                "dzd_a",
                "--project",
                "p",
                "--status",
                "done",
            ),
            "--status",
        ),
    ],
)
async def test_a_bad_value_is_reported_by_its_flag_with_status_2(
    endpoint: LocalAws, args: tuple[str, ...], flag: str
) -> None:
    run = await cli(endpoint, *args)
    assert run.status == 2, run.stderr
    assert f"argument {flag}:" in run.stderr and "_identifier" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert sum(endpoint.stats.received.values()) == 0


def test_local_means_the_emulator_on_its_default_port() -> None:
    from aws_mlops_async.cli import _parser
    from aws_mlops_async.cli.options import LOCAL_URL

    args = _parser().parse_args(["batch", "list-service-jobs", "--queue", "q", "--local"])

    async def endpoint() -> str:
        async with open_session(args) as session:
            return await session.batch.endpoint()

    assert asyncio.run(endpoint()) == LOCAL_URL == "http://127.0.0.1:4567"


# ---- issue 24: describing a job, page sizes, help, masked JSON ------------------------------


@pytest.mark.timeout(60)
async def test_describe_service_job_names_the_training_job_it_runs_as(endpoint: LocalAws) -> None:
    async with endpoint.session() as session:
        job = await session.batch.submit_service_job(
            job_name="described", job_queue="dq", **JOB_LINE
        )
    endpoint.clock.advance(3600)  # long enough to have run to its end

    described = await cli(endpoint, "batch", "describe-service-job", "--job", job.job_id)
    as_json = await cli(
        endpoint, "batch", "describe-service-job", "--job", job.job_arn or "", "--json"
    )
    missing = await cli(endpoint, "batch", "describe-service-job", "--job", "no-such-job")

    assert described.status == as_json.status == 0, described.stderr + as_json.stderr
    [row] = table(described.stdout)
    assert (row["Job Id"], row["Name"]) == (job.job_id, "described")
    assert row["Queue"].rsplit("/", 1)[-1] == "dq"
    assert row["Status"] == "SUCCEEDED" and row["Training Job"].startswith("awsbatch-described")
    assert json.loads(as_json.stdout)["jobId"] == job.job_id
    assert missing.status == 1 and missing.stderr.startswith("error: ")


@pytest.mark.timeout(60)
async def test_a_listing_in_small_pages_is_one_table(endpoint: LocalAws) -> None:
    async with endpoint.session() as session:
        for n in range(5):
            await session.batch.submit_service_job(
                job_name=f"paged-{n}", job_queue="pq", **JOB_LINE
            )
    listing = ("batch", "list-service-jobs", "--queue", "pq")

    paged = await cli(endpoint, *listing, "--page-size", "2")
    too_big = await cli(endpoint, "sagemaker", "list-training-jobs", "--page-size", "101")

    assert paged.status == 0, paged.stderr
    assert sorted(row["Name"] for row in table(paged.stdout)) == [f"paged-{n}" for n in range(5)]
    assert paged.stdout.count("Job Id") == 1
    assert too_big.status == 2
    assert too_big.stderr.startswith("aws-mlops-async: error: argument --page-size: ")


def test_every_argument_of_every_command_says_what_it_is_for() -> None:
    from aws_mlops_async.cli import _parser

    unexplained = []

    def visit(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, command in action.choices.items():
                    visit(command, [*path, name])
            elif not action.help:
                unexplained.append(" ".join([*path, *action.option_strings, action.dest]))

    visit(_parser(), [])
    assert unexplained == []


@pytest.mark.timeout(60)
async def test_json_masks_a_sensitive_map(endpoint: LocalAws) -> None:
    where = ("--domain", "dzd_cli")
    started = await cli(
        endpoint,
        *("datazone", "start-notebook-run", *where, "--project", "prj1", "--notebook", "nb1"),
        *("--parameter", "api_key=s3cr3t", "--json"),
    )
    assert started.status == 0, started.stderr
    run_id = json.loads(started.stdout)["id"]

    got = await cli(endpoint, "datazone", "get-notebook-run", *where, "--run-id", run_id, "--json")

    assert got.status == 0, got.stderr
    assert "s3cr3t" not in started.stdout + got.stdout
    assert json.loads(got.stdout)["parameters"] == "**********"


@pytest.mark.timeout(60)
async def test_an_invalid_job_names_the_nested_member_in_python_names(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    payload = {**json.loads(TRAINING_PAYLOAD), "ResourceConfig": {"InstanceCount": "many"}}
    line = {"job_name": "nested", "service_job_type": "SAGEMAKER_TRAINING"}
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(json.dumps({**line, "service_request_payload": payload}) + "\n")

    run = await cli(endpoint, "batch", "submit", "--queue", "nq", "--jobs", str(jobs))

    assert run.status == 1
    assert "line 1: " in run.stderr
    assert "service_request_payload.resource_config.instance_count: " in run.stderr
