"""FilterLogEvents: the events of a log group's streams that match a filter pattern, from
every stream at once in time order, a page at a time.

The streams are all of the group's, those named in ``logStreamNames`` (any not there yet are
left out) or those whose names start with ``logStreamNamePrefix``; not both
(InvalidParameterException). Events with a timestamp from ``startTime`` to ``endTime`` (both
included) that are visible at the time of the call, oldest first (``startFromHead`` false:
newest first, which CloudWatch Logs takes only with a ``startTime`` from 2024 on); events of
the same millisecond by stream name, then as written. A page holds ``limit`` events (10,000
unless set) and at most 1 MB of them, and looks at no more than 100,000 events (so a page may
come back short, even empty, with a ``nextToken``); ``nextToken`` is only there when more may
follow, and reads on in the direction the first page went. ``searchedLogStreams`` is empty, as
CloudWatch Logs has answered since 2020. Event ids are stable: 56 digits, one per event.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from typing import Any

from ....modeling import wire_dump
from ....services.logs.models import (
    FilteredLogEvent,
    FilterLogEventsRequest,
    FilterLogEventsResponse,
)
from ...pagination import InvalidToken, resume_at, token_after
from ...training_logs import TrainingLogStream
from ..base import Call
from .common import BAD_TOKEN, INVALID, LogGroup, PageBudget, log_group
from .patterns import FilterPattern, PatternError

__all__ = ["filter_log_events"]

_DEFAULT_LIMIT = 10_000
#: The most events one page looks at, matching or not.
SCAN_LIMIT = 100_000
# startFromHead false is taken only with a startTime from 2024-01-01T00:00:00Z on.
_NEWEST_FIRST_SINCE = 1_704_067_200_000

Key = tuple[int, str, int]
"""An event's place in the merged order: its timestamp, its stream's name, its index."""


def filter_log_events(call: Call, request: FilterLogEventsRequest) -> FilterLogEventsResponse:
    """FilterLogEvents: a page of the matching events of the group's streams."""
    group = log_group(call, request.log_group_name, request.log_group_identifier)
    if request.log_stream_names is not None and request.log_stream_name_prefix is not None:
        raise INVALID.error("Cannot specify both logStreamNames and logStreamNamePrefix.")
    try:
        pattern = FilterPattern.parse(request.filter_pattern)
    except PatternError as error:
        raise INVALID.error(str(error)) from None
    query = wire_dump(
        request,
        exclude_none=False,
        include={
            "log_stream_names",
            "log_stream_name_prefix",
            "start_time",
            "end_time",
            "filter_pattern",
        },
    )
    newest_first = request.start_from_head is False
    after: Key | None = None
    if request.next_token is not None:
        newest_first, after = _resume(request.next_token, query)
    if newest_first and (request.start_time or 0) < _NEWEST_FIRST_SINCE:
        raise INVALID.error(
            "startFromHead false is supported only with a startTime on or after "
            "Jan 1, 2024 00:00:00 UTC."
        )
    streams = _streams(group, request)
    merged = heapq.merge(
        *(_keys(stream, group.now, request, after, newest_first) for stream in streams),
        reverse=newest_first,
    )
    by_name = {stream.name: stream for stream in streams}
    budget = PageBudget(request.limit or _DEFAULT_LIMIT)
    events: list[FilteredLogEvent] = []
    last, more = after, False
    for scanned, key in enumerate(merged):
        if scanned == SCAN_LIMIT:
            more = True
            break
        _, name, index = key
        message = by_name[name].message(index)
        if pattern.matches(message):
            if not budget.take(message):
                more = True
                break
            events.append(_event(key, message))
        last = key
    token = (
        token_after(("desc" if newest_first else "asc", *last), query) if more and last else None
    )
    return FilterLogEventsResponse(events=events, searched_log_streams=[], next_token=token)


def _resume(token: str, query: dict[str, Any]) -> tuple[bool, Key]:
    """Which way a next token reads, and the place it reads on after."""
    try:
        order, timestamp, name, index = resume_at(token, query)
    except (InvalidToken, ValueError):
        raise INVALID.error(BAD_TOKEN) from None
    if order not in ("asc", "desc") or not (
        isinstance(timestamp, int) and isinstance(name, str) and isinstance(index, int)
    ):
        raise INVALID.error(BAD_TOKEN)
    return order == "desc", (timestamp, name, index)


def _streams(group: LogGroup, request: FilterLogEventsRequest) -> list[TrainingLogStream]:
    if request.log_stream_names is None:
        return group.streams(request.log_stream_name_prefix or "")
    wanted = set(request.log_stream_names)
    return [
        stream for name in sorted(wanted) for stream in group.streams(name) if stream.name == name
    ]


def _keys(
    stream: TrainingLogStream,
    now: int,
    request: FilterLogEventsRequest,
    after: Key | None,
    newest_first: bool,
) -> Iterator[Key]:
    """The keys of ``stream``'s events in the window, in the page's order, from the one after
    ``after`` (a place in the merged order)."""
    low = 0 if request.start_time is None else stream.index_at(request.start_time)
    high = stream.visible(now)
    if request.end_time is not None:
        high = min(high, stream.index_at(request.end_time + 1))
    if after is not None:
        timestamp, name, index = after
        if newest_first:
            high = min(high, _before(stream, timestamp, name, index))
        else:
            low = max(low, _past(stream, timestamp, name, index))
    indexes = range(high - 1, low - 1, -1) if newest_first else range(low, high)
    return ((stream.timestamp(i), stream.name, i) for i in indexes)


def _past(stream: TrainingLogStream, timestamp: int, name: str, index: int) -> int:
    """The first index of ``stream`` whose key comes after ``(timestamp, name, index)``."""
    if stream.name == name:
        return index + 1
    return stream.index_at(timestamp + 1 if stream.name < name else timestamp)


def _before(stream: TrainingLogStream, timestamp: int, name: str, index: int) -> int:
    """How many events of ``stream`` have keys before ``(timestamp, name, index)``."""
    if stream.name == name:
        return index
    return stream.index_at(timestamp + 1 if stream.name < name else timestamp)


def _event(key: Key, message: str) -> FilteredLogEvent:
    timestamp, name, index = key
    return FilteredLogEvent(
        log_stream_name=name,
        timestamp=timestamp,
        message=message,
        ingestion_time=timestamp,
        event_id=event_id(name, index, timestamp),
    )


def event_id(stream: str, index: int, timestamp: int) -> str:
    """The id of event ``index`` of ``stream``: 56 digits, the same every time."""
    owner = int.from_bytes(hashlib.blake2b(stream.encode(), digest_size=5).digest(), "big")
    return f"{(timestamp << 104) | (owner << 64) | index:056d}"
