"""Time to a Session with its clients, after the import, in fresh interpreters.

- aws_mlops_async: ``Session(...)``, entered (which opens its aiohttp session), then
  ``.sagemaker``, ``.batch``, ``.datazone`` and ``.lookoutvision`` touched. No I/O.
- aiobotocore: ``get_session()`` and ``create_client`` for sagemaker, batch and datazone entered
  in an ``AsyncExitStack``. Lookout for Vision is not in botocore any more, so three clients.

Both sign with static keys and name the region, so neither looks for credentials or config.
The headline is the first Session of a fresh interpreter (median over several interpreters,
the two kinds taking turns); the same work repeated in one interpreter is reported beside it.
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

_COMMON = """
import asyncio, json, statistics, time
KEYS = dict(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
async def main():
    first = await once()
    again = [await once() for _ in range(REPEATS)]
    print(json.dumps({"first": first, "repeated": statistics.median(again)}))
"""
CHILDREN = {
    "aws_mlops_async": """
from aws_mlops_async import Session
async def once():
    started = time.perf_counter()
    session = Session(**KEYS)
    await session.__aenter__()
    session.sagemaker, session.batch, session.datazone, session.lookoutvision
    elapsed = time.perf_counter() - started
    await session.close()
    return elapsed
""",
    "aiobotocore": """
from contextlib import AsyncExitStack
import aiobotocore.session
async def once():
    started = time.perf_counter()
    session = aiobotocore.session.get_session()
    async with AsyncExitStack() as stack:
        for name in ("sagemaker", "batch", "datazone"):
            await stack.enter_async_context(session.create_client(name, **KEYS))
        elapsed = time.perf_counter() - started
    return elapsed
""",
}
CLIENTS = {"aws_mlops_async": 4, "aiobotocore": 3}  # clients created
REPEATS = {"aws_mlops_async": 50, "aiobotocore": 5}  # in one interpreter, after the first


def _child(name: str) -> dict[str, float]:
    code = f"REPEATS = {REPEATS[name]}\n{_COMMON}{CHILDREN[name]}\nasyncio.run(main())\n"
    return {key: value * 1e3 for key, value in json.loads(fresh_python("-c", code).stdout).items()}


def run(rounds: int) -> dict[str, Any]:
    """Median milliseconds over ``rounds`` interpreters of each kind."""
    names = list(CHILDREN)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_child(name))
    return {
        "rounds": rounds,
        "clients": {
            name: {
                "clients": CLIENTS[name],
                "first_ms": statistics.median(s["first"] for s in values),
                "repeated_ms": statistics.median(s["repeated"] for s in values),
            }
            for name, values in samples.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    print(json.dumps(run(args.rounds), indent=2))


if __name__ == "__main__":
    main()
