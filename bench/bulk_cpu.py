"""Bulk submission's own cost: client CPU per job of `submit_service_jobs` against plain calls.

The same SubmitServiceJob requests, ``concurrency`` at a time, two ways in one process: plain
``await session.batch.submit_service_job(**job)`` calls from ``concurrency`` worker coroutines,
and one ``session.batch.submit_service_jobs(jobs, concurrency=...)`` run reading every outcome.
Blocks of the two take turns against one loopback server in another process; each bulk block
is compared with the plain block beside it and the median of those ratios is reported (the
bulk machinery's overhead: its feeder, workers, outcomes and derived tokens).

`python bench/bulk_cpu.py` runs it alone; `make bench` (bench/run_all.py) runs it too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from clients import JOB, Ours
from loopback import loopback_server


def _jobs(count: int) -> Iterator[dict[str, Any]]:
    job = {key: value for key, value in JOB.items() if key != "client_token"}
    return (job for _ in range(count))


async def plain_block(ours: Ours, calls: int, concurrency: int) -> float:
    """CPU seconds for ``calls`` plain calls, ``concurrency`` at a time."""
    queue = iter(range(calls))
    submit = ours.session.batch.submit_service_job
    job = dict(JOB)

    async def worker() -> None:
        for _ in queue:
            await submit(**job)

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - started


async def bulk_block(ours: Ours, calls: int, concurrency: int) -> float:
    """CPU seconds for one bulk run of ``calls`` jobs, every outcome read."""
    started = time.process_time()
    async with ours.session.batch.submit_service_jobs(
        _jobs(calls), concurrency=concurrency, run_id="bench"
    ) as run:
        async for outcome in run:
            if outcome.error is not None:
                raise outcome.error
    return time.process_time() - started


async def measure(url: str, calls: int, concurrency: int, rounds: int) -> dict[str, list[float]]:
    """Microseconds of CPU per job of each way, one figure per block, the order alternating."""
    results: dict[str, list[float]] = {"plain calls": [], "bulk": []}
    async with Ours(url, concurrency) as ours:
        await plain_block(ours, calls, concurrency)  # warm up: connections, caches, schemas
        await bulk_block(ours, calls, concurrency)
        for index in range(rounds):
            order = ("plain calls", "bulk") if index % 2 == 0 else ("bulk", "plain calls")
            for name in order:
                block = plain_block if name == "plain calls" else bulk_block
                results[name].append(await block(ours, calls, concurrency) / calls * 1e6)
    return results


def run(url: str, calls: int, concurrency: int, rounds: int) -> dict[str, Any]:
    """The figures `make bench` reports: medians per job, and the median of per-round ratios
    with its spread (lowest and highest round)."""
    results = asyncio.run(measure(url, calls, concurrency, rounds))
    ratios = [
        bulk / plain for bulk, plain in zip(results["bulk"], results["plain calls"], strict=True)
    ]
    return {
        "calls_per_block": calls,
        "concurrency": concurrency,
        "rounds": rounds,
        "plain_us_per_job": statistics.median(results["plain calls"]),
        "bulk_us_per_job": statistics.median(results["bulk"]),
        "ratio": statistics.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "ratio_quartiles": statistics.quantiles(ratios, n=4)[::2] if len(ratios) > 1 else ratios,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="jobs per block")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=20, help="blocks of each way")
    args = parser.parse_args()
    with loopback_server() as url:
        print(json.dumps(run(url, args.calls, args.concurrency, args.rounds), indent=2))


if __name__ == "__main__":
    main()
