"""Import time and memory: `import aws_mlops_async` vs `import aiobotocore.session`, `import
aiohttp`, and the floor for any typed client on aiohttp and pydantic: `import aiohttp, pydantic`
plus one model class defined.

Each figure is the wall time around the import statement in a fresh interpreter, and the
interpreter's peak RSS right after it (memory.py), the median of several, the kinds of
interpreter taking turns. A first, untimed run of each compiles the bytecode caches.
`python bench/import_time.py --top 15` also lists the modules that take longest to import in
this library (self time, from `python -X importtime`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from harness import fresh_python

PEER = "aiohttp + pydantic + one model"
STATEMENTS = {
    "aws_mlops_async": "import aws_mlops_async",
    "aiobotocore": "import aiobotocore.session",
    "bare aiohttp": "import aiohttp",
    PEER: "import aiohttp, pydantic\n"
    "class Job(pydantic.BaseModel):\n    job_id: str\n    status: str | None = None",
}
CHILD = """import sys, time
started = time.perf_counter()
{}
elapsed = time.perf_counter() - started
sys.path.insert(0, {bench!r})
from memory import peak_rss_mib
print(elapsed, peak_rss_mib())
"""


def _import(statement: str) -> tuple[float, float]:
    """Seconds the statement took in a fresh interpreter, and the RSS after it (MiB)."""
    out = fresh_python("-c", CHILD.format(statement, bench=str(Path(__file__).parent)))
    seconds, rss_mib = out.stdout.split()
    return float(seconds), float(rss_mib)


def run(rounds: int) -> dict[str, Any]:
    """Median import milliseconds and RSS right after of each over ``rounds`` fresh
    interpreters, and our import ÷ the peer's per round (the median)."""
    for statement in STATEMENTS.values():
        _import(statement)  # compile and cache the bytecode
    names = list(STATEMENTS)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, rss = _import(STATEMENTS[name])
            samples[name].append((seconds * 1e3, rss))
    ours, peer = samples["aws_mlops_async"], samples[PEER]
    ratios = sorted(mine[0] / theirs[0] for mine, theirs in zip(ours, peer, strict=True))
    return {
        "rounds": rounds,
        "statements": STATEMENTS,
        "clients": {
            name: {
                "ms": statistics.median(ms for ms, _ in values),
                "rss_mib": statistics.median(rss for _, rss in values),
            }
            for name, values in samples.items()
        },
        "ours_vs_peer": statistics.median(ratios),
        "ours_vs_peer_range": (ratios[0], ratios[-1]),
    }


def slowest_modules(statement: str, top: int) -> list[tuple[str, float]]:
    """The ``top`` modules with the most import self time (ms) for ``statement``."""
    out = fresh_python("-X", "importtime", "-c", statement)
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|", 2)
        rows.append((name.strip(), int(self_us) / 1e3))
    return sorted(rows, key=lambda row: -row[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--top", type=int, default=0, help="also list the slowest modules")
    args = parser.parse_args()
    print(json.dumps(run(args.rounds), indent=2))
    if args.top:
        for name, ms in slowest_modules(STATEMENTS["aws_mlops_async"], args.top):
            print(f"{ms:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
