"""A training job's logs, read and followed (`sagemaker.training_job_logs`,
`batch.service_job_logs`) against a scripted world of CloudWatch Logs: every line once, in
time order across instances, the caught-up token, streams that show up late, throttling,
cancellation, jobs that never started, and the arguments a hurried caller gets wrong."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from logs_world import GROUP, LogWorld
from support import LoopbackServer

from aws_mlops_async import (
    Config,
    ConfigurationError,
    EndpointUnreachable,
    ServiceError,
    Session,
    ValidationError,
)
from aws_mlops_async.ext import training_logs
from aws_mlops_async.ext.training_logs import LogLine

pytestmark = pytest.mark.timeout(30)

QUICK = {"poll_interval": 0.01}


@pytest.fixture
def world(server: LoopbackServer) -> LogWorld:
    made = LogWorld()
    server.default = made.handle
    return made


@pytest.fixture
async def session(make_session: Callable[..., Session]) -> AsyncIterator[Session]:
    async with make_session() as opened:
        yield opened


async def read(logs: Any) -> list[LogLine]:
    async with logs:
        return [line async for line in logs]


def messages(lines: list[LogLine]) -> list[str]:
    return [line.message for line in lines]


# The unhappy paths first: what a hurried caller gets wrong is refused before anything is sent.


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"follow": "yes"}, "follow"),
        ({"tail": 0}, "tail"),
        ({"tail": 10_001}, "tail"),
        ({"tail": 2.5}, "tail"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": float("nan")}, "poll_interval"),
        ({"give_up_after": -1}, "give_up_after"),
        ({"start_time": datetime(2026, 1, 1)}, "start_time"),
        ({"start_time": "yesterday"}, "start_time"),
    ],
)
async def test_a_bad_argument_is_refused_by_name_before_anything_is_sent(
    session: Session, world: LogWorld, arguments: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        session.sagemaker.training_job_logs("train-1", **arguments)
    with pytest.raises(ConfigurationError, match=named):
        session.batch.service_job_logs("job-1", **arguments)
    assert world.asked == []


@pytest.mark.parametrize(
    "name", ["", "  ", "arn:aws:sagemaker:us-east-1:1:training-job/train-1", "a/b"]
)
async def test_a_name_that_is_no_training_job_name_is_refused_before_anything_is_sent(
    session: Session, world: LogWorld, name: str
) -> None:
    with pytest.raises((ConfigurationError, ValidationError), match="training_job_name"):
        session.sagemaker.training_job_logs(name)
    assert world.asked == []


async def test_a_job_that_does_not_exist_is_sagemakers_error(
    session: Session, world: LogWorld
) -> None:
    world.exists = False
    with pytest.raises(ServiceError, match="Requested resource not found"):
        await read(session.sagemaker.training_job_logs("train-1", follow=True, **QUICK))
    assert world.counts["DescribeTrainingJob"] == 1


async def test_a_refused_caller_ends_the_read_at_once(session: Session, world: LogWorld) -> None:
    world.write(world.stream(1), (1, "a"))
    world.failing = ["AccessDeniedException"]
    with pytest.raises(ServiceError) as refused:
        await read(session.sagemaker.training_job_logs("train-1", follow=True, **QUICK))
    assert refused.value.code == "AccessDeniedException"
    assert world.counts["GetLogEvents"] == 1


async def test_a_job_that_never_started_has_no_lines_and_the_follow_ends_with_it(
    session: Session, world: LogWorld
) -> None:
    world.group = False  # not even the log group: no job in the region wrote a line yet

    def fails_after_a_while(operation: str) -> None:
        if operation == "DescribeTrainingJob" and world.counts[operation] == 3:
            world.status = "Failed"

    world.before = fails_after_a_while
    logs = session.sagemaker.training_job_logs("train-1", follow=True, **QUICK)
    assert await read(logs) == []
    # Looked at until it ended, then once more.
    assert world.counts["DescribeTrainingJob"] == 4
    assert world.counts["GetLogEvents"] == 0
    assert logs.training_job is not None and logs.training_job.training_job_status == "Failed"


async def test_every_line_of_every_instance_once_in_time_order(
    session: Session, world: LogWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training_logs, "PAGE_LINES", 7)  # many pages a stream
    first, second, third = world.stream(1), world.stream(2), world.stream(3)
    world.instances = 3
    world.write(first, *((t, f"1:{t}") for t in range(0, 100, 2)))
    world.write(second, *((t, f"2:{t}") for t in range(1, 100, 2)))
    world.write(third, *((t, f"3:{t}") for t in range(0, 100, 10)))
    world.status = "Completed"
    logs = session.sagemaker.training_job_logs("train-1")
    lines = await read(logs)
    written = [message for events in world.streams.values() for _, message in events]
    assert sorted(messages(lines)) == sorted(written)
    assert [line.timestamp_ms for line in lines] == sorted(line.timestamp_ms for line in lines)
    assert {line.instance for line in lines} == {"algo-1", "algo-2", "algo-3"}
    assert lines[0].timestamp == datetime.fromtimestamp(0, timezone.utc)
    # Each stream read a page at a time (at most 7 lines held per stream), and once more
    # to find it caught up.
    assert {read["limit"] for read in world.reads} == {7}
    assert world.counts["GetLogEvents"] == (50 // 7 + 1) + (50 // 7 + 1) + (10 // 7 + 1) + 3
    assert logs.requests["GetLogEvents"] == world.counts["GetLogEvents"]
    assert all(read["logGroupName"] == GROUP for read in world.reads)


async def test_a_caught_up_stream_is_read_on_from_the_same_token_as_lines_arrive(
    session: Session, world: LogWorld
) -> None:
    name = world.stream(1)
    world.instances = 1
    world.write(name, (1, "one"), (2, "two"))
    arrivals = iter([[(3, "three")], [], [(4, "four"), (5, "five")]])

    def write_later(operation: str) -> None:
        if operation == "DescribeTrainingJob" and world.counts[operation] > 1:
            batch = next(arrivals, None)
            if batch is None:
                world.status = "Completed"
            else:
                world.write(name, *batch)

    world.before = write_later
    lines = await read(session.sagemaker.training_job_logs("train-1", follow=True, **QUICK))
    assert messages(lines) == ["one", "two", "three", "four", "five"]
    tokens = [read.get("nextToken") for read in world.reads]
    # Read on from where the look before got, never from the start again: one request a
    # look while less than a page arrives (a page not full is all the stream had).
    assert tokens[:4] == [None, "f/2", "f/3", "f/3"]
    assert tokens.count(None) == 1


async def test_a_stream_that_shows_up_mid_follow_is_read_from_its_start(
    session: Session, world: LogWorld
) -> None:
    early = world.stream(1)
    world.write(early, (10, "algo-1 starts"), (30, "algo-1 epoch 1"))

    def second_instance_late(operation: str) -> None:
        if operation != "DescribeTrainingJob":
            return
        if world.counts[operation] == 3:
            late = world.stream(2, start=1_700_000_020)
            world.write(late, (20, "algo-2 starts"), (40, "algo-2 epoch 1"))
        if world.counts[operation] == 5:
            world.status = "Completed"

    world.before = second_instance_late
    lines = await read(session.sagemaker.training_job_logs("train-1", follow=True, **QUICK))
    assert messages(lines) == ["algo-1 starts", "algo-1 epoch 1", "algo-2 starts", "algo-2 epoch 1"]
    assert [line.instance for line in lines] == ["algo-1", "algo-1", "algo-2", "algo-2"]
    # Streams are looked for only while an instance has none, and in the two looks after
    # the job ended.
    assert world.counts["DescribeLogStreams"] == 3 + 2


async def test_a_line_written_between_two_streams_reads_still_comes_in_time_order(
    session: Session, world: LogWorld
) -> None:
    # A look reads each stream at its own instant. Once algo-1 has caught up in a later look,
    # it writes 25 and algo-2 writes 30 before algo-2 is read: handed out as read, 30 would
    # come before 25. It waits for the look that reads algo-1 again.
    first, second = world.stream(1), world.stream(2)
    world.write(first, (10, "algo-1 a"), (20, "algo-1 b"))
    world.write(second, (15, "algo-2 a"))
    written: list[str] = []
    second_look: list[int] = []

    def instances_write(operation: str) -> None:
        looks = world.counts["DescribeTrainingJob"]
        if operation == "DescribeTrainingJob" and looks == 2:
            second_look.append(len(world.reads))  # the reads before the second look
        read_since = second_look and len(world.reads) > second_look[0]
        just_read = world.reads[-1]["logStreamName"] if read_since else None
        if operation == "GetLogEvents" and just_read == first and not written:
            world.write(first, (25, "algo-1 c"))
            world.write(second, (30, "algo-2 b"))
            written.append(world.reads[-1]["nextToken"])
        if operation == "DescribeTrainingJob" and looks == 5:
            world.status = "Completed"

    world.before = instances_write
    logs = session.sagemaker.training_job_logs("train-1", follow=True, **QUICK)
    lines = await read(logs)
    assert written  # algo-1 had caught up, at the token it was sent, when both wrote
    assert messages(lines) == ["algo-1 a", "algo-2 a", "algo-1 b", "algo-1 c", "algo-2 b"]
    assert [line.timestamp_ms for line in lines] == [10, 15, 20, 25, 30]


async def test_lines_wait_for_an_instance_whose_stream_starts_after_the_look_for_it(
    session: Session, world: LogWorld
) -> None:
    # algo-2's stream starts just after the first look listed the streams, with a line (20)
    # older than one algo-1 shows in that look (30): handed out as read, 30 would come first.
    first = world.stream(1)
    world.write(first, (10, "algo-1 a"), (30, "algo-1 b"))

    def second_starts_late(operation: str) -> None:
        if operation == "GetLogEvents" and world.counts[operation] == 1:
            world.write(world.stream(2), (20, "algo-2 a"))
        if operation == "DescribeTrainingJob" and world.counts[operation] == 4:
            world.status = "Completed"

    world.before = second_starts_late
    lines = await read(session.sagemaker.training_job_logs("train-1", follow=True, **QUICK))
    assert messages(lines) == ["algo-1 a", "algo-2 a", "algo-1 b"]


async def test_throttling_of_get_log_events_is_absorbed_and_nothing_is_lost_or_repeated(
    make_session: Callable[..., Session], world: LogWorld, no_sleep: list[float]
) -> None:
    name = world.stream(1)
    world.instances = 1
    world.write(name, *((t, f"line {t}") for t in range(20)))
    world.status = "Completed"
    # More throttling than the client's 2 attempts absorb: the read slows down and goes on.
    world.failing = ["ThrottlingException"] * 5
    async with make_session(config=Config(max_attempts=2)) as session:
        logs = session.sagemaker.training_job_logs("train-1", poll_interval=0.01)
        lines = await read(logs)
    assert messages(lines) == [f"line {t}" for t in range(20)]
    assert world.failing == []


async def test_a_silent_service_ends_the_follow_after_give_up_after(
    make_session: Callable[..., Session], world: LogWorld, no_sleep: list[float]
) -> None:
    world.write(world.stream(1), (1, "a"))
    world.failing = ["ServiceUnavailableException"] * 10_000
    async with make_session(config=Config(max_attempts=1)) as session:
        logs = session.sagemaker.training_job_logs(
            "train-1", follow=True, poll_interval=0.01, give_up_after=0.2
        )
        with pytest.raises(EndpointUnreachable):
            await read(logs)


async def test_leaving_mid_follow_stops_every_request(session: Session, world: LogWorld) -> None:
    name = world.stream(1)
    world.write(name, *((t, f"line {t}") for t in range(10)))
    async with session.sagemaker.training_job_logs("train-1", follow=True, **QUICK) as logs:
        async for line in logs:
            if line.message == "line 4":
                break
    asked = len(world.asked)
    await asyncio.sleep(0.1)
    assert len(world.asked) == asked


async def test_cancelling_a_follow_mid_request_leaves_nothing_running(
    session: Session, world: LogWorld, server: LoopbackServer
) -> None:
    name = world.stream(1)
    world.stream(2)
    world.write(name, (1, "first"))
    stalled = asyncio.Event()

    async def stall(request: Any) -> Any:
        if request.headers.get("X-Amz-Target", "").endswith("GetLogEvents"):
            stalled.set()
            await asyncio.sleep(60)
        return await world.handle(request)

    server.default = stall
    got: list[LogLine] = []

    async def follow() -> None:
        async with session.sagemaker.training_job_logs("train-1", follow=True, **QUICK) as logs:
            async for line in logs:
                got.append(line)

    task = asyncio.ensure_future(follow())
    await asyncio.wait_for(stalled.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert got == []
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not [t for t in pending if "training_logs" in repr(t.get_coro())]


async def test_tail_starts_at_the_last_lines_of_all_instances_and_start_time_skips(
    session: Session, world: LogWorld
) -> None:
    first, second = world.stream(1), world.stream(2)
    world.write(first, *((t, f"1:{t}") for t in range(0, 50, 2)))
    world.write(second, *((t, f"2:{t}") for t in range(1, 50, 2)))
    world.status = "Failed"
    lines = await read(session.sagemaker.training_job_logs("train-1", tail=5))
    assert messages(lines) == ["2:45", "1:46", "2:47", "1:48", "2:49"]
    later = datetime.fromtimestamp(0.045, timezone.utc)
    lines = await read(session.sagemaker.training_job_logs("train-1", start_time=later))
    assert messages(lines) == ["2:45", "1:46", "2:47", "1:48", "2:49"]


async def test_a_service_jobs_logs_are_its_latest_attempts_training_jobs(
    session: Session, world: LogWorld
) -> None:
    world.job = "AWSBatch-train-0a1b2c3d"
    name = world.stream(1)
    world.instances = 1
    world.write(name, (1, "hello from batch"))
    world.service_job_status = "STARTING"

    def starts_later(operation: str) -> None:
        if operation == "DescribeServiceJob" and world.counts[operation] == 3:
            world.service_job_status = "RUNNING"
            world.training_job_arn = (
                "arn:aws:sagemaker:us-east-1:123456789012:training-job/awsbatch-train-0a1b2c3d"
            )
        if operation == "DescribeTrainingJob" and world.counts[operation] == 2:
            world.status = "Completed"

    world.before = starts_later
    logs = session.batch.service_job_logs("job-1", follow=True, **QUICK)
    assert messages(await read(logs)) == ["hello from batch"]
    # The ARN names the job in lower case; the streams carry its own name.
    assert logs.streams == (name,)
    assert world.counts["DescribeServiceJob"] == 3


async def test_a_service_job_that_ended_without_a_training_job_has_no_lines(
    session: Session, world: LogWorld
) -> None:
    world.service_job_status = "FAILED"
    assert await read(session.batch.service_job_logs("job-1", follow=True, **QUICK)) == []
    assert world.asked == ["DescribeServiceJob"]
