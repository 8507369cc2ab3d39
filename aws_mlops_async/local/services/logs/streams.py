"""DescribeLogStreams: the streams of a log group, by name or by the time of their last event.

The group is named by ``logGroupName`` or ``logGroupIdentifier`` (a name or an ARN), exactly
one of them. ``logStreamNamePrefix`` keeps the streams whose names start with it; it cannot go
with ``orderBy`` LastEventTime (InvalidParameterException), as in CloudWatch Logs. Ascending
unless ``descending``; ``limit`` streams a page (1 to 50, 50 unless set). A stream tells its
creation time, first and last event timestamps and last ingestion time (those of the events
visible at the time of the call) and its ARN; ``storedBytes`` is 0, as CloudWatch Logs has
answered for streams since 2019.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....modeling import wire_dump
from ....services.logs.models import (
    DescribeLogStreamsRequest,
    DescribeLogStreamsResponse,
    LogStream,
)
from ...pagination import InvalidToken, page
from ...training_logs import TrainingLogStream
from ..base import Call
from .common import BAD_TOKEN, INVALID, log_group

__all__ = ["describe_log_streams"]

_DEFAULT_LIMIT = 50


def describe_log_streams(
    call: Call, request: DescribeLogStreamsRequest
) -> DescribeLogStreamsResponse:
    """DescribeLogStreams: a page of the group's streams, in the order asked for."""
    by_time = request.order_by == "LastEventTime"
    if by_time and request.log_stream_name_prefix is not None:
        raise INVALID.error("Cannot order by LastEventTime with a logStreamNamePrefix.")
    group = log_group(call, request.log_group_name, request.log_group_identifier)
    now = group.now

    def last_event(stream: TrainingLogStream) -> int:
        return stream.timestamp(stream.visible(now) - 1)

    key: Callable[[TrainingLogStream], tuple[Any, ...]] = (
        (lambda stream: (last_event(stream), stream.name)) if by_time else (lambda s: (s.name,))
    )
    try:
        chunk, next_token = page(
            group.streams(request.log_stream_name_prefix or ""),
            key,
            descending=bool(request.descending),
            limit=request.limit or _DEFAULT_LIMIT,
            token=request.next_token,
            query=wire_dump(
                request, exclude_none=False, exclude={"next_token", "limit", "log_group_identifier"}
            ),
        )
    except InvalidToken:
        raise INVALID.error(BAD_TOKEN) from None
    streams = [
        LogStream(
            log_stream_name=stream.name,
            creation_time=stream.start,
            first_event_timestamp=stream.timestamp(0),
            last_event_timestamp=last_event(stream),
            last_ingestion_time=last_event(stream),
            arn=group.stream_arn(stream),
            stored_bytes=0,
        )
        for stream in chunk
    ]
    return DescribeLogStreamsResponse(log_streams=streams, next_token=next_token)
