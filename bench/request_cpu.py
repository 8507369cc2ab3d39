"""Client CPU per call: this library (awsJson and restJson, signed) versus a bare aiohttp POST.

A quick in-process check of the per-call path in both protocols: `python bench/request_cpu.py`
(`make bench` runs the comparison with aiobotocore, bench/run_all.py). Against one loopback
server in another process, short blocks of calls through each client take turns, many times
over, and this process's CPU time is read around each block. On a shared, noisy machine the
drift between blocks is slow, so each block is compared with the bare-aiohttp block next to it
and the median of those ratios is reported, with the median CPU per call beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from clients import Bare, Ours
from loopback import loopback_server


async def cpu_per_call(
    call: Callable[[], Awaitable[object]], calls: int, concurrency: int
) -> float:
    """Microseconds of this process's CPU per call, ``calls`` calls ``concurrency`` at a time."""
    queue = iter(range(calls))

    async def worker() -> None:
        for _ in queue:
            await call()

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - started) / calls * 1e6


async def measure(url: str, calls: int, concurrency: int, rounds: int) -> dict[str, list[float]]:
    """CPU microseconds per call of each variant, one figure per round."""
    results: dict[str, list[float]] = {"bare aiohttp": [], "restJson": [], "awsJson": []}
    async with Ours(url, concurrency) as ours, Bare(url, concurrency) as bare:

        async def aws_json() -> object:
            return await ours.session.sagemaker.update_image_version(
                image_name="img", version=1, aliases_to_add=["stable"], release_notes="faster"
            )

        variants = (("bare aiohttp", bare.submit), ("restJson", ours.submit), ("awsJson", aws_json))
        for _, call in variants:  # warm up: connections, caches, lazily built schemas
            await cpu_per_call(call, 200, concurrency)
        for _ in range(rounds):
            for name, call in variants:
                results[name].append(await cpu_per_call(call, calls, concurrency))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=320, help="calls per block")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=40, help="blocks per client")
    args = parser.parse_args()
    with loopback_server() as url:
        results = asyncio.run(measure(url, args.calls, args.concurrency, args.rounds))
    bare = results["bare aiohttp"]
    print(
        f"client CPU per call: {args.rounds} interleaved blocks of {args.calls} calls per "
        f"client, concurrency {args.concurrency}; medians"
    )
    for name, values in results.items():
        ratios = [value / base for value, base in zip(values, bare, strict=True)]
        print(
            f"  {name:13s} {statistics.median(values):7.1f} us   "
            f"{statistics.median(ratios):.2f}x bare aiohttp"
        )


if __name__ == "__main__":
    main()
