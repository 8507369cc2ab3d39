"""Import time: `import aws_mlops_async` vs `import aiobotocore.session` (and `import aiohttp`).

Each figure is the wall time around the import statement in a fresh interpreter, the median of
several, the three kinds of interpreter taking turns. A first, untimed run of each compiles
the bytecode caches. `python bench/import_time.py --top 15` also lists the modules that take
longest to import in this library (self time, from `python -X importtime`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from harness import interpreter_env

STATEMENTS = {
    "aws_mlops_async": "import aws_mlops_async",
    "aiobotocore": "import aiobotocore.session",
    "bare aiohttp": "import aiohttp",
}
CHILD = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"


def _import_seconds(statement: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(statement)],
        check=True,
        capture_output=True,
        text=True,
        env=interpreter_env(),
    )
    return float(out.stdout)


def run(rounds: int) -> dict[str, Any]:
    """Median import milliseconds of each over ``rounds`` fresh interpreters."""
    for statement in STATEMENTS.values():
        _import_seconds(statement)  # compile and cache the bytecode
    names = list(STATEMENTS)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_import_seconds(STATEMENTS[name]) * 1e3)
    return {
        "rounds": rounds,
        "statements": STATEMENTS,
        "clients": {name: {"ms": statistics.median(values)} for name, values in samples.items()},
    }


def slowest_modules(statement: str, top: int) -> list[tuple[str, float]]:
    """The ``top`` modules with the most import self time (ms) for ``statement``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
        env=interpreter_env(),
    )
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
