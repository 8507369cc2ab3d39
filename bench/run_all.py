"""Every benchmark in one run against one loopback server; writes docs/benchmarks.md and .png.

`make bench` runs this. Each step is a script of its own under bench/ that can also run alone;
here they share one loopback server (bench/loopback.py) in its own process. The raw figures
go to bench/results/latest.json (not committed). `--quick` makes a short smoke run (figures
too noisy to publish; it writes under bench/results/ only).

To add a benchmark: give it a `run(url, ...) -> dict` in a script of its own, call it in
`measure` below under a new key, and add its rows to bench/report.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import bulk_cpu
import first_call
import import_time
import paginate
import peak_rss
import report
import session_setup
import submit_job
import unknown_fields
from loopback import loopback_server

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aws-mlops-async", "aiohttp", "aiobotocore", "botocore", "pydantic", "pydantic-core")

# submit: (concurrency, calls per block, sets of worker processes, blocks per client per set);
# paginate: (sets of worker processes, runs per client per set). About 5 minutes on 2 cores.
FULL = {
    "submit": ((64, 1536, 12, 3), (256, 4096, 8, 2)),
    "paginate": (8, 3),
    "bulk": {"calls": 2000, "concurrency": 64, "rounds": 30},
    "rss": {"calls": 2000, "concurrency": 64, "rounds": 5},
    "import_rounds": 21,
    "session_rounds": 11,
    "first_call_rounds": 11,
    "unknown_field_rounds": 15,
}
QUICK = {
    "submit": ((64, 512, 2, 2), (256, 1024, 2, 2)),
    "paginate": (2, 2),
    "bulk": {"calls": 500, "concurrency": 64, "rounds": 4},
    "rss": {"calls": 500, "concurrency": 64, "rounds": 1},
    "import_rounds": 3,
    "session_rounds": 3,
    "first_call_rounds": 2,
    "unknown_field_rounds": 3,
}


def _step(name: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {name}", flush=True)


def measure(plan: dict[str, Any]) -> dict[str, Any]:
    """Every benchmark, against one loopback server."""
    results: dict[str, Any] = {}
    with loopback_server() as url:
        results["submit"] = []
        for concurrency, calls, generations, rounds in plan["submit"]:
            _step(f"SubmitServiceJob at concurrency {concurrency}")
            results["submit"].append(submit_job.run(url, concurrency, calls, generations, rounds))
        _step("ListImageVersions paging")
        results["paginate"] = paginate.run(url, *plan["paginate"])
        _step("bulk submission against plain calls")
        results["bulk"] = bulk_cpu.run(url, **plan["bulk"])
        _step("peak RSS")
        results["peak_rss"] = peak_rss.run(url, **plan["rss"])
        _step("import time")
        results["import_time"] = import_time.run(plan["import_rounds"])
        _step("Session setup")
        results["session_setup"] = session_setup.run(plan["session_rounds"])
        _step("responses with unknown members")
        results["unknown_fields"] = unknown_fields.run(plan["unknown_field_rounds"])
        _step("first call of each service")
        results["first_call"] = first_call.run(url, plan["first_call_rounds"])
    return results


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": f"{usable} usable ({os.cpu_count()} online)",
        "usable_cores": usable,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": {name: metadata.version(name) for name in PACKAGES},
        "load_start": f"{os.getloadavg()[0]:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run, not published")
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine()}
    results.update(measure(QUICK if args.quick else FULL))
    results["machine"]["load_end"] = f"{os.getloadavg()[0]:.2f}"
    results["machine"]["duration_s"] = time.perf_counter() - started

    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / ("quick.json" if args.quick else "latest.json")).write_text(
        json.dumps(results, indent=2) + "\n"
    )
    docs = out if args.quick else ROOT / "docs"
    report.write(results, docs / "benchmarks.md", docs / "benchmarks.png")
    print((docs / "benchmarks.md").read_text())
    print(f"wrote {docs / 'benchmarks.md'} and {docs / 'benchmarks.png'}")


if __name__ == "__main__":
    main()
