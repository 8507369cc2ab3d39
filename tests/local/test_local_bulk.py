"""Bulk submission against the emulator: every job created exactly once through injected
faults, again after a re-run with the same run id, and the concurrency bound held."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from aws_mlops_async import Session
from aws_mlops_async.local import LocalAws

JOBS = 1_000


def training_jobs(count: int, queue: str = "bulk-queue") -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield {
            "job_name": f"train-{n}",
            "job_queue": queue,
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": "{}",
        }


async def submit_all(session: Session, count: int, run_id: str) -> dict[int, str]:
    """Index -> job id of every outcome; fails the test on a failed or repeated outcome."""
    job_ids: dict[int, str] = {}
    async for outcome in session.batch.submit_service_jobs(
        training_jobs(count), concurrency=64, run_id=run_id
    ):
        assert outcome.error is None, outcome.error
        assert outcome.response is not None and outcome.index not in job_ids
        job_ids[outcome.index] = outcome.response.job_id
    return job_ids


async def test_every_job_is_created_exactly_once_through_throttling_5xx_and_lost_connections() -> (
    None
):
    async with LocalAws(seed=11) as endpoint, endpoint.session() as session:
        endpoint.faults.set(throttle=0.2, unavailable=0.05, drop=0.01, lost_response=0.01)
        first = await submit_all(session, JOBS, run_id="reliability")

        assert sorted(first) == list(range(JOBS))
        assert endpoint.stats.created["service_job"] == JOBS
        assert endpoint.stats.faults["throttle"] > 0 and endpoint.stats.faults["unavailable"] > 0
        # A lost response means the job was created and its answer never arrived: the retry
        # carries the same token and gets the first result back.
        assert endpoint.stats.faults["lost_response"] > 0
        assert endpoint.stats.replayed["SubmitServiceJob"] >= endpoint.stats.faults["lost_response"]

        again = await submit_all(session, JOBS, run_id="reliability")

    assert again == first  # the service answered every repeated token with the first job
    assert endpoint.stats.created["service_job"] == JOBS


async def test_a_new_run_id_is_a_new_run() -> None:
    async with LocalAws() as endpoint, endpoint.session() as session:
        await submit_all(session, 10, run_id="monday")
        await submit_all(session, 10, run_id="tuesday")
    assert endpoint.stats.created["service_job"] == 20


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_the_service_never_sees_more_than_concurrency_requests_at_once(
    concurrency: int,
) -> None:
    async with LocalAws() as endpoint, endpoint.session() as session:
        endpoint.faults.set(delay=0.01)  # hold each request so they overlap
        outcomes = [
            outcome
            async for outcome in session.batch.submit_service_jobs(
                training_jobs(6 * concurrency), concurrency=concurrency
            )
        ]
    assert len(outcomes) == 6 * concurrency and all(outcome.ok for outcome in outcomes)
    assert endpoint.stats.peak_in_flight == concurrency


async def test_cancelling_a_run_half_way_leaves_no_connection_open() -> None:
    async with LocalAws() as endpoint, endpoint.session() as session:
        endpoint.faults.set(delay=0.05)
        seen = 0

        async def consume() -> None:
            nonlocal seen
            async for _ in session.batch.submit_service_jobs(training_jobs(200), concurrency=16):
                seen += 1

        task = asyncio.create_task(consume())
        while seen < 20:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        connector = session.http_session().connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert len(connector._acquired) == 0  # every connection handed back (or closed)
        await asyncio.sleep(0.1)  # the server lets go of the requests it was delaying
        assert endpoint.stats.in_flight == 0
        assert 20 <= endpoint.stats.created["service_job"] < 200
