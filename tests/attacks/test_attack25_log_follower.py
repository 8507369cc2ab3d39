"""Attacks on the training-log follower (`training_job_logs`, `service_job_logs`, the failed
jobs' logs of a watch): hostile servers, hostile arguments, cancellation and request counts
(FINDINGS25.md). Everything answers from a `MockTransport`: nothing leaves the process."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from multidict import CIMultiDict

from aws_mlops_async import AwsError, Config, ConfigurationError, Session, SessionClosedError
from aws_mlops_async.ext.failure_logs import FailureLogs
from aws_mlops_async.ext.training_logs import LogLine
from aws_mlops_async.ext.watching import ServiceJobUpdate
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import MockTransport, TransportRequest

JOB_ARN = "arn:aws:sagemaker:us-east-1:123456789012:training-job/j"


def ok(payload: dict[str, Any]) -> HttpResponse:
    headers = CIMultiDict({"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r"})
    return HttpResponse(200, headers, json.dumps(payload).encode())


def refused(code: str, status: int = 400) -> HttpResponse:
    headers = CIMultiDict({"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r"})
    return HttpResponse(status, headers, json.dumps({"__type": code, "message": code}).encode())


def training_job(status: str = "Completed", instances: int = 1) -> dict[str, Any]:
    return {
        "TrainingJobName": "j",
        "TrainingJobArn": JOB_ARN,
        "TrainingJobStatus": status,
        "SecondaryStatus": "Completed",
        "AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": "img"},
        "ResourceConfig": {
            "InstanceType": "ml.m5.large",
            "InstanceCount": instances,
            "VolumeSizeInGB": 1,
        },
        "StoppingCondition": {},
        "CreationTime": 1,
        "ModelArtifacts": {"S3ModelArtifacts": "s3://b/k"},
    }


def streams(*names: str) -> HttpResponse:
    return ok({"logStreams": [{"logStreamName": name} for name in names]})


def fields(request: TransportRequest) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(request.body or b"{}")
    return loaded


def mock(handler: Callable[[TransportRequest], HttpResponse]) -> tuple[Session, MockTransport]:
    transport = MockTransport(handler)
    session = Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="SECRETKEYVALUE",
        transport=transport,
    )
    return session, transport


def sent(transport: MockTransport, operation: str) -> int:
    return sum(1 for request in transport.requests if request.operation == operation)


async def read_all(session: Session, **options: Any) -> list[LogLine]:
    async with session.sagemaker.training_job_logs("j", **options) as logs:
        return [line async for line in logs]


# -- #1: a timestamp beyond what a datetime holds ---------------------------------------------


def future_line(request: TransportRequest) -> HttpResponse:
    if request.operation == "DescribeTrainingJob":
        return ok(training_job())
    if request.operation == "DescribeLogStreams":
        return streams("j/algo-1-1")
    if fields(request).get("nextToken") == "end":
        return ok({"events": [], "nextForwardToken": "end"})
    events = [{"timestamp": 1_000, "message": "first"}, {"timestamp": 10**16, "message": "far"}]
    return ok({"events": events, "nextForwardToken": "end"})


@pytest.mark.timeout(30)
async def test_a_timestamp_in_the_year_300000_is_still_a_line() -> None:
    session, _ = mock(future_line)
    async with session:
        lines = await read_all(session)
    assert [line.message for line in lines] == ["first", "far"]
    assert lines[1].timestamp.year == 9999


@pytest.mark.timeout(30)
async def test_a_failed_jobs_far_future_line_does_not_end_the_watch() -> None:
    session, _ = mock(future_line)
    update = ServiceJobUpdate(
        job_id="a",
        job_name="a",
        status="FAILED",
        status_reason="AlgorithmError",
        service_resource_id=JOB_ARN,
        job_queue="q",
    )
    async with session:
        (attached,) = await FailureLogs(session.batch, 5, None).attach([update])
    assert attached.logs is not None
    assert [line.message for line in attached.logs] == ["first", "far"]


# -- #2, #3: tokens that cycle A -> B -> A ------------------------------------------------------


@pytest.mark.timeout(30)
async def test_forward_tokens_cycling_end_the_read() -> None:
    """A read without ``follow`` must end: a stream whose forward tokens cycle would hand
    out the same lines forever."""

    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok(training_job())
        if request.operation == "DescribeLogStreams":
            return streams("j/algo-1-1")
        token = {None: "A", "A": "B", "B": "A"}[fields(request).get("nextToken")]
        return ok({"events": [{"timestamp": 1, "message": "again"}], "nextForwardToken": token})

    session, transport = mock(handler)
    lines: list[LogLine] = []
    async with session:
        with pytest.raises(AwsError):  # or end; it must not go on
            async with session.sagemaker.training_job_logs("j") as logs:
                async for line in logs:
                    lines.append(line)
                    if len(lines) > 100:
                        break
    assert len(lines) <= 3
    assert sent(transport, "GetLogEvents") <= 4


@pytest.mark.timeout(30)
async def test_log_stream_listing_tokens_cycling_end_the_read() -> None:
    listed = 0

    def handler(request: TransportRequest) -> HttpResponse:
        nonlocal listed
        if request.operation == "DescribeTrainingJob":
            return ok(training_job())
        if request.operation == "DescribeLogStreams":
            listed += 1
            if listed > 100:
                return refused("AccessDeniedException", 403)  # stop the loop the test plays
            token = {None: "A", "A": "B", "B": "A"}[fields(request).get("nextToken")]
            return ok({"logStreams": [{"logStreamName": "j/algo-1-1"}], "nextToken": token})
        return ok({"events": [], "nextForwardToken": "end"})

    session, _ = mock(handler)
    async with session:
        with pytest.raises(AwsError):
            await read_all(session)
    assert listed <= 4


# -- #4: a start_time before 1970 -------------------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_start_time_before_1970_is_refused_where_it_enters() -> None:
    session, transport = mock(future_line)
    async with session:
        with pytest.raises(ConfigurationError, match="start_time"):
            session.sagemaker.training_job_logs(
                "j", start_time=datetime(1960, 1, 1, tzinfo=timezone.utc)
            )
        with pytest.raises(ConfigurationError, match="start_time"):
            session.batch.service_job_logs(
                "job-1", start_time=datetime(1969, 12, 31, 23, 59, tzinfo=timezone.utc)
            )
    assert transport.requests == []


# -- #5: requests a poll -------------------------------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_poll_costs_what_the_module_says_for_one_new_line() -> None:
    """The module documents for each stream one GetLogEvents per PAGE_LINES new lines while
    the job runs (a page far from full is all the stream had), and, once it has ended, reads
    on until the token sent comes back."""
    polls = 0

    def handler(request: TransportRequest) -> HttpResponse:
        nonlocal polls
        if request.operation == "DescribeTrainingJob":
            polls += 1
            return ok(training_job("InProgress" if polls < 6 else "Completed"))
        if request.operation == "DescribeLogStreams":
            return streams("j/algo-1-1")
        at = int(fields(request).get("nextToken") or 0)
        events = [{"timestamp": n + 1, "message": str(n)} for n in range(at, polls)]
        return ok({"events": events, "nextForwardToken": str(at + len(events))})

    session, transport = mock(handler)
    async with session:
        lines = await read_all(session, follow=True, poll_interval=0.01)
    assert len(lines) == polls
    # One a look while the job runs; two in each of the two looks after it ended (the
    # second confirms, handing back the token it was sent).
    assert sent(transport, "GetLogEvents") == polls + 2


async def test_a_page_the_1_mb_limit_cut_short_is_read_on_in_the_same_look() -> None:
    # Four lines of 250,000 characters: a page far from 1,000 lines, but near 1 MB.
    polls = 0
    reads: list[tuple[int, str | None]] = []

    def handler(request: TransportRequest) -> HttpResponse:
        nonlocal polls
        if request.operation == "DescribeTrainingJob":
            polls += 1
            return ok(training_job("InProgress" if polls < 3 else "Completed"))
        if request.operation == "DescribeLogStreams":
            return streams("j/algo-1-1")
        token = fields(request).get("nextToken")
        reads.append((polls, token))
        if token is None:
            big = [{"timestamp": n, "message": "x" * 250_000} for n in range(4)]
            return ok({"events": big, "nextForwardToken": "1"})
        events = [{"timestamp": 9, "message": "after"}] if token == "1" else []
        return ok({"events": events, "nextForwardToken": "2"})

    session, _ = mock(handler)
    async with session:
        lines = await read_all(session, follow=True, poll_interval=0.01)
    assert [line.message for line in lines][-1] == "after"
    assert (1, "1") in reads  # read on in the first look, not a poll later


# -- #8: aclose from another task ----------------------------------------------------------------


def following(request: TransportRequest) -> HttpResponse:
    if request.operation == "DescribeTrainingJob":
        return ok(training_job("InProgress"))
    if request.operation == "DescribeLogStreams":
        return streams("j/algo-1-1")
    if fields(request).get("nextToken") == "end":
        return ok({"events": [], "nextForwardToken": "end"})
    return ok({"events": [{"timestamp": 5, "message": "x"}], "nextForwardToken": "end"})


@pytest.mark.timeout(30)
async def test_aclose_from_another_task_stops_the_follow() -> None:
    session, _ = mock(following)
    async with session:
        logs = session.sagemaker.training_job_logs("j", follow=True, poll_interval=30)

        async def consume() -> list[LogLine]:
            return [line async for line in logs]

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(0.2)  # the consumer waits for the next poll
        try:
            await logs.aclose()  # documented as the way to stop it
            await asyncio.wait_for(asyncio.shield(consumer), 5)
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
        assert consumer.done() and not consumer.cancelled()


@pytest.mark.timeout(30)
async def test_two_acloses_from_other_tasks_both_return_and_the_follow_ends() -> None:
    """What the fix keeps: a second aclose meanwhile waits for the same stop, and the
    consumer's ``async for`` ends with the lines it had."""
    session, transport = mock(following)
    async with session:
        logs = session.sagemaker.training_job_logs("j", follow=True, poll_interval=30)

        async def consume() -> list[str]:
            return [line.message async for line in logs]

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(0.2)
        try:
            await asyncio.wait_for(asyncio.gather(logs.aclose(), logs.aclose()), 5)
            lines = await asyncio.wait_for(consumer, 5)
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
        assert lines == ["x"]
        before = len(transport.requests)
        assert [line async for line in logs] == []  # stopped for good: nothing more is sent
        assert len(transport.requests) == before


# -- #9: the Session closed while a follow waits between polls -----------------------------------


@pytest.mark.timeout(30)
async def test_closing_the_session_ends_a_follow_waiting_for_its_next_poll() -> None:
    session, _ = mock(following)
    async with session:
        logs = session.sagemaker.training_job_logs("j", follow=True, poll_interval=20)

        async def consume() -> list[LogLine]:
            async with logs:
                return [line async for line in logs]

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(0.2)
        closed_at = time.monotonic()
        await session.close()
        with pytest.raises(SessionClosedError):
            await asyncio.wait_for(consumer, 10)
        assert time.monotonic() - closed_at < 2


# -- #10: a tail read of a stream that vanished ---------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_tail_read_outlasts_a_vanished_stream() -> None:
    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok(training_job(instances=2))
        if request.operation == "DescribeLogStreams":
            return streams("j/algo-1-1", "j/algo-2-1")
        if fields(request)["logStreamName"] == "j/algo-2-1":
            return refused("ResourceNotFoundException")
        if fields(request).get("nextToken") == "end":
            return ok({"events": [], "nextForwardToken": "end"})
        return ok({"events": [{"timestamp": 5, "message": "x"}], "nextForwardToken": "end"})

    session, _ = mock(handler)
    async with session:
        without_tail = await read_all(session)
        with_tail = await read_all(session, tail=5)
    assert [line.message for line in without_tail] == ["x"]
    assert [line.message for line in with_tail] == ["x"]


@pytest.mark.timeout(30)
async def test_a_failed_jobs_last_lines_cost_what_failure_logs_says() -> None:
    """`ext.failure_logs` says a read "costs about three requests, and one more per
    instance": for a 4-instance job, 7, not 10 (a tail read's stream is read on once more)."""

    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok(training_job("Failed", instances=4))
        if request.operation == "DescribeLogStreams":
            return streams(*(f"j/algo-{n}-1" for n in range(1, 5)))
        if fields(request).get("nextToken") == "end":
            return ok({"events": [], "nextForwardToken": "end"})
        return ok({"events": [{"timestamp": 5, "message": "x"}], "nextForwardToken": "end"})

    session, transport = mock(handler)
    update = ServiceJobUpdate(
        job_id="a",
        job_name="a",
        status="FAILED",
        status_reason="AlgorithmError",
        service_resource_id=JOB_ARN,
        job_queue="q",
    )
    async with session:
        (attached,) = await FailureLogs(session.batch, 5, None).attach([update])
    assert attached.logs is not None and len(attached.logs) == 4
    assert len(transport.requests) <= 3 + 4


# -- #12: a service job that has not started ------------------------------------------------------


@pytest.mark.xfail(strict=True, reason="FINDINGS25 #12")
@pytest.mark.timeout(30)
async def test_following_a_service_job_that_has_not_started_waits_for_it() -> None:
    """A job not started yet has no ``startedAt``: the answer is read leniently (as botocore
    reads it) and the follow waits for the job's training job, it does not end raising."""
    answers = 0

    def handler(request: TransportRequest) -> HttpResponse:
        nonlocal answers
        if request.operation == "DescribeServiceJob":
            answers += 1
            described: dict[str, Any] = {
                "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/x",
                "jobId": "x",
                "jobName": "n",
                "jobQueue": "q",
                "serviceJobType": "SAGEMAKER_TRAINING",
                "createdAt": 1,
                "status": "RUNNABLE",
            }
            if answers > 2:  # then it starts, as training job j
                described.update(status="RUNNING", startedAt=2)
                described["latestAttempt"] = {
                    "serviceResourceId": {"name": "TrainingJobArn", "value": JOB_ARN}
                }
            return ok(described)
        return (
            following(request)
            if request.operation != "DescribeTrainingJob"
            else (ok(training_job()))
        )

    session, _ = mock(handler)
    async with session:
        async with session.batch.service_job_logs("x", follow=True, poll_interval=0.01) as logs:
            lines = [line.message async for line in logs]
    assert lines == ["x"]


# -- #13: what EndpointUnreachable says after throttling ------------------------------------------


@pytest.mark.timeout(30)
async def test_giving_up_after_throttling_says_it_was_throttled() -> None:
    """Every GetLogEvents was answered, with ThrottlingException: the error giving up must
    not say there was "no answer from the service" and ask whether the endpoint is up."""

    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok(training_job())
        if request.operation == "DescribeLogStreams":
            return streams("j/algo-1-1")
        return refused("ThrottlingException")

    transport = MockTransport(handler)
    session = Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="SECRETKEYVALUE",
        transport=transport,
        config=Config(max_attempts=1),
    )
    async with session:
        with pytest.raises(AwsError) as raised:
            await read_all(session, poll_interval=0.05, give_up_after=0.5)
    assert "ThrottlingException" in str(raised.value)
    assert "No answer" not in str(raised.value)


# -- #15: following a job that ended long ago ---------------------------------------------------


@pytest.mark.timeout(30)
async def test_following_a_job_that_ended_an_hour_ago_ends_at_once() -> None:
    """``follow=True`` on a job that completed an hour ago: its lines are read and the
    iteration ends, without waiting a poll_interval for lines that cannot still come (as
    the SageMaker Python SDK's ``logs_for_job(wait=True)`` does)."""
    ended = time.time() - 3600

    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok({**training_job("Completed"), "TrainingEndTime": ended})
        return following(request)

    session, transport = mock(handler)
    async with session:
        started = time.monotonic()
        lines = await read_all(session, follow=True, poll_interval=20)
        took = time.monotonic() - started
    assert [line.message for line in lines] == ["x"]
    assert took < 5
    assert sent(transport, "DescribeTrainingJob") == 1


@pytest.mark.timeout(30)
async def test_following_a_job_that_just_ended_still_looks_once_more() -> None:
    """What the fix keeps: a job that ended a moment ago gets its look a poll later."""
    ended = time.time() - 1

    def handler(request: TransportRequest) -> HttpResponse:
        if request.operation == "DescribeTrainingJob":
            return ok({**training_job("Completed"), "TrainingEndTime": ended})
        return following(request)

    session, transport = mock(handler)
    async with session:
        lines = await read_all(session, follow=True, poll_interval=0.05)
    assert [line.message for line in lines] == ["x"]
    assert sent(transport, "DescribeTrainingJob") == 2


@pytest.mark.timeout(30)
async def test_closing_the_session_ends_a_watch_waiting_for_its_next_poll() -> None:
    """The same for ``watch_service_jobs`` (ext/watching.py sleeps with asyncio.sleep)."""

    def handler(request: TransportRequest) -> HttpResponse:
        summary = {
            "jobId": "x",
            "jobName": "n",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "RUNNING",
            "createdAt": 1,
        }
        return ok({"jobSummaryList": [summary]})

    session, _ = mock(handler)
    async with session:
        watch = session.batch.watch_service_jobs(["x"], job_queue="q", poll_interval=20)

        async def consume() -> None:
            async with watch:
                async for _ in watch:
                    pass

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(0.2)
        closed_at = time.monotonic()
        await session.close()
        try:
            with pytest.raises(SessionClosedError):
                await asyncio.wait_for(asyncio.shield(consumer), 5)
            assert time.monotonic() - closed_at < 2
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)
