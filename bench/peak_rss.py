"""Peak RSS of a process doing the SubmitServiceJob workload through one client.

Each figure is the peak RSS (``VmHWM``, see memory.py) of a fresh interpreter that imports one
client, opens it and makes 2,000 calls at concurrency 64 against the loopback server; the
median of a few such interpreters per client, the clients taking turns. Run alone with
`python bench/peak_rss.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from clients import CLIENT_NAMES, make_client
from harness import fresh_python, submit_block
from memory import peak_rss_mib


async def _workload(name: str, url: str, calls: int, concurrency: int) -> dict[str, float]:
    async with make_client(name, url, concurrency) as client:
        opened = peak_rss_mib()
        await submit_block(client, calls, concurrency)
    return {"opened_mib": opened, "peak_mib": peak_rss_mib()}


def run(url: str, calls: int, concurrency: int, rounds: int) -> dict[str, Any]:
    """Median peak RSS (MiB) of ``rounds`` fresh interpreters per client."""
    names = list(CLIENT_NAMES)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            command = [__file__, "--child", name, "--url", url]
            command += ["--calls", str(calls), "--concurrency", str(concurrency)]
            samples[name].append(json.loads(fresh_python(*command).stdout))
    return {
        "calls": calls,
        "concurrency": concurrency,
        "rounds": rounds,
        "clients": {
            name: {key: statistics.median(s[key] for s in values) for key in values[0]}
            for name, values in samples.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=CLIENT_NAMES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = asyncio.run(_workload(args.child, args.url, args.calls, args.concurrency))
        print(json.dumps(figures))
        return
    from loopback import loopback_server  # not in the children: they load only their client

    with loopback_server() as url:
        print(json.dumps(run(url, args.calls, args.concurrency, args.rounds), indent=2))


if __name__ == "__main__":
    main()
