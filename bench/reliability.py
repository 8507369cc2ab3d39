"""Exactly-once bulk submission under faults, and after a SIGKILL: the full reliability run.

Two phases, each against a fresh emulator in this process (the "service", which outlives
the client) injecting 20% throttling, 5% HTTP 503 and 2% dropped connections:

A. `aws-mlops-async batch submit` sends N jobs: N outcomes, all succeeded, N jobs created.
B. The same command is killed with SIGKILL once its results file holds about half of the
   jobs, then run again with the same run id and results file: still exactly N jobs, one
   per input line, every line with a successful outcome.

The script exits 1 when any of that does not hold, and rewrites the "Reliability" section
of docs/benchmarks.md with its figures (`--no-write` to leave it). `make bench` runs it;
tests/local/test_local_bulk.py and tests/local/test_cli.py are its small versions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_mlops_async.local import LocalAws

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"
FAULTS = {"throttle": 0.20, "unavailable": 0.05, "drop": 0.02}
QUEUE = "reliability"


@dataclass
class Submission:
    """One run of the CLI: how it ended and what its results file held then."""

    status: int
    seconds: float
    result_lines: int


def write_jobs(path: Path, count: int) -> None:
    job = {"service_job_type": "SAGEMAKER_TRAINING", "service_request_payload": "{}"}
    with path.open("w", encoding="utf-8") as jobs:
        for n in range(count):
            jobs.write(json.dumps({"job_name": f"rel-{n}", **job}) + "\n")


def complete_lines(path: Path) -> list[dict[str, Any]]:
    """The results file's complete lines (one being written is left out)."""
    if not path.exists():
        return []
    *complete, _ = path.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in complete]


async def start_submit(endpoint: LocalAws, jobs: Path, results: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
    }
    command = ["-m", "aws_mlops_async", "batch", "submit", "--queue", QUEUE, "--jobs", str(jobs)]
    command += ["--results", str(results), "--run-id", "reliability", "--concurrency", "64"]
    command += ["--endpoint-url", endpoint.url]
    return await asyncio.create_subprocess_exec(
        sys.executable, *command, env=env, stderr=asyncio.subprocess.DEVNULL
    )


async def submit(
    endpoint: LocalAws, jobs: Path, results: Path, *, kill_after: int | None = None
) -> Submission:
    """Run the CLI to its end, or SIGKILL it once ``kill_after`` results are written."""
    started = time.perf_counter()
    process = await start_submit(endpoint, jobs, results)
    if kill_after is not None:
        # Another process writes the file: there is no event to wait on, so poll it.
        while process.returncode is None and len(complete_lines(results)) < kill_after:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    status = await process.wait()
    return Submission(status, time.perf_counter() - started, len(complete_lines(results)))


def created_names(endpoint: LocalAws) -> list[str]:
    return [job.job_name for job in endpoint.state.service_jobs.values()]


def check(failures: list[str], holds: bool, claim: str) -> None:
    print(f"  {'ok  ' if holds else 'FAIL'} {claim}")
    if not holds:
        failures.append(claim)


async def phase_a(count: int, folder: Path, failures: list[str]) -> dict[str, Any]:
    jobs, results = folder / "jobs.jsonl", folder / "a-results.jsonl"
    write_jobs(jobs, count)
    async with LocalAws(seed=1) as endpoint:
        endpoint.faults.set(**FAULTS)
        run = await submit(endpoint, jobs, results)
        names = created_names(endpoint)
        outcomes = complete_lines(results)
        print(f"A: {count} jobs in {run.seconds:.1f} s, exit {run.status}")
        check(failures, run.status == 0, "exit status 0")
        check(failures, len(outcomes) == count, f"{count} outcomes recorded ({len(outcomes)})")
        check(failures, all(o["ok"] for o in outcomes), "every outcome succeeded")
        check(failures, len(names) == count == len(set(names)), f"{count} jobs ({len(names)})")
        return {
            "jobs": count,
            "seconds": run.seconds,
            "exit_status": run.status,
            "outcomes": len(outcomes),
            "failed": sum(not o["ok"] for o in outcomes),
            "created": len(names),
            "retries": sum(o["attempts"] - 1 for o in outcomes),
            "received": sum(endpoint.stats.received.values()),
            "faults": dict(endpoint.stats.faults),
            "replayed": sum(endpoint.stats.replayed.values()),
        }


async def phase_b(count: int, folder: Path, failures: list[str]) -> dict[str, Any]:
    jobs, results = folder / "jobs.jsonl", folder / "b-results.jsonl"
    async with LocalAws(seed=2) as endpoint:
        endpoint.faults.set(**FAULTS)
        killed = await submit(endpoint, jobs, results, kill_after=count // 2)
        at_kill = len(created_names(endpoint))
        print(f"B: killed after {killed.seconds:.1f} s, {killed.result_lines} results written")
        print(f"   {at_kill} jobs in the service at the kill")
        replayed_before = sum(endpoint.stats.replayed.values())
        rerun = await submit(endpoint, jobs, results)
        names = created_names(endpoint)
        lines = {o["line"] for o in complete_lines(results) if o["ok"]}
        replayed = sum(endpoint.stats.replayed.values()) - replayed_before
        print(f"   re-run: {rerun.seconds:.1f} s, exit {rerun.status}, {replayed} replayed")
        check(failures, killed.status == -signal.SIGKILL, "the first run died of SIGKILL")
        check(failures, at_kill < count, f"the kill left work undone ({at_kill} of {count})")
        check(failures, rerun.status == 0, "the re-run exits 0")
        check(failures, lines == set(range(count)), "every line has a successful outcome")
        check(failures, len(names) == count == len(set(names)), f"{count} jobs ({len(names)})")
        return {
            "killed_after_seconds": killed.seconds,
            "results_at_kill": killed.result_lines,
            "created_at_kill": at_kill,
            "rerun_seconds": rerun.seconds,
            "rerun_exit_status": rerun.status,
            "rerun_replayed": replayed,
            "created": len(names),
            "distinct_names": len(set(names)),
        }


def section(a: dict[str, Any], b: dict[str, Any]) -> str:
    faults = ", ".join(f"{name} {share:.0%}" for name, share in FAULTS.items())
    injected = ", ".join(f"{count:,} {kind}" for kind, count in sorted(a["faults"].items()))
    killed = (
        f"{b['killed_after_seconds']:.1f} s, {b['results_at_kill']:,} results written, "
        f"{b['created_at_kill']:,} jobs created"
    )
    rerun = (
        f"{b['rerun_seconds']:.1f} s, exit status {b['rerun_exit_status']}, "
        f"{b['rerun_replayed']:,} answered from an earlier token"
    )
    return f"""{BEGIN}
## Reliability

`python bench/reliability.py` ({datetime.date.today()}): `aws-mlops-async batch submit`
(concurrency 64) against the emulator injecting {faults} of requests.

| | figure |
|---|---|
| A: jobs submitted | {a["jobs"]:,} in {a["seconds"]:.1f} s, exit status {a["exit_status"]} |
| A: outcomes / failed | {a["outcomes"]:,} / {a["failed"]} |
| A: requests received / faults injected | {a["received"]:,} / {injected} |
| A: retries absorbed / answered from an earlier token | {a["retries"]:,} / {a["replayed"]:,} |
| A: jobs the service holds | {a["created"]:,} |
| B: SIGKILL after | {killed} |
| B: re-run with the same run id | {rerun} |
| B: jobs the service holds / distinct names | {b["created"]:,} / {b["distinct_names"]:,} |

The jobs created but not yet in the results file when the process died were sent again by
the re-run with the same token, and the service answered them with the jobs it had made.
{END}"""


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN in doc:
        head, rest = doc.split(BEGIN, 1)
        doc = head + text + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc, encoding="utf-8")


async def main(args: argparse.Namespace) -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        a = await phase_a(args.jobs, Path(folder), failures)
        b = await phase_b(args.jobs, Path(folder), failures)
    if not args.no_write:
        write_section(section(a, b))
    print(json.dumps({"a": a, "b": b}, indent=2))
    if failures:
        print(f"{len(failures)} check(s) failed: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    sys.exit(asyncio.run(main(parser.parse_args())))
