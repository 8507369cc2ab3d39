"""How many lines the emulator's training jobs write: ``training_log_lines`` asks for 10,000 an
instance on 8 instances, derived line by line when read (none stored), the same each time, and
served a page of at most 1 MB at a time."""

from __future__ import annotations

import pytest
from logs_support import GROUP, STILL, boto3_client, call, stream_names, training_request

from aws_mlops_async.local import LocalAws
from aws_mlops_async.local.__main__ import UsageError, build, parser

pytestmark = pytest.mark.timeout(10)


async def test_ten_thousand_lines_on_eight_instances_come_a_megabyte_a_page() -> None:
    async with LocalAws(durations=STILL, seed=1, training_log_lines=10_000) as endpoint:
        sagemaker, logs = boto3_client(endpoint, "sagemaker"), boto3_client(endpoint, "logs")
        await call(sagemaker, "create_training_job", **training_request("big", instances=8))
        endpoint.clock.advance(200)
        names = await stream_names(logs, "big/")
        tail = await call(logs, "get_log_events", logGroupName=GROUP, logStreamName=names[7])
        again = await call(
            logs, "get_log_events", logGroupName=GROUP, logStreamName=names[7], limit=100
        )
        head = await call(
            logs, "get_log_events", logGroupName=GROUP, logStreamName=names[0], startFromHead=True
        )
        streams = await call(logs, "describe_log_streams", logGroupName=GROUP)

    assert len(names) == 8
    page_bytes = sum(len(e["message"].encode()) + 26 for e in tail["events"])
    assert 0 < len(tail["events"]) < 10_000 and page_bytes <= 1_048_576
    assert tail["events"][-3]["message"].startswith("epoch 9993/9993 - loss: ")
    assert tail["events"][-1]["message"].endswith("Reporting training SUCCESS")
    assert again["events"] == tail["events"][-100:]  # the same lines, read again
    assert head["events"][4]["message"] == "Training for 9993 epochs on algo-1 of 8"
    assert all(s["firstEventTimestamp"] < s["lastEventTimestamp"] for s in streams["logStreams"])


def test_fewer_lines_than_a_banner_an_epoch_and_an_ending_are_refused() -> None:
    for refused in (7, 9.5, True, "10000"):
        with pytest.raises(ValueError, match="training_log_lines must be an int of at least 8"):
            LocalAws(training_log_lines=refused)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="--training-log-lines"):
        build(parser().parse_args(["--training-log-lines", "3"]))
    assert build(parser().parse_args(["--training-log-lines", "8"])).state.training_log_lines == 8
