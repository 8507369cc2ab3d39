"""Exactly-once bulk submission under faults, and after a SIGKILL: the full reliability run.

What it proves, with the emulator in a process of its own (the "service", started as
`python -m aws_mlops_async.local`) answering 20% of all requests with throttling, 5% with
HTTP 503 and dropping the connection of 2% before processing them:

A. `python -m aws_mlops_async batch submit --concurrency 64` sends N jobs (10,000 unless
   `--jobs` says otherwise): it exits 0, its results file holds N lines, one successful
   outcome per input line, and the service holds exactly N jobs, one per input line
   (distinct names, and the job ids the results file recorded).
B. Against a fresh service, the same command is killed with SIGKILL once its results file
   holds about N/2 lines, then run again with the same run id and results file: it exits 0,
   every input line has a successful outcome, and the service still holds exactly N jobs,
   one per input line. The jobs created but not recorded when the process died are answered
   again from their client token, not created twice.

The jobs the service holds are counted twice: by listing them through the library (the
faults stay on, so with up to 10 attempts per call) and from the store the emulator writes
when it stops (`--snapshot`). The emulator has no statistics endpoint, so "answered from an
earlier token" is counted as the re-run's outcomes whose job id the service already held.

Exits 1 when any check fails. Writes its figures to bench/results/reliability.json and, when
every check passed with the full 10,000 jobs, rewrites the "Reliability" section of
docs/benchmarks.md between its markers (`--no-write` leaves the doc alone; `--jobs 1000` makes
a quick try). `make bench` runs it after bench/run_all.py, which rewrites the rest of that file
(and drops this section until this script puts it back).
tests/local/test_local_bulk.py and tests/local/test_cli.py are its small, in-process versions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_mlops_async import Config, PaginationConfig, Session
from aws_mlops_async.local.settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SUMMARY = ROOT / "bench" / "results" / "reliability.json"
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"
FAULTS = {"throttle": 0.20, "unavailable": 0.05, "drop": 0.02}  # in this order
QUEUE, REGION, CONCURRENCY = "rel-q", "us-east-1", 64
CREDENTIALS = {"AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET_KEY}


# The service: the emulator in its own process.


@dataclass
class Service:
    """A running emulator process, its URL and the file its store goes to when it stops."""

    process: subprocess.Popen[str]
    url: str
    store: Path


@contextmanager
def service(folder: Path, name: str, seed: int) -> Iterator[Service]:
    """A fresh emulator with the faults on, killed on the way out if not stopped by then."""
    command = [sys.executable, "-m", "aws_mlops_async.local", "--port", "0", "--seed", str(seed)]
    command += ["--region", REGION, "--snapshot", str(folder / f"{name}-store.json")]
    for kind, share in FAULTS.items():
        command += [f"--{kind.replace('_', '-')}", str(share)]
    with (folder / f"{name}-emulator.log").open("w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # its first line, once it listens
        if not url.startswith("http://"):
            raise RuntimeError(f"the emulator did not start: see {folder / name}-emulator.log")
        yield Service(process, url, folder / f"{name}-store.json")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop(running: Service) -> dict[str, Any]:
    """Stop the emulator with SIGTERM (it then writes its store); the store it wrote."""
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(timeout=60)
    store: dict[str, Any] = json.loads(running.store.read_text(encoding="utf-8"))
    return store


async def _list_jobs(url: str) -> dict[str, str]:
    session = Session(
        region_name=REGION,
        aws_access_key_id=DEFAULT_ACCESS_KEY,
        aws_secret_access_key=DEFAULT_SECRET_KEY,
        endpoint_url=url,
        config=Config(max_attempts=10),
    )
    # A creation-time filter lists every status at once, so no job moves between listings.
    pages = session.batch.get_paginator("list_service_jobs").paginate(
        job_queue=QUEUE,
        filters=[{"name": "AFTER_CREATED_AT", "values": ["0"]}],
        pagination_config=PaginationConfig(page_size=1000),
    )
    async with session:
        return {job.job_id: job.job_name async for job in pages.items()}


def listed_jobs(url: str) -> dict[str, str]:
    """Job id -> name of every job of the queue, listed through the library."""
    return asyncio.run(_list_jobs(url))


def stored_jobs(store: dict[str, Any]) -> dict[str, str]:
    """Job id -> name of every job of the queue in an emulator's store (a snapshot: each
    account's regions)."""
    return {
        job["job_id"]: job["job_name"]
        for region in store["regions"]
        for job in region["service_jobs"]
        if job["job_queue"].endswith(f"/{QUEUE}")
    }


# The client: the CLI in its own process.


@dataclass
class Run:
    """One run of the CLI: its exit status (-9: killed) and wall time."""

    status: int
    seconds: float


def write_jobs(path: Path, count: int) -> None:
    job = {"service_job_type": "SAGEMAKER_TRAINING", "service_request_payload": "{}"}
    with path.open("w", encoding="utf-8") as jobs:
        for n in range(count):
            jobs.write(json.dumps({"job_name": f"rel-{n}", **job}) + "\n")


def start_cli(
    url: str, jobs: Path, results: Path, run_id: str, log: Path
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aws_mlops_async", "batch", "submit", "--queue", QUEUE]
    command += ["--jobs", str(jobs), "--results", str(results), "--run-id", run_id]
    command += ["--endpoint-url", url, "--region", REGION, "--concurrency", str(CONCURRENCY)]
    with log.open("a") as stderr:
        return subprocess.Popen(command, env={**os.environ, **CREDENTIALS}, stderr=stderr)


def kill_at(process: subprocess.Popen[bytes], results: Path, lines: int) -> None:
    """SIGKILL ``process`` once ``results`` holds ``lines`` lines (unless it ended first)."""
    counted = offset = 0
    while process.poll() is None and counted < lines:
        time.sleep(0.01)  # another process writes the file: poll its new bytes
        if results.exists():
            with results.open("rb") as written:
                written.seek(offset)
                chunk = written.read()
            offset += len(chunk)
            counted += chunk.count(b"\n")
    process.send_signal(signal.SIGKILL)


def run_cli(
    url: str, jobs: Path, results: Path, run_id: str, *, timeout: float, kill_after: int = 0
) -> Run:
    """Run the CLI to its end (a hang past ``timeout`` is killed and reported), or SIGKILL it
    once ``kill_after`` results are written."""
    log = results.with_suffix(".log")
    started = time.perf_counter()
    process = start_cli(url, jobs, results, run_id, log)
    if kill_after:
        kill_at(process, results, kill_after)
    try:
        status = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        status = process.wait()
        print(f"  the CLI hung for {timeout:.0f} s and was killed")
    if status != 0 and not (kill_after and status == -signal.SIGKILL):
        print("  the CLI's stderr ended with:", *tail(log), sep="\n    ")
    return Run(status, time.perf_counter() - started)


def tail(log: Path, lines: int = 10) -> list[str]:
    """The last lines of a log (tqdm's progress bar redraws with carriage returns)."""
    return (
        log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n").splitlines()[-lines:]
    )


# What the results file holds.


@dataclass
class Results:
    """The results file: outcomes of its complete lines, lines that are not JSON, and
    whether it ends in the middle of a line."""

    outcomes: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0
    partial: bool = False

    @property
    def ok_lines(self) -> list[int]:
        return [outcome["line_number"] - 1 for outcome in self.outcomes if outcome.get("ok")]


def read_results(path: Path, start: int = 0, end: int | None = None) -> Results:
    """The results file's bytes ``start`` to ``end`` (by default, to its end)."""
    read = Results()
    if not path.exists():
        return read
    with path.open("rb") as file:
        file.seek(start)
        data = file.read() if end is None else file.read(end - start)
    *complete, rest = data.split(b"\n")
    read.partial = bool(rest)
    for line in complete:
        try:
            read.outcomes.append(json.loads(line))
        except ValueError:
            read.unreadable += 1
    return read


# Checks.


def check(failures: list[str], holds: bool, claim: str) -> None:
    print(f"  {'ok  ' if holds else 'FAIL'} {claim}")
    if not holds:
        failures.append(claim)


def check_service(
    failures: list[str], listed: dict[str, str], store: dict[str, Any], count: int
) -> None:
    """Exactly one job per input line, and the listing agrees with the emulator's store."""
    names = sorted(listed.values())
    expected = sorted(f"rel-{n}" for n in range(count))
    check(failures, len(listed) == count, f"the service holds {count:,} jobs ({len(listed):,})")
    check(failures, names == expected, f"one job per input line: rel-0 .. rel-{count - 1}, once")
    check(failures, stored_jobs(store) == listed, "its store holds the jobs it listed")
    tokens = sum(
        token["operation"] == "SubmitServiceJob"
        for region in store["regions"]
        for token in region["tokens"]
    )
    check(failures, tokens == count, f"{count:,} client tokens seen ({tokens:,})")


def check_outcomes(
    failures: list[str], results: Results, listed: dict[str, str], count: int
) -> None:
    """One successful outcome per input line, each naming the job made for that line."""
    ok_lines = sorted(results.ok_lines)
    check(failures, results.unreadable == 0, f"every results line is JSON ({results.unreadable})")
    check(failures, ok_lines == list(range(count)), "one successful outcome per input line")
    matched = sum(
        listed.get(outcome.get("jobId", "")) == f"rel-{outcome['line_number'] - 1}"
        for outcome in results.outcomes
        if outcome.get("ok")
    )
    check(failures, matched == len(ok_lines), "each outcome's job id is that line's job")


# The two phases.


def phase_a(folder: Path, count: int, failures: list[str]) -> dict[str, Any]:
    jobs, results = folder / "jobs.jsonl", folder / "a-results.jsonl"
    with service(folder, "a", seed=1) as running:
        run = run_cli(running.url, jobs, results, "A", timeout=timeout(count))
        listed = listed_jobs(running.url)
        store = stop(running)
    read = read_results(results)
    print(f"A: {count:,} jobs in {run.seconds:.1f} s, exit status {run.status}")
    check(failures, run.status == 0, "exit status 0")
    check(
        failures, len(read.outcomes) == count, f"{count:,} results lines ({len(read.outcomes):,})"
    )
    check_outcomes(failures, read, listed, count)
    check_service(failures, listed, store, count)
    return {
        "jobs": count,
        "seconds": round(run.seconds, 2),
        "exit_status": run.status,
        "results_lines": len(read.outcomes),
        "failed": sum(not outcome.get("ok") for outcome in read.outcomes),
        "retries": sum(outcome.get("attempts", 1) - 1 for outcome in read.outcomes),
        "created": len(listed),
        "created_in_store": len(stored_jobs(store)),
    }


def phase_b(folder: Path, count: int, failures: list[str]) -> dict[str, Any]:
    jobs, results = folder / "jobs.jsonl", folder / "b-results.jsonl"
    with service(folder, "b", seed=2) as running:
        limit = timeout(count)
        killed = run_cli(running.url, jobs, results, "B", timeout=limit, kill_after=count // 2)
        time.sleep(0.5)  # requests the service had already received are done with
        at_kill = listed_jobs(running.url)
        at_kill_bytes = results.read_bytes() if results.exists() else b""
        # Up to the last whole line: the re-run cuts off a line the kill left cut short.
        size_at_kill = at_kill_bytes.rfind(b"\n") + 1
        partial_at_kill = size_at_kill < len(at_kill_bytes)
        rerun = run_cli(running.url, jobs, results, "B", timeout=limit)
        listed = listed_jobs(running.url)
        store = stop(running)
    written = read_results(results, 0, size_at_kill)
    resumed = read_results(results, size_at_kill)
    replayed = sum(outcome.get("jobId") in at_kill for outcome in resumed.outcomes)
    recorded = written.ok_lines
    print(f"B: SIGKILL after {killed.seconds:.1f} s: {len(written.outcomes):,} results lines")
    print(f"   (ending mid-line: {partial_at_kill}), {len(at_kill):,} jobs in the service")
    print(f"   re-run: {rerun.seconds:.1f} s, exit status {rerun.status}, {replayed:,} replayed")
    check(failures, killed.status == -signal.SIGKILL, "the first run died of SIGKILL")
    check(failures, len(recorded) < count, f"it left work undone ({len(recorded):,} recorded)")
    held = all(
        at_kill.get(o.get("jobId", "")) == f"rel-{o['line_number'] - 1}" for o in written.outcomes
    )
    check(failures, held, "every outcome recorded before the kill names a job the service holds")
    check(failures, rerun.status == 0, "the re-run exits 0")
    check(
        failures,
        len(resumed.outcomes) == count - len(recorded),
        f"the re-run sent only the {count - len(recorded):,} lines without an outcome "
        f"({len(resumed.outcomes):,})",
    )
    check(
        failures,
        replayed == len(at_kill) - len(recorded),
        f"the {len(at_kill) - len(recorded):,} jobs created but not recorded were answered "
        f"from their token ({replayed:,})",
    )
    check_outcomes(failures, read_results(results), listed, count)
    check_service(failures, listed, store, count)
    return {
        "killed_after_seconds": round(killed.seconds, 2),
        "killed_exit_status": killed.status,
        "results_lines_at_kill": len(written.outcomes),
        "results_partial_line_at_kill": partial_at_kill,
        "created_at_kill": len(at_kill),
        "rerun_seconds": round(rerun.seconds, 2),
        "rerun_exit_status": rerun.status,
        "rerun_results_lines": len(resumed.outcomes),
        "rerun_replayed": replayed,
        "rerun_created": len(listed) - len(at_kill),
        "created": len(listed),
        "created_in_store": len(stored_jobs(store)),
        "distinct_names": len(set(listed.values())),
        "unreadable_results_lines": read_results(results).unreadable,
    }


def timeout(count: int) -> float:
    """Seconds after which a run of the CLI counts as hung (about 1,400 jobs/s is usual)."""
    return 60 + count * 0.05


# The report.


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), cpu)
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{cpu}, {len(os.sched_getaffinity(0))} usable cores, {python}"


def rows_a(a: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            "A: jobs submitted",
            f"{a['jobs']:,} in {a['seconds']:.1f} s, exit status {a['exit_status']}",
        ),
        ("A: results lines / failed", f"{a['results_lines']:,} / {a['failed']}"),
        ("A: retries absorbed (attempts beyond the first)", f"{a['retries']:,}"),
        (
            "A: jobs the service holds (listed / stored)",
            f"{a['created']:,} / {a['created_in_store']:,}",
        ),
    ]


def rows_b(b: dict[str, Any]) -> list[tuple[str, str]]:
    cut = " (the last one cut short)" if b["results_partial_line_at_kill"] else ""
    killed = f"{b['killed_after_seconds']:.1f} s, {b['results_lines_at_kill']:,} results lines{cut}"
    rerun = f"{b['rerun_seconds']:.1f} s, exit status {b['rerun_exit_status']}"
    final = f"{b['created']:,} / {b['created_in_store']:,} / {b['distinct_names']:,}"
    return [
        ("B: SIGKILL after", killed),
        ("B: jobs the service held after the kill", f"{b['created_at_kill']:,}"),
        ("B: re-run with the same run id and results file", rerun),
        ("B: re-run results lines", f"{b['rerun_results_lines']:,}"),
        (
            "B: of which answered from an earlier token / new jobs",
            f"{b['rerun_replayed']:,} / {b['rerun_created']:,}",
        ),
        ("B: jobs the service holds (listed / stored) / distinct names", final),
    ]


def section(when: str, a: dict[str, Any], b: dict[str, Any]) -> str:
    table = "\n".join(f"| {label} | {figure} |" for label, figure in rows_a(a) + rows_b(b))
    throttle, unavailable, drop = (f"{FAULTS[kind]:.0%}" for kind in FAULTS)
    return f"""{BEGIN}
## Reliability

`python bench/reliability.py` on {when}; machine: {machine()}.

`aws-mlops-async batch submit --concurrency {CONCURRENCY}` against the emulator
(`python -m aws_mlops_async.local`) in a process of its own, which throttles {throttle} of all
requests, answers {unavailable} with HTTP 503 and drops the connection of {drop} before handling
them. A: {a["jobs"]:,} jobs. B: against a fresh emulator, the command is killed with SIGKILL once
its results file holds about {a["jobs"] // 2:,} lines, then run again with the same run id and
results file. The jobs the service holds are listed through the library and read from the
store the emulator writes when it stops; "answered from an earlier token" counts the re-run's
outcomes whose job id the service held before the re-run.

| | figure |
|---|---|
{table}

Every check passed: one job per input line and one successful outcome per line, in both
phases. The jobs created but not yet in the results file when the process died were sent
again by the re-run with the same token, and the service answered them with the jobs it had
made.
{END}"""


def write_section(text: str, begin: str = BEGIN, end: str = END) -> None:
    """Put ``text`` (which starts with ``begin`` and ends with ``end``) in docs/benchmarks.md,
    in place of the section between those markers, else at its end."""
    doc = DOC.read_text(encoding="utf-8")
    if begin in doc:
        head, rest = doc.split(begin, 1)
        doc = head + text + rest.split(end, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs per phase (10,000)")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        write_jobs(folder / "jobs.jsonl", args.jobs)
        a = phase_a(folder, args.jobs, failures)
        b = phase_b(folder, args.jobs, failures)
    summary = {"date": when, "faults": FAULTS, "a": a, "b": b, "failures": failures}
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    if failures:
        print(f"{len(failures)} check(s) failed; {DOC} left as it was")
        return 1
    if args.jobs == 10_000 and not args.no_write:
        write_section(section(when, a, b))
        print(f"wrote the Reliability section of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
