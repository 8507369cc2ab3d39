"""The first call of each service in a fresh process, against later calls of the same operation.

A fresh interpreter imports the library, enters a Session bound to the loopback server (not
timed), then times one call of the service, which loads that operation's models, builds their
validators and opens the connection, and 30 more of the same call. The figure is the first
call's wall time minus the median of the later ones; the median over several interpreters per
service, the services taking turns. Run alone with `python bench/first_call.py --url URL`.
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

CALLS = {
    "sagemaker": "session.sagemaker.update_image_version(image_name='img', version=1)",
    "batch": "session.batch.submit_service_job(job_name='j', job_queue='q', "
    "service_job_type='SAGEMAKER_TRAINING', service_request_payload='{}', client_token='t')",
    "datazone": "session.datazone.get_notebook_run(domain_identifier='dzd_1', identifier='r')",
    "lookoutvision": "session.lookoutvision.describe_model_packaging_job("
    "project_name='p', job_name='j')",
}
LATER = 30
CHILD = """
import asyncio, json, statistics, time
from aws_mlops_async import Session

async def main():
    keys = dict(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    async with Session(region_name="us-east-1", endpoint_url={url!r}, **keys) as session:
        started = time.perf_counter()
        await {call}
        first = time.perf_counter() - started
        later = []
        for _ in range({later}):
            started = time.perf_counter()
            await {call}
            later.append(time.perf_counter() - started)
    print(json.dumps({{"first_ms": first * 1e3, "later_ms": statistics.median(later) * 1e3}}))

asyncio.run(main())
"""


def _child(url: str, call: str) -> dict[str, float]:
    code = CHILD.format(url=url, call=call, later=LATER)
    figures: dict[str, float] = json.loads(fresh_python("-c", code).stdout)
    return figures


def run(url: str, rounds: int) -> dict[str, Any]:
    """Per service, the medians over ``rounds`` fresh interpreters: the first call, a later
    call, and the first call's extra time."""
    names = list(CALLS)
    for name in names:
        _child(url, CALLS[name])  # compile and cache the bytecode
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_child(url, CALLS[name]))
    return {
        "rounds": rounds,
        "later_calls": LATER,
        "services": {
            name: {
                "first_ms": statistics.median(s["first_ms"] for s in values),
                "later_ms": statistics.median(s["later_ms"] for s in values),
                "extra_ms": statistics.median(s["first_ms"] - s["later_ms"] for s in values),
                "extra_range_ms": (
                    min(s["first_ms"] - s["later_ms"] for s in values),
                    max(s["first_ms"] - s["later_ms"] for s in values),
                ),
            }
            for name, values in samples.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running bench/loopback.py server (else one is started)")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    if args.url:
        print(json.dumps(run(args.url, args.rounds), indent=2))
        return
    from loopback import loopback_server

    with loopback_server() as url:
        print(json.dumps(run(url, args.rounds), indent=2))


if __name__ == "__main__":
    main()
