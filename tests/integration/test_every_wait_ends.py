"""Every wait has an end, and what is sent was validated: listings whose tokens cycle, a
full result too big to hold, bulk deadlines and give-up timers over a silent endpoint, a hung
credential provider, models changed after they were made."""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from support import LoopbackServer, delay, json_reply

from aws_mlops_async import (
    Config,
    ConfigurationError,
    CredentialsError,
    EndpointUnreachable,
    Session,
    Timeout,
    ValidationError,
)
from aws_mlops_async.bulk import BulkRunError
from aws_mlops_async.pagination import PaginationConfig, PaginationError
from aws_mlops_async.services.batch.models import (
    ServiceJobRetryStrategy,
    ServiceJobTimeout,
    SubmitServiceJobRequest,
)

pytestmark = pytest.mark.timeout(30)

JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}
SUBMITTED = {"jobName": "train-1", "jobId": "j-1"}


def page(items: int, token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ImageVersions": [
            {
                "CreationTime": 1,
                "LastModifiedTime": 1,
                "ImageArn": "arn:aws:sagemaker:us-east-1:1:image/img",
                "ImageVersionArn": f"arn:aws:sagemaker:us-east-1:1:image-version/img/{n}",
                "ImageVersionStatus": "CREATED",
                "Version": n,
            }
            for n in range(items)
        ]
    }
    if token is not None:
        body["NextToken"] = token
    return body


async def test_a_listing_whose_tokens_cycle_ends(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def cycling(request: web.Request) -> web.StreamResponse:
        sent = json.loads(await request.read()).get("NextToken")
        return web.json_response(page(1, {None: "A", "A": "B", "B": "A"}[sent]))

    server.default = cycling
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        with pytest.raises(PaginationError, match="handed out before"):
            await paginator.paginate(image_name="img").build_full_result()
    assert len(server.received) == 3  # the first page, A, then B handing A back


async def test_a_full_result_too_big_to_hold_is_refused_unless_asked_for(
    server: LoopbackServer, make_session: Callable[..., Session], monkeypatch: Any
) -> None:
    monkeypatch.setattr("aws_mlops_async.pagination.FULL_RESULT_LIMIT", 25)

    async def endless(request: web.Request) -> web.StreamResponse:
        count = len(server.received)
        return web.json_response(page(10, f"t{count}"))

    server.default = endless
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        with pytest.raises(PaginationError, match="more than 25 items"):
            await paginator.paginate(image_name="img").build_full_result()
        asked = await paginator.paginate(
            image_name="img", pagination_config=PaginationConfig(max_items=40)
        ).build_full_result()
    assert len(asked.image_versions or []) == 40


@pytest.mark.parametrize(
    "make",
    [
        lambda: Config(connect_timeout=math.inf),
        lambda: Config(read_timeout=math.nan),
        lambda: Config(max_attempts=True),  # type: ignore[arg-type]
        lambda: Config(max_attempts=2.5),  # type: ignore[arg-type]
        lambda: Config(max_pool_connections=2.5),  # type: ignore[arg-type]
        lambda: PaginationConfig(starting_token=123),  # type: ignore[arg-type]
        lambda: PaginationConfig(starting_token=""),
    ],
)
def test_bad_settings_are_configuration_errors_naming_them(make: Callable[[], object]) -> None:
    with pytest.raises(ConfigurationError, match=r"Config\.\w+ must be"):
        make()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"delay": math.nan}, "delay"),
        ({"delay": "1"}, "delay"),
        ({"delay": -1}, "delay"),
        ({"max_attempts": 2.5}, "max_attempts"),
        ({"max_attempts": 0}, "max_attempts"),
    ],
)
async def test_a_waiter_s_bad_delay_or_attempts_fail_before_polling(
    server: LoopbackServer, make_session: Callable[..., Session], options: Any, named: str
) -> None:
    async with make_session() as session:
        waiter = session.sagemaker.get_waiter("image_version_created")
        with pytest.raises(ConfigurationError, match=f"^{named} must be"):
            await waiter.wait(image_name="img", **options)
    assert server.received == []


async def test_a_job_deadline_ends_an_attempt_in_flight(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def silent(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    server.default = silent
    async with make_session() as session:
        started = time.monotonic()
        async with session.batch.submit_service_jobs([JOB], job_deadline=1) as run:
            [outcome] = [outcome async for outcome in run]
    assert isinstance(outcome.error, Timeout) and outcome.error.reason == "job deadline"
    assert time.monotonic() - started < 4


async def test_give_up_after_ends_a_run_whose_endpoint_answers_nothing(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def silent(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    server.default = silent
    async with make_session() as session:
        started = time.monotonic()
        with pytest.raises(EndpointUnreachable, match=r"No answer from 127\.0\.0\.1:\d+ for"):
            async with session.batch.submit_service_jobs([JOB], give_up_after=1) as run:
                _ = [outcome async for outcome in run]
    assert time.monotonic() - started < 4


async def test_a_run_gives_up_at_give_up_after_not_at_its_next_look(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # The watchdog looks at deadlines once a second; the silence is looked at when it is due.
    async def answers_once_then_nothing(request: web.Request) -> web.StreamResponse:
        if len(server.received) > 1:
            await asyncio.sleep(60)
        return web.json_response(SUBMITTED)

    answered: list[float] = []

    async def read(run: Any) -> None:
        async with run:
            async for outcome in run:
                answered.append(time.monotonic())
                assert outcome.ok

    server.default = answers_once_then_nothing
    async with make_session() as session:
        jobs = [{**JOB, "job_name": f"j{n}"} for n in range(2)]
        with pytest.raises(EndpointUnreachable) as caught:
            await read(session.batch.submit_service_jobs(jobs, concurrency=1, give_up_after=1.3))
    silent = time.monotonic() - answered[0]
    assert 1.3 <= silent < 1.9, silent  # at the next look, a second after the answer: 2 s
    assert re.search(r"for 1\.[3-8] s", str(caught.value)), caught.value


async def test_give_up_after_ends_a_run_waiting_on_credentials_naming_them(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    class HungProvider:  # a credential_process waiting on an MFA prompt
        waiting = 0

        async def get_credentials(self) -> Any:
            self.waiting += 1
            await asyncio.sleep(60)
            raise AssertionError("unreachable")

    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        session.credentials = HungProvider()
        with pytest.raises(CredentialsError, match="not resolved within"):
            async with session.batch.submit_service_jobs([JOB], give_up_after=1) as run:
                _ = [outcome async for outcome in run]
    assert server.received == []


async def test_give_up_after_ends_a_run_whose_source_stalls(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def stalled() -> Any:
        yield JOB
        await asyncio.sleep(60)
        yield JOB

    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        with pytest.raises(BulkRunError, match="job source gave no job"):
            async with session.batch.submit_service_jobs(stalled(), give_up_after=1) as run:
                _ = [outcome async for outcome in run]
    assert len(server.received) == 1


async def read_pausing(run: Any, pause: Callable[[int], Awaitable[None]]) -> list[Any]:
    """Every outcome of the bulk ``run``, the consumer awaiting ``pause(n)`` after the n-th."""
    outcomes = []
    async with run:
        async for outcome in run:
            outcomes.append(outcome)
            await pause(len(outcomes))
    return outcomes


def jobs_named(count: int) -> list[dict[str, Any]]:
    return [{**JOB, "job_name": f"j{n}"} for n in range(count)]


async def test_a_slow_consumer_is_no_reason_to_give_up(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def pause(read: int) -> None:
        if read == 1:
            await asyncio.sleep(1.5)  # the run waits on me, not on the service

    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        run = session.batch.submit_service_jobs(jobs_named(40), concurrency=2, give_up_after=0.5)
        outcomes = await read_pausing(run, pause)
    assert len(outcomes) == 40 and all(outcome.ok for outcome in outcomes)


async def test_a_run_resuming_after_a_slow_consumer_counts_its_silence_from_then(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # While the consumer sleeps, the answers fill what the run may hold unread and it idles;
    # its watchdog (a look every give_up_after, here 1 s) sees the consumer's pace, not a
    # silence. The consumer reads again at 1.8 s, just before the look at 2 s, and each answer
    # now takes 0.4 s: the silence counts from 1.8 s, not from the look at 1 s, which would
    # take the first request after the pause for a dead service.
    async def pause(read: int) -> None:
        if read == 1:
            await asyncio.sleep(1.8)

    server.script = [json_reply(SUBMITTED)] * 18  # what the run sends before it idles
    server.default = delay(0.4, json_reply(SUBMITTED))
    async with make_session() as session:
        run = session.batch.submit_service_jobs(jobs_named(24), concurrency=1, give_up_after=1)
        outcomes = await read_pausing(run, pause)
    assert len(outcomes) == 24 and all(outcome.ok for outcome in outcomes)


async def test_a_max_rate_below_half_a_request_a_second_is_honoured(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply(SUBMITTED)
    async with make_session() as session:
        jobs = [{**JOB, "job_name": f"j{n}"} for n in range(3)]
        run = session.batch.submit_service_jobs(jobs, max_rate=0.25)
        async with run:
            first = await anext(aiter(run))
            assert first.ok
            await asyncio.sleep(2)
            # At 0.5/s a second job would be out by now; at 0.25/s it is not.
            assert len(server.received) == 1
            assert run.progress.send_rate == 0.25


@pytest.mark.parametrize(
    ("jobs", "options", "named"),
    [
        ([JOB], {"concurrency": 400_000}, "concurrency"),
        ([JOB], {"max_rate": math.inf}, "max_rate"),
        ([JOB], {"job_deadline": math.nan}, "job_deadline"),
        ([JOB], {"give_up_after": 0}, "give_up_after"),
        ([JOB], {"run_id": ""}, "run_id"),
        ([JOB], {"run_id": "  "}, "run_id"),
        (JOB, {}, "jobs"),
        ("train-1", {}, "jobs"),
    ],
)
async def test_bad_bulk_arguments_are_refused_before_anything_is_sent(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    jobs: Any,
    options: Any,
    named: str,
) -> None:
    async with make_session() as session:
        with pytest.raises(ConfigurationError, match=f"^{named} must be"):
            session.batch.submit_service_jobs(jobs, **options)
    assert server.received == []


async def test_an_async_on_progress_is_refused_as_it_would_never_be_awaited(
    make_session: Callable[..., Session],
) -> None:
    async def report(progress: Any) -> None: ...

    async with make_session() as session:
        with pytest.raises(ConfigurationError, match="plain function"):
            session.batch.submit_service_jobs([JOB], on_progress=report)


async def test_a_model_changed_after_it_was_made_is_validated_again(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply(SUBMITTED)
    request = SubmitServiceJobRequest(**JOB, retry_strategy=ServiceJobRetryStrategy(attempts=2))
    tampered = request.model_copy(update={"scheduling_priority": -1})
    assert request.retry_strategy is not None
    request.retry_strategy.attempts = "5"  # type: ignore[assignment]
    async with make_session() as session:
        for bad, field in ((tampered, "scheduling_priority"), (request, "attempts")):
            with pytest.raises(ValidationError) as caught:
                await session.batch.invoke(session.batch.operation_spec("submit_service_job"), bad)
            assert any(field in path for path in caught.value.fields), caught.value.fields
        with pytest.raises(ValidationError, match="preemption"):
            await session.batch.submit_service_job(
                **JOB,
                preemption_configuration=ServiceJobTimeout(attempt_duration_seconds=60),  # type: ignore[arg-type]
            )
    assert server.received == []


def blocking(seconds: float) -> None:
    time.sleep(seconds)  # the blocking call under test: it holds the whole loop


@pytest.mark.parametrize("where", ["consumer", "on_progress", "job source"])
async def test_a_loop_blocked_by_its_caller_is_no_silence_of_the_service(
    server: LoopbackServer, make_session: Callable[..., Session], where: str
) -> None:
    # A blocking call stalls the whole loop, twice, each time past give_up_after. Answers of
    # requests in flight wait in the sockets, and once the loop runs again its overdue
    # watchdog comes before those reads; requests it sends then take their 0.1 s. Neither
    # the silence it slept through nor theirs is the service's.
    blocks = {1: 1.2, 6: 1.2}

    async def pause(read: int) -> None:
        if where == "consumer" and read in blocks:
            blocking(blocks[read])

    def on_progress(progress: Any) -> None:
        if where == "on_progress" and progress.succeeded in blocks:
            blocking(blocks[progress.succeeded])

    def source() -> Iterator[dict[str, Any]]:
        for n, job in enumerate(jobs_named(12)):
            if where == "job source" and n in blocks:
                blocking(blocks[n])
            yield job

    server.default = delay(0.1, json_reply(SUBMITTED))
    async with make_session() as session:
        run = session.batch.submit_service_jobs(
            source(), concurrency=2, give_up_after=0.5, on_progress=on_progress
        )
        outcomes = await read_pausing(run, pause)
    assert len(outcomes) == 12 and all(outcome.ok for outcome in outcomes)


async def test_a_job_answered_while_the_loop_was_held_up_is_not_past_its_deadline(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # The answer comes 0.2 s in, within the 0.5 s job_deadline, while a blocking call holds
    # the loop until 1.5 s: the watchdog, overdue, comes first, and lets the loop read it.
    server.default = delay(0.2, json_reply(SUBMITTED))
    asyncio.get_running_loop().call_later(0.1, blocking, 1.4)
    async with make_session() as session:
        run = session.batch.submit_service_jobs([JOB], job_deadline=0.5)
        [outcome] = await read_pausing(run, asyncio.sleep)
    assert outcome.ok, outcome.error
