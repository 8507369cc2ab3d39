"""Bulk submission against a loopback Batch stand-in: bounds, laziness, retries, exactly-once."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from support import LoopbackServer

from aws_mlops_async import BulkProgress, ConfigurationError, Outcome, Session, ValidationError
from aws_mlops_async.bulk import UNREAD_OUTCOMES_BUFFER, derive_token
from aws_mlops_async.services.batch.errors import ClientException
from aws_mlops_async.services.batch.models import SubmitServiceJobRequest


class IdempotentBatch:
    """SubmitServiceJob as the service answers it: one job per client token, and a tally.

    ``faults`` maps a job name to the answers its first attempts get ("throttle", "503",
    "drop-after" a lost response, "400" a non-retryable error) before it is accepted.
    """

    def __init__(self, service_time: float = 0.0) -> None:
        self.service_time = service_time
        self.jobs: dict[str, dict[str, Any]] = {}
        self.tokens_seen: list[str] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.faults: dict[str, list[str]] = {}
        self.sent_at: list[float] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        self.sent_at.append(time.monotonic())
        try:
            await asyncio.sleep(self.service_time)
            fault = (self.faults.get(body["jobName"]) or [None]).pop(0)
            if fault == "throttle":
                return _error("ThrottlingException", 429)
            if fault == "503":
                return _error("ServiceUnavailable", 503)
            if fault == "400":
                return _error("ClientException", 400)
            token = body["clientToken"]
            self.tokens_seen.append(token)
            job = self.jobs.setdefault(
                token, {"jobName": body["jobName"], "jobId": str(uuid.uuid4())}
            )
            job["jobArn"] = f"arn:aws:batch:us-east-1:123456789012:service-job/{job['jobId']}"
            if fault == "drop-after":  # created, but the answer never arrives
                assert request.transport is not None
                request.transport.close()
                raise asyncio.CancelledError
            return web.json_response(job)
        finally:
            self.in_flight -= 1


def _error(code: str, status: int) -> web.Response:
    return web.json_response({"message": "no"}, status=status, headers={"x-amzn-ErrorType": code})


def job(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "job_name": f"train-{n}",
        "job_queue": "ml-queue",
        "service_job_type": "SAGEMAKER_TRAINING",
        "service_request_payload": "{}",
        **extra,
    }


@pytest.fixture
def batch(server: LoopbackServer) -> IdempotentBatch:
    service = IdempotentBatch()
    server.default = service.handle
    return service


async def collect(run: Any) -> list[Outcome[Any, Any]]:
    return [outcome async for outcome in run]


async def test_every_input_yields_one_outcome_and_concurrency_stays_bounded(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    batch.service_time = 0.01
    async with make_session() as session:
        outcomes = await collect(
            session.batch.submit_service_jobs((job(n) for n in range(60)), concurrency=7)
        )
    assert sorted(o.index for o in outcomes) == list(range(60))
    assert all(o.ok and o.response is not None and o.attempts == 1 for o in outcomes)
    assert {o.response.job_name for o in outcomes if o.response} == {
        f"train-{n}" for n in range(60)
    }
    assert batch.peak_in_flight == 7
    assert len(batch.jobs) == 60


async def test_max_rate_caps_requests_per_second(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    async with make_session() as session:
        outcomes = await collect(
            session.batch.submit_service_jobs(
                (job(n) for n in range(12)), concurrency=12, max_rate=20
            )
        )
    assert all(o.ok for o in outcomes)
    span = batch.sent_at[-1] - batch.sent_at[0]
    # 12 requests at 20/s: the last leaves at least 11/20 s after the first (a bucket of one).
    # Seen at the server, whose reads a loaded loop may bunch: half of that is still far from
    # unpaced (12 requests at concurrency 12 go out within about 0.01 s).
    assert span >= 11 / 20 * 0.5, span


async def test_invalid_jobs_get_their_error_and_never_reach_the_wire(
    batch: IdempotentBatch, server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    jobs = [job(0), job(1, job_name="bad name!"), job(2, scheduling_priority=10_000), "nope"]
    async with make_session() as session:
        outcomes = {o.index: o for o in await collect(session.batch.submit_service_jobs(jobs))}
    assert outcomes[0].ok
    for index, field in ((1, "job_name"), (2, "scheduling_priority")):
        error = outcomes[index].error
        assert isinstance(error, ValidationError)
        assert field in error.fields[0]
        assert outcomes[index].request == jobs[index]
        assert outcomes[index].attempts == 0
    assert isinstance(outcomes[3].error, ValidationError)
    assert [json.loads(r.body)["jobName"] for r in server.received] == ["train-0"]


async def test_input_is_pulled_lazily(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    pulled = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        n = 0
        while True:
            pulled += 1
            yield job(n)
            n += 1

    async with make_session() as session:
        run = session.batch.submit_service_jobs(endless(), concurrency=4)
        async with run:
            got = [await anext(run) for _ in range(10)]
    assert len(got) == 10
    # Inputs taken beyond the outcomes read: at most the concurrency plus the fixed buffer.
    assert pulled <= 10 + 4 + UNREAD_OUTCOMES_BUFFER


async def test_async_iterables_and_request_models_are_accepted(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    async def jobs() -> AsyncIterator[SubmitServiceJobRequest | dict[str, Any]]:
        yield SubmitServiceJobRequest(**job(0))
        yield {"jobName": "wire-names", "jobQueue": "q", "serviceJobType": "SAGEMAKER_TRAINING",
               "serviceRequestPayload": "{}"}  # fmt: skip

    async with make_session() as session:
        outcomes = await collect(session.batch.submit_service_jobs(jobs(), run_id="r1"))
    assert all(o.ok for o in outcomes)
    assert sorted(batch.jobs) == sorted([derive_token("r1", 0), derive_token("r1", 1)])


async def test_retryable_failures_go_back_in_line_with_the_same_token(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    batch.faults = {
        "train-1": ["throttle", "throttle"],
        "train-2": ["503"],
        "train-3": ["drop-after", "503"],
    }
    async with make_session() as session:
        run = session.batch.submit_service_jobs((job(n) for n in range(5)), run_id="again")
        outcomes = {o.index: o for o in await collect(run)}
        progress = run.progress
    assert all(o.ok for o in outcomes.values())
    assert [outcomes[n].attempts for n in range(5)] == [1, 3, 2, 3, 1]
    assert progress.retries == 5 and progress.succeeded == 5 and progress.failed == 0
    # The lost answer was retried with its token: the service still made one job of it.
    assert len(batch.jobs) == 5
    assert batch.tokens_seen.count(derive_token("again", 3)) == 2
    assert outcomes[3].response is not None
    assert outcomes[3].response.job_id == batch.jobs[derive_token("again", 3)]["jobId"]


async def test_non_retryable_errors_and_spent_deadlines_are_failures(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    batch.faults = {"train-0": ["400"], "train-1": ["503"] * 100}
    async with make_session() as session:
        run = session.batch.submit_service_jobs(
            (job(n) for n in range(3)), job_deadline=0.3, concurrency=2
        )
        outcomes = {o.index: o for o in await collect(run)}
    assert isinstance(outcomes[0].error, ClientException)
    assert outcomes[0].attempts == 1
    assert outcomes[1].error is not None and outcomes[1].error.retryable
    assert outcomes[1].attempts > 1
    assert outcomes[1].error.attempts == outcomes[1].attempts
    assert outcomes[2].ok


async def test_running_the_same_input_again_with_the_run_id_creates_nothing_twice(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    async with make_session() as session:
        first = session.batch.submit_service_jobs(job(n) for n in range(20))
        one = {o.index: o.response for o in await collect(first)}
        again = session.batch.submit_service_jobs((job(n) for n in range(20)), run_id=first.run_id)
        two = {o.index: o.response for o in await collect(again)}
        other = await collect(session.batch.submit_service_jobs([job(0)]))
    assert one == two
    assert len(batch.jobs) == 21
    assert other[0].response != one[0]


async def test_progress_is_reported_as_outcomes_arrive(
    batch: IdempotentBatch, make_session: Callable[..., Session]
) -> None:
    seen: list[BulkProgress] = []
    batch.faults = {"train-0": ["503"]}
    async with make_session() as session:
        await collect(
            session.batch.submit_service_jobs(
                [job(0), job(1), job(2, job_name="")], on_progress=seen.append
            )
        )
    last = seen[-1]
    assert (last.taken, last.succeeded, last.failed, last.retries, last.in_flight) == (
        3,
        2,
        1,
        1,
        0,
    )
    assert [p.done for p in seen] == sorted(p.done for p in seen)


async def test_cancelling_the_consumer_cancels_in_flight_requests_and_frees_connections(
    batch: IdempotentBatch, server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    batch.service_time = 30.0
    async with make_session() as session:
        outcomes: list[Outcome[Any, Any]] = []

        async def consume() -> None:
            async for outcome in session.batch.submit_service_jobs(
                (job(n) for n in range(100)), concurrency=8
            ):
                outcomes.append(outcome)

        consumer = asyncio.create_task(consume())
        while len(server.received) < 8:
            await asyncio.sleep(0.01)
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        connector = session.http_session().connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert len(connector._acquired) == 0
        assert outcomes == []
    assert len(server.received) == 8
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not [t for t in leftover if "_attempt" in repr(t) or "drive" in repr(t)]


async def test_bad_settings_are_refused_up_front(make_session: Callable[..., Session]) -> None:
    async with make_session() as session:
        for settings in ({"concurrency": 0}, {"max_rate": 0}, {"job_deadline": -1}):
            with pytest.raises(ConfigurationError):
                session.batch.submit_service_jobs([], **settings)  # type: ignore[arg-type]
