"""Batch SubmitServiceJob: client CPU per call and calls per second, three clients, in turns.

Run alone with `python bench/submit_job.py` (it starts its own loopback server), or from
`bench/run_all.py`. At each concurrency, every client gets a pool of that many connections and
runs blocks of calls that many at a time; the blocks of the three clients take turns, in
several generations of fresh worker processes (see harness.py), and medians are reported, with
each client's median per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from harness import measure, summarize
from loopback import loopback_server


def run(url: str, concurrency: int, calls: int, generations: int, rounds: int) -> dict[str, Any]:
    """Figures for one concurrency: blocks of ``calls`` calls, ``rounds`` blocks per client in
    each of ``generations`` sets of worker processes."""
    warmup = (max(calls // 2, 2 * concurrency), concurrency)
    samples = measure(
        url, concurrency, generations, rounds, "submit", (calls, concurrency), warmup=warmup
    )
    return {
        "concurrency": concurrency,
        "calls_per_block": calls,
        "generations": generations,
        "rounds": rounds,
        "clients": summarize(samples),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--calls", type=int, default=1024, help="calls per block")
    parser.add_argument("--generations", type=int, default=6, help="sets of worker processes")
    parser.add_argument("--rounds", type=int, default=4, help="blocks per client per set")
    args = parser.parse_args()
    with loopback_server() as url:
        results = [run(url, c, args.calls, args.generations, args.rounds) for c in args.concurrency]
    for result in results:
        del result["samples"]  # every block's figures: in bench/results/latest.json via run_all
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
