"""The first call of each service in a fresh process, against later calls of the same operation
and against bare aiohttp's first call.

A fresh interpreter imports the library, enters a Session bound to the loopback server (not
timed), then times one call of the service, which loads that operation's models, builds their
validators and opens the connection, and 30 more of the same call. Bare aiohttp does the same
with a pre-built SubmitServiceJob POST whose answer it `json.loads`. The figures are each first
call's wall time, and its excess over the same process's later calls, the median over several
interpreters per service, the services taking turns. Run alone with
`python bench/first_call.py --url URL`.
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

BARE = "bare aiohttp"
CALLS = {
    "sagemaker": "session.sagemaker.update_image_version(image_name='img', version=1)",
    "batch": "session.batch.submit_service_job(job_name='j', job_queue='q', "
    "service_job_type='SAGEMAKER_TRAINING', service_request_payload='{}', client_token='t')",
    "datazone": "session.datazone.get_notebook_run(domain_identifier='dzd_1', identifier='r')",
    "lookoutvision": "session.lookoutvision.describe_model_packaging_job("
    "project_name='p', job_name='j')",
    BARE: "submit(session)",
}
LATER = 30
OPEN = {
    "library": """
from aws_mlops_async import Session
def opened(url):
    keys = dict(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    return Session(region_name="us-east-1", endpoint_url=url, **keys)
""",
    BARE: """
import aiohttp
from yarl import URL
def opened(url):
    return aiohttp.ClientSession()
async def submit(session, url=URL({url!r} + "/v1/submitservicejob", encoded=True)):
    headers = {{"Content-Type": "application/json", "X-Amz-Date": "20260101T000000Z"}}
    async with session.post(url, data=b'{{"jobName":"j"}}', headers=headers) as response:
        return json.loads(await response.read())
""",
}
CHILD = """
import asyncio, json, statistics, time
{opening}
async def main():
    async with opened({url!r}) as session:
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


def _child(url: str, name: str) -> dict[str, float]:
    opening = OPEN[BARE if name == BARE else "library"].format(url=url)
    code = CHILD.format(opening=opening, url=url, call=CALLS[name], later=LATER)
    figures: dict[str, float] = json.loads(fresh_python("-c", code).stdout)
    return figures


def run(url: str, rounds: int) -> dict[str, Any]:
    """Per service (and bare aiohttp), the medians over ``rounds`` fresh interpreters: the
    first call, a later call, and the first call's extra time."""
    names = list(CALLS)
    for name in names:
        _child(url, name)  # compile and cache the bytecode
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_child(url, name))
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
