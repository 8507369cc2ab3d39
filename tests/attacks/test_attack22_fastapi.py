"""Attack 22: FastAPI apps whose lifespans overlap (a test client inside another)."""

from __future__ import annotations

import asyncio
import threading
import warnings
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi import FastAPI

with warnings.catch_warnings():  # starlette: "install httpx2" (a deprecation of its own)
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from aws_mlops_async.contrib.fastapi import BatchDep, session_lifespan
from aws_mlops_async.local import LocalAws


def _serve(ready: threading.Event, stop: threading.Event, box: dict[str, Any]) -> None:
    async def main() -> None:
        async with LocalAws() as endpoint:
            box.update(url=endpoint.url, key=endpoint.access_key, secret=endpoint.secret_key)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    asyncio.run(main())


@pytest.mark.timeout(60)
def test_outer_client_keeps_working_while_an_inner_lifespan_runs() -> None:
    """The lifespan says lifespans of one app may nest, each owning its Session; but while
    the inner one runs, the outer client's requests get the inner Session, of another event
    loop: EventLoopMismatch instead of an answer."""
    ready, stop = threading.Event(), threading.Event()
    box: dict[str, Any] = {}
    server = threading.Thread(target=_serve, args=(ready, stop, box))
    server.start()
    try:
        assert ready.wait(20)
        app = FastAPI(
            lifespan=session_lifespan(
                region_name="us-east-1",
                endpoint_url=box["url"],
                aws_access_key_id=box["key"],
                aws_secret_access_key=box["secret"],
            )
        )

        @app.get("/job")
        async def job(batch: BatchDep) -> dict[str, str]:
            try:
                await batch.describe_service_job(job_id="job-1")
            except Exception as error:  # what the call ended with, as the answer
                return {"error": type(error).__name__}
            return {"error": ""}

        outer, inner = TestClient(app), TestClient(app)
        with outer:
            before = outer.get("/job").json()["error"]
            with inner:
                during_inner = inner.get("/job").json()["error"]
                during_outer = outer.get("/job").json()["error"]
            after = outer.get("/job").json()["error"]
    finally:
        stop.set()
        server.join(20)
    # The emulator does not know job-1: every call is answered, a ClientException.
    assert [before, during_inner, during_outer, after] == ["ClientException"] * 4
