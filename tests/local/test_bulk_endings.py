"""Every way a bulk run ends, over real loopback HTTP: all outcomes; the consumer stopping it
(break, aclose, async with, a dropped run, cancellation); the run failing (its source or
on_progress raising, credentials); and a job failing alone. Each ends promptly, leaves no task
behind, and sends nothing more after it ends."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from support import LoopbackServer, raw_reply

from aws_mlops_async import (
    AwsError,
    BulkProgress,
    EndpointUnreachable,
    Outcome,
    ServiceError,
    Session,
    ValidationError,
)
from aws_mlops_async.bulk import UNREAD_OUTCOMES_BUFFER, BulkRunError
from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(30)


def job(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "job_name": f"train-{n}",
        "job_queue": "endings",
        "service_job_type": "SAGEMAKER_TRAINING",
        "service_request_payload": "{}",
        **extra,
    }


def jobs(count: int) -> Iterator[dict[str, Any]]:
    return (job(n) for n in range(count))


async def drain(run: AsyncIterator[Outcome[Any, Any]], into: list[Outcome[Any, Any]]) -> None:
    """Read every outcome of ``run`` into ``into`` (whatever the run raises, it raises)."""
    async for outcome in run:
        into.append(outcome)


def our_tasks() -> list[asyncio.Task[Any]]:
    """The bulk engine's tasks still alive (the emulator's own run in the same loop)."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "").startswith("_Engine.")
    ]


async def settled(endpoint: LocalAws) -> int:
    """The jobs created once nothing more arrives: requests written before a run stopped
    still reach the emulator, so wait until it has handled all and 0.3 s bring no more."""
    received = -1
    while endpoint.stats.in_flight or endpoint.stats.received["SubmitServiceJob"] != received:
        received = endpoint.stats.received["SubmitServiceJob"]
        await asyncio.sleep(0.3)
    return endpoint.stats.created["service_job"]


def assert_pool_released(session: Session) -> None:
    connector = session.http_session().connector
    assert isinstance(connector, aiohttp.TCPConnector)
    assert len(connector._acquired) == 0


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(seed=3) as running:
        running.faults.set(delay=0.01)
        yield running


@pytest.fixture
async def session(endpoint: LocalAws) -> AsyncIterator[Session]:
    async with endpoint.session() as opened:
        yield opened


# ---- the run fails ------------------------------------------------------------------------


async def test_a_source_that_raises_ends_the_run_with_its_own_exception(
    endpoint: LocalAws, session: Session
) -> None:
    def broken() -> Iterator[dict[str, Any]]:
        yield from jobs(5)
        raise ValueError("line 6 is not JSON")

    delivered: list[Outcome[Any, Any]] = []
    async with session.batch.submit_service_jobs(broken(), concurrency=4) as run:
        with pytest.raises(ValueError, match="line 6 is not JSON"):
            await drain(run, delivered)
    created = await settled(endpoint)
    assert all(outcome.ok for outcome in delivered)
    assert len(delivered) <= created <= 5
    assert our_tasks() == []
    assert_pool_released(session)


async def test_an_async_source_that_raises_ends_the_run_too(
    endpoint: LocalAws, session: Session
) -> None:
    async def broken() -> AsyncIterator[dict[str, Any]]:
        yield job(0)
        await asyncio.sleep(0.2)  # the first job completes before the source fails
        raise KeyError("missing")

    run = session.batch.submit_service_jobs(broken())
    delivered: list[Outcome[Any, Any]] = []
    with pytest.raises(KeyError):
        await drain(run, delivered)
    assert [outcome.ok for outcome in delivered] == [True]
    assert await settled(endpoint) == 1
    assert our_tasks() == []


async def test_an_on_progress_that_raises_stops_the_run_with_its_exception_as_cause(
    endpoint: LocalAws, session: Session
) -> None:
    def explode(progress: BulkProgress) -> None:
        raise ZeroDivisionError("progress bar broke")

    run = session.batch.submit_service_jobs(jobs(500), concurrency=8, on_progress=explode)
    with pytest.raises(BulkRunError) as raised:
        async for _ in run:
            pass
    assert isinstance(raised.value, AwsError)
    assert isinstance(raised.value.__cause__, ZeroDivisionError)
    assert await settled(endpoint) <= 8 + UNREAD_OUTCOMES_BUFFER
    assert our_tasks() == []
    assert_pool_released(session)


async def test_credentials_that_cannot_be_had_end_the_run_before_anything_is_sent(
    endpoint: LocalAws, isolated_aws_env: Path
) -> None:
    (isolated_aws_env / "config").write_text(
        "[profile broken]\ncredential_process = /bin/false\n", encoding="utf-8"
    )
    async with Session(
        region_name=endpoint.region, profile_name="broken", endpoint_url=endpoint.url
    ) as session:
        with pytest.raises(AwsError):
            async for _ in session.batch.submit_service_jobs(jobs(50)):
                pass
    assert endpoint.stats.received["SubmitServiceJob"] == 0
    assert our_tasks() == []


# ---- a job fails alone --------------------------------------------------------------------


async def test_a_job_that_cannot_be_encoded_fails_alone(
    endpoint: LocalAws, session: Session
) -> None:
    inputs = [job(0), job(1, job_queue="q\ud800"), job(2)]
    async with session.batch.submit_service_jobs(inputs) as run:
        outcomes = {outcome.index: outcome async for outcome in run}
    assert outcomes[0].ok and outcomes[2].ok
    assert isinstance(outcomes[1].error, ValidationError)
    assert endpoint.stats.created["service_job"] == 2
    assert endpoint.stats.received["SubmitServiceJob"] == 2


async def test_an_error_body_nested_too_deep_is_that_jobs_service_error(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = raw_reply(b"[" * 100_000 + b"]" * 100_000, 500)
    async with make_session() as session:
        run = session.batch.submit_service_jobs(jobs(2), job_deadline=0.3)
        outcomes = [outcome async for outcome in run]
    assert len(outcomes) == 2
    for outcome in outcomes:
        assert isinstance(outcome.error, ServiceError)
        assert outcome.error.status_code == 500


# ---- the consumer stops it ----------------------------------------------------------------


async def test_break_stops_sending_within_the_documented_bound(
    endpoint: LocalAws, session: Session
) -> None:
    run = session.batch.submit_service_jobs(jobs(2000), concurrency=8)
    async for _ in run:
        break
    created = await settled(endpoint)
    assert created <= 1 + 8 + UNREAD_OUTCOMES_BUFFER
    await run.aclose()
    assert our_tasks() == []


async def test_aclose_cancels_what_is_in_flight_and_sends_nothing_more(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.faults.set(delay=0.2)
    run = session.batch.submit_service_jobs(jobs(2000), concurrency=8)
    first = await anext(run)
    assert first.ok
    await run.aclose()
    assert our_tasks() == []
    assert_pool_released(session)
    created = await settled(endpoint)
    assert created <= 1 + 8 + UNREAD_OUTCOMES_BUFFER
    with pytest.raises(StopAsyncIteration):
        await anext(run)


async def test_leaving_async_with_stops_the_run(endpoint: LocalAws, session: Session) -> None:
    read = 0
    async with session.batch.submit_service_jobs(jobs(2000), concurrency=8) as run:
        async for _ in run:
            read += 1
            if read == 3:
                break
    assert our_tasks() == []
    assert await settled(endpoint) <= 3 + 8 + UNREAD_OUTCOMES_BUFFER


async def test_a_dropped_run_is_stopped_by_its_finalizer_without_a_warning(
    endpoint: LocalAws, session: Session
) -> None:
    complaints: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: complaints.append(context))
    try:
        run = session.batch.submit_service_jobs(jobs(2000), concurrency=8)
        await anext(run)
        del run
        gc.collect()
        await asyncio.sleep(0.3)
        assert our_tasks() == []
        assert await settled(endpoint) <= 1 + 8 + UNREAD_OUTCOMES_BUFFER
        gc.collect()
    finally:
        loop.set_exception_handler(None)
    assert complaints == []
    assert_pool_released(session)


async def test_cancelling_the_consumer_stops_the_run(endpoint: LocalAws, session: Session) -> None:
    endpoint.faults.set(delay=0.5)
    read = []

    async def consume() -> None:
        async for outcome in session.batch.submit_service_jobs(jobs(2000), concurrency=8):
            read.append(outcome)

    consumer = asyncio.create_task(consume())
    while endpoint.stats.in_flight < 8:
        await asyncio.sleep(0.01)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert our_tasks() == []
    assert_pool_released(session)
    assert read == []
    assert await settled(endpoint) <= 8


async def test_a_slow_consumer_holds_the_sender_back(endpoint: LocalAws, session: Session) -> None:
    bound = 4 + UNREAD_OUTCOMES_BUFFER
    read = 0
    async with session.batch.submit_service_jobs(jobs(2000), concurrency=4) as run:
        async for _ in run:
            read += 1
            await asyncio.sleep(0.05)
            assert endpoint.stats.received["SubmitServiceJob"] - read <= bound
            if read == 20:
                break
    assert await settled(endpoint) <= 20 + bound


# ---- the endpoint does not answer ---------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_endpoint_ends_the_run_after_give_up_after(
    make_session: Callable[..., Session],
) -> None:
    port = closed_port()
    async with make_session(endpoint_url=f"http://127.0.0.1:{port}") as session:
        run = session.batch.submit_service_jobs(jobs(10), give_up_after=1.0)
        started = asyncio.get_running_loop().time()
        with pytest.raises(EndpointUnreachable) as raised:
            async for _ in run:
                pass
        elapsed = asyncio.get_running_loop().time() - started
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert "connection refused" in str(raised.value)
    assert 1.0 <= elapsed < 3.0
    assert our_tasks() == []
