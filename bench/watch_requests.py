"""What watching 10,000 service jobs costs in requests: `batch.watch_service_jobs` against one
DescribeServiceJob per job per look, counted by the emulator itself.

The embedded emulator (`aws_mlops_async.local`) takes 10,000 SAGEMAKER_TRAINING jobs in one
queue, 1% of them failing; the watch follows them to their end, and the emulator's request
counts are read at every look (poll cycle). Writes the "Watching a fleet" section of
docs/benchmarks.md (``--no-write`` leaves it). Run with `python bench/watch_requests.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import sys
import time
from typing import Any

from reliability import DOC, write_section

from aws_mlops_async import Session
from aws_mlops_async.local import Durations, LocalAws

BEGIN, END = "<!-- watch:begin -->", "<!-- watch:end -->"
PAYLOAD = json.dumps(
    {
        "TrainingJobName": "bench",
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerTraining",
        "AlgorithmSpecification": {"TrainingImage": "pytorch:2.5", "TrainingInputMode": "File"},
        "ResourceConfig": {
            "InstanceType": "ml.g5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 50,
        },
        "OutputDataConfig": {"S3OutputPath": "s3://models/output/"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }
)


async def measure(jobs: int, poll_interval: float) -> dict[str, Any]:
    # Phases long enough that several looks see the jobs on their way.
    durations = Durations.uniform(2.0)
    async with LocalAws(durations=durations, seed=3) as endpoint, endpoint.session() as session:
        endpoint.faults.set(job_failure=0.01)
        outcomes = await submit(session, jobs)
        failing = endpoint.stats.faults["job_failure"]  # decided at submission
        endpoint.stats.reset()
        per_look: list[int] = []
        started = time.perf_counter()
        finished = 0
        async with session.batch.watch_service_jobs(outcomes, poll_interval=poll_interval) as watch:
            looks, before = 0, 0
            async for update in watch:
                if watch.cycles != looks:
                    looks = watch.cycles
                    listed = endpoint.stats.received["ListServiceJobs"]
                    per_look.append(listed - before)
                    before = listed
                finished += update.finished
        wall = time.perf_counter() - started
        per_look.append(endpoint.stats.received["ListServiceJobs"] - before)
        return {
            "jobs": jobs,
            "looks": watch.cycles,
            "list_requests": endpoint.stats.received["ListServiceJobs"],
            "describe_requests": endpoint.stats.received["DescribeServiceJob"],
            "per_look": per_look,
            "finished": finished,
            "failed": failing,
            "wall": wall,
            "poll_interval": poll_interval,
        }


async def submit(session: Session, jobs: int) -> list[Any]:
    requests = (
        {
            "job_name": f"bench-{n}",
            "job_queue": "fleet",
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": PAYLOAD,
        }
        for n in range(jobs)
    )
    async with session.batch.submit_service_jobs(requests, concurrency=128) as run:
        outcomes = [outcome async for outcome in run]
    if not all(outcome.ok for outcome in outcomes):
        raise SystemExit("a submission failed; nothing to measure")
    return outcomes


def section(when: str, result: dict[str, Any]) -> str:
    per_look = result["per_look"]
    naive = result["jobs"] * result["looks"]
    spread = f"{statistics.median(per_look):.0f} ({min(per_look)}-{max(per_look)})"
    return f"""{BEGIN}
## Watching a fleet

`python bench/watch_requests.py` on {when}: `session.batch.watch_service_jobs` following
{result["jobs"]:,} SAGEMAKER_TRAINING service jobs in one queue (1% failing) on the embedded
emulator, every {result["poll_interval"]:g} s; requests counted by the emulator.

| | figure |
|---|---|
| looks (poll cycles) until every job SUCCEEDED or FAILED | {result["looks"]} |
| ListServiceJobs requests per look, median (min-max) | {spread} |
| ListServiceJobs requests in all | {result["list_requests"]:,} |
| DescribeServiceJob requests | {result["describe_requests"]:,} |
| one DescribeServiceJob per job per look instead | {naive:,} |
| jobs followed to their end / failed among them | {result["finished"]:,} / {result["failed"]:,} |
| wall time of the watch | {result["wall"]:.1f} s |

A look lists the queue 100 jobs a page from the oldest unfinished job, and stops paging
once it has seen every job it follows: about 100 requests for 10,000 jobs, against 10,000
DescribeServiceJob calls.
{END}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result = asyncio.run(measure(args.jobs, args.poll_interval))
    print(json.dumps(result))
    if args.jobs == 10_000 and not args.no_write:
        write_section(section(when, result), BEGIN, END)
        print(f"wrote the Watching a fleet section of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
