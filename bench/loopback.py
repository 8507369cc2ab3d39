"""A canned-answer HTTP server in its own process, so a benchmark's CPU time is the client's.

It answers Batch (restJson) calls with one submitted job, DataZone and Lookout for Vision GETs
with one notebook run and one model packaging job, SageMaker ListImageVersions with pages of
100 versions (or MaxResults) out of ``page_items``, and any other awsJson call with one image
version ARN. Pages are built once and kept, so the server spends as little of the
machine's CPU as it can. Every benchmark of a `make bench` run shares one of these;
`python bench/loopback.py` runs one in the foreground and prints its URL.
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aiohttp import web

SUBMITTED = json.dumps(
    {"jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/j", "jobName": "j", "jobId": "j"}
).encode()
NOTEBOOK_RUN = json.dumps(
    {"id": "r", "domainId": "d", "owningProjectId": "p", "notebookId": "n", "status": "RUNNING"}
).encode()
PACKAGING_JOB = json.dumps(
    {"ModelPackagingDescription": {"JobName": "j", "ProjectName": "p", "Status": "RUNNING"}}
).encode()
ITEMS = 10_000  # image versions ListImageVersions pages through
UPDATED = json.dumps(
    {"ImageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:image-version/img/1"}
).encode()


def _serve(port_queue: multiprocessing.Queue[int], page_items: int) -> None:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        target = request.headers.get("X-Amz-Target", "")
        if target.endswith("ListImageVersions"):
            body = await request.json()
            return web.Response(
                body=_page(body, page_items), content_type="application/x-amz-json-1.1"
            )
        if target:
            return web.Response(body=UPDATED, content_type="application/x-amz-json-1.1")
        if request.path.startswith("/v2/domains/"):
            return web.Response(body=NOTEBOOK_RUN, content_type="application/json")
        if request.path.startswith("/2020-11-20/projects/"):
            return web.Response(body=PACKAGING_JOB, content_type="application/json")
        return web.Response(body=SUBMITTED, content_type="application/json")

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


def _page(body: dict[str, object], total: int) -> bytes:
    return _page_at(
        int(str(body.get("NextToken") or 0)), int(str(body.get("MaxResults") or 100)), total
    )


@functools.lru_cache(maxsize=1024)
def _page_at(start: int, size: int, total: int) -> bytes:
    end = min(start + size, total)
    versions = [
        {
            "CreationTime": 1_700_000_000 + n,
            "LastModifiedTime": 1_700_000_000 + n,
            "ImageArn": "arn:aws:sagemaker:us-east-1:123456789012:image/img",
            "ImageVersionArn": f"arn:aws:sagemaker:us-east-1:123456789012:image-version/img/{n}",
            "ImageVersionStatus": "CREATED",
            "Version": n,
        }
        for n in range(start, end)
    ]
    page: dict[str, object] = {"ImageVersions": versions}
    if end < total:
        page["NextToken"] = str(end)
    return json.dumps(page).encode()


@contextmanager
def loopback_server(page_items: int = ITEMS) -> Iterator[str]:
    """Run the server in a child process; yields its base URL."""
    context = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue[int] = context.Queue()
    process = context.Process(target=_serve, args=(ports, page_items), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}"
    finally:
        process.terminate()
        process.join()


if __name__ == "__main__":
    with loopback_server() as base_url, suppress(KeyboardInterrupt):
        print(f"{base_url}  (Ctrl-C stops it)", flush=True)
        signal.pause()
