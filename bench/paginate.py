"""SageMaker ListImageVersions: page through 10,000 image versions, three clients, in turns.

Run alone with `python bench/paginate.py` (it starts its own loopback server), or from
`bench/run_all.py`. The loopback server answers 100 versions per page (no page size is sent),
so each run is 100 sequential requests; wall time and client CPU per run are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from harness import measure, summarize
from loopback import ITEMS, loopback_server


def run(url: str, generations: int, rounds: int) -> dict[str, Any]:
    """Figures for ``rounds`` runs per client through all ITEMS versions, in each of
    ``generations`` sets of worker processes."""
    samples = measure(url, 10, generations, rounds, "list")
    for name, values in samples.items():
        if any(sample["n"] != ITEMS for sample in values):
            raise RuntimeError(f"{name} did not see all {ITEMS} items: {values}")
    return {
        "items": ITEMS,
        "generations": generations,
        "rounds": rounds,
        "clients": summarize(samples, per="item"),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=5, help="sets of worker processes")
    parser.add_argument("--rounds", type=int, default=4, help="runs per client per set")
    args = parser.parse_args()
    with loopback_server() as url:
        result = run(url, args.generations, args.rounds)
    del result["samples"]  # every run's figures: in bench/results/latest.json via run_all
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
