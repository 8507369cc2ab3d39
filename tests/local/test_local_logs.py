"""The emulator's CloudWatch Logs, driven by boto3: the log group and streams its training jobs
write, their lines arriving as the emulator's clock moves, and AWS's paging, tokens and errors
for DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from logs_support import (
    GROUP,
    STILL,
    boto3_client,
    call,
    read_through,
    stream_names,
    training_request,
)

from aws_mlops_async.local import LocalAws

pytestmark = pytest.mark.timeout(10)


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    """The emulator, its training jobs writing only as a test moves its clock."""
    async with LocalAws(durations=STILL, seed=1) as running:
        yield running


@pytest.fixture
def logs(endpoint: LocalAws) -> Any:
    return boto3_client(endpoint, "logs")


@pytest.fixture
def sagemaker(endpoint: LocalAws) -> Any:
    return boto3_client(endpoint, "sagemaker")


def error_of(failure: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = failure.value.response["Error"]
    return error["Code"], error["Message"]


async def test_the_group_exists_once_a_training_job_writes(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    assert (await call(logs, "describe_log_groups"))["logGroups"] == []
    await call(sagemaker, "create_training_job", **training_request("first"))
    endpoint.clock.advance(2)  # Training has begun

    groups = (await call(logs, "describe_log_groups"))["logGroups"]
    by_prefix = await call(logs, "describe_log_groups", logGroupNamePrefix="/aws/sagemaker/")
    by_pattern = await call(logs, "describe_log_groups", logGroupNamePattern="trainingjobs")
    elsewhere = await call(logs, "describe_log_groups", logGroupNamePrefix="/aws/lambda/")

    assert [group["logGroupName"] for group in groups] == [GROUP]
    assert groups[0]["arn"] == f"{groups[0]['logGroupArn']}:*"
    assert by_prefix["logGroups"] == by_pattern["logGroups"] == groups
    assert elsewhere["logGroups"] == []
    with pytest.raises(ClientError) as both:
        await call(logs, "describe_log_groups", logGroupNamePrefix="/a", logGroupNamePattern="a")
    assert error_of(both)[0] == "InvalidParameterException"


async def test_one_stream_per_instance_named_as_sagemaker_names_them(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    await call(sagemaker, "create_training_job", **training_request("three", instances=3))
    endpoint.clock.advance(50)

    names = await stream_names(logs, "three/")
    first = await call(logs, "describe_log_streams", logGroupName=GROUP, limit=2)
    rest = await call(
        logs, "describe_log_streams", logGroupName=GROUP, limit=2, nextToken=first["nextToken"]
    )
    newest = await call(
        logs, "describe_log_streams", logGroupName=GROUP, orderBy="LastEventTime", descending=True
    )

    assert [name.rsplit("-", 1)[0] for name in names] == [f"three/algo-{n}" for n in (1, 2, 3)]
    assert all(name.rsplit("-", 1)[1].isdigit() for name in names)
    assert [s["logStreamName"] for s in first["logStreams"] + rest["logStreams"]] == names
    assert "nextToken" not in rest
    last_events = [s["lastEventTimestamp"] for s in newest["logStreams"]]
    assert last_events == sorted(last_events, reverse=True)


async def test_lines_arrive_as_the_job_trains_and_a_caught_up_reader_gets_its_token_back(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    await call(sagemaker, "create_training_job", **training_request("slow", epochs=20))
    endpoint.clock.advance(30)  # about a third of the Training phase
    [stream] = await stream_names(logs, "slow/")
    early = await read_through(logs, stream)
    page = await call(
        logs, "get_log_events", logGroupName=GROUP, logStreamName=stream, startFromHead=True
    )
    caught_up = await call(
        logs,
        "get_log_events",
        logGroupName=GROUP,
        logStreamName=stream,
        nextToken=page["nextForwardToken"],
    )

    endpoint.clock.advance(100)  # the job has completed
    later = await call(
        logs,
        "get_log_events",
        logGroupName=GROUP,
        logStreamName=stream,
        nextToken=page["nextForwardToken"],
    )
    everything = await read_through(logs, stream)

    assert 0 < len(early) < len(everything) == 20 + 7
    assert caught_up["events"] == []
    assert caught_up["nextForwardToken"] == page["nextForwardToken"]
    assert early + later["events"] == everything
    assert "Invoking user script" in everything[0]["message"]
    assert everything[5]["message"].startswith("epoch 1/20 - loss: ")
    assert "Reporting training SUCCESS" in everything[-1]["message"]
    times = [event["timestamp"] for event in everything]
    assert times == sorted(times)


async def test_without_start_from_head_a_read_starts_at_the_tail_and_pages_back(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    await call(sagemaker, "create_training_job", **training_request("tail", epochs=10))
    endpoint.clock.advance(200)
    [stream] = await stream_names(logs, "tail/")
    everything = await read_through(logs, stream)

    last = await call(logs, "get_log_events", logGroupName=GROUP, logStreamName=stream, limit=5)
    before = await call(
        logs,
        "get_log_events",
        logGroupName=GROUP,
        logStreamName=stream,
        limit=5,
        nextToken=last["nextBackwardToken"],
    )
    window = await call(
        logs,
        "get_log_events",
        logGroupName=GROUP,
        logStreamName=stream,
        startFromHead=True,
        startTime=everything[3]["timestamp"],
        endTime=everything[6]["timestamp"],
    )

    assert last["events"] == everything[-5:]
    assert before["events"] == everything[-10:-5]
    assert window["events"] == everything[3:6]  # endTime is left out


async def test_missing_groups_and_streams_and_bad_arguments_are_refused_as_aws_words_them(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    await call(sagemaker, "create_training_job", **training_request("errs"))
    endpoint.clock.advance(50)
    [stream] = await stream_names(logs, "errs/")

    with pytest.raises(ClientError) as no_group:
        await call(logs, "get_log_events", logGroupName="/aws/none", logStreamName=stream)
    with pytest.raises(ClientError) as no_stream:
        await call(logs, "get_log_events", logGroupName=GROUP, logStreamName="errs/algo-9-1")
    with pytest.raises(ClientError) as bad_token:
        await call(
            logs, "get_log_events", logGroupName=GROUP, logStreamName=stream, nextToken="f/1"
        )
    with pytest.raises(ClientError) as too_many:
        await call(logs, "describe_log_streams", logGroupName=GROUP, limit=51)
    with pytest.raises(ClientError) as prefix_by_time:
        await call(
            logs,
            "describe_log_streams",
            logGroupName=GROUP,
            logStreamNamePrefix="e",
            orderBy="LastEventTime",
        )

    assert error_of(no_group) == (
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
    assert error_of(no_stream) == (
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )
    assert error_of(bad_token) == (
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    )
    for refused in (too_many, prefix_by_time):
        assert error_of(refused)[0] == "InvalidParameterException"


async def test_filter_log_events_interleaves_the_streams_in_time_and_matches_terms(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    await call(sagemaker, "create_training_job", **training_request("pair", instances=2, epochs=6))
    await call(sagemaker, "create_training_job", **training_request("other"))
    endpoint.clock.advance(200)
    names = await stream_names(logs, "pair/")
    each = {name: await read_through(logs, name) for name in names}

    pages, arguments = [], {"logGroupName": GROUP, "logStreamNamePrefix": "pair/", "limit": 5}
    while True:
        page = await call(logs, "filter_log_events", **arguments)
        pages.append(page)
        if "nextToken" not in page:
            break
        arguments["nextToken"] = page["nextToken"]
    merged = [event for page in pages for event in page["events"]]
    epochs = await call(
        logs,
        "filter_log_events",
        logGroupName=GROUP,
        logStreamNames=names[:1],
        filterPattern='"epoch 2/6"',
    )

    assert len(merged) == sum(map(len, each.values())) == 2 * (6 + 7)
    assert [e["timestamp"] for e in merged] == sorted(e["timestamp"] for e in merged)
    for name, events in each.items():
        assert [e["message"] for e in merged if e["logStreamName"] == name] == [
            e["message"] for e in events
        ]
    assert len({e["eventId"] for e in merged}) == len(merged)
    assert [(e["logStreamName"], e["message"][:9]) for e in epochs["events"]] == [
        (names[0], "epoch 2/6")
    ]
    with pytest.raises(ClientError) as both:
        await call(
            logs,
            "filter_log_events",
            logGroupName=GROUP,
            logStreamNames=names,
            logStreamNamePrefix="pair/",
        )
    assert error_of(both)[0] == "InvalidParameterException"


async def test_a_failed_job_ends_its_lines_with_its_own_failure_reason(
    endpoint: LocalAws, logs: Any, sagemaker: Any
) -> None:
    reason = "AlgorithmError: ValueError: the loss went NaN at step 1234"
    endpoint.state.fail_next("training_job", reason=reason)
    await call(sagemaker, "create_training_job", **training_request("broken", instances=2))
    endpoint.clock.advance(200)

    described = await call(sagemaker, "describe_training_job", TrainingJobName="broken")
    last_lines = [
        (await read_through(logs, name))[-1]["message"]
        for name in await stream_names(logs, "broken/")
    ]

    assert described["FailureReason"] == reason
    assert last_lines == ["ValueError: the loss went NaN at step 1234"] * 2
