"""Attack 22: `give_up_after` of a watch and of a log follower, on an endpoint that takes the
connection and never answers (a black-holed proxy, a hung load balancer)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from aws_mlops_async import AwsError, EndpointUnreachable, Session


async def _silent(request: web.Request) -> web.Response:
    await asyncio.sleep(3600)
    return web.Response()


@pytest.fixture
async def silent_session() -> AsyncIterator[Session]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _silent)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        async with Session(
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="test",
        ) as session:
            yield session
    finally:
        await runner.cleanup()


@pytest.mark.timeout(60)
async def test_bulk_run_gives_up_on_a_silent_endpoint(silent_session: Session) -> None:
    """What held: a bulk run gives up after give_up_after."""
    job = {
        "job_name": "train-1",
        "job_queue": "ml-queue",
        "service_job_type": "SAGEMAKER_TRAINING",
        "service_request_payload": "{}",
    }
    started = time.monotonic()
    with pytest.raises(EndpointUnreachable):
        async with silent_session.batch.submit_service_jobs(
            [job], give_up_after=2, run_id="nightly"
        ) as run:
            async for _ in run:
                pass
    assert time.monotonic() - started < 5


@pytest.mark.timeout(60)
async def test_watch_gives_up_on_a_silent_endpoint(silent_session: Session) -> None:
    """README: a watch ends after give_up_after seconds without an answer from the service
    (EndpointUnreachable). With the default read timeout (60 s, 3 attempts) it waits minutes."""
    started = time.monotonic()

    async def watch() -> None:
        async with silent_session.batch.watch_service_jobs(
            ["job-1"], job_queue="ml-queue", give_up_after=2, poll_interval=0.5
        ) as updates:
            async for _ in updates:
                pass

    with pytest.raises(AwsError):
        try:
            await asyncio.wait_for(watch(), 10)
        except asyncio.TimeoutError:
            pytest.fail("still watching 10 s after give_up_after=2")
    assert time.monotonic() - started < 5


@pytest.mark.timeout(60)
async def test_training_logs_give_up_on_a_silent_endpoint(silent_session: Session) -> None:
    """training_job_logs(give_up_after=2) on a silent endpoint: the same."""
    started = time.monotonic()

    async def follow() -> None:
        async for _ in silent_session.sagemaker.training_job_logs("train-1", give_up_after=2):
            pass

    with pytest.raises(AwsError):
        try:
            await asyncio.wait_for(follow(), 10)
        except asyncio.TimeoutError:
            pytest.fail("still following 10 s after give_up_after=2")
    assert time.monotonic() - started < 5
