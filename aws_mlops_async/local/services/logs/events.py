"""GetLogEvents: one page of a stream's events, with CloudWatch Logs' paging.

Events with a timestamp from ``startTime`` (included) to ``endTime`` (excluded) that are
visible at the time of the call, oldest first on the page. Without a token, ``startFromHead``
true reads from the first of them, false (the default) the last page: the newest ones. A page
holds ``limit`` events (10,000 unless set) and at most 1 MB of them. ``nextForwardToken`` reads
on after the page and ``nextBackwardToken`` back before it (a token's own direction decides,
whatever ``startFromHead`` says); when there is nothing further that way yet, the token sent
comes back unchanged, which is how a reader knows it caught up, and a forward read from there
later returns what was written since. A token of another stream is an
InvalidParameterException.
"""

from __future__ import annotations

from ....services.logs.models import GetLogEventsRequest, GetLogEventsResponse, OutputLogEvent
from ...pagination import InvalidToken
from ...training_logs import TrainingLogStream
from ..base import Call
from .common import BAD_TOKEN, INVALID, PageBudget, log_group
from .tokens import Direction, read_token, stream_token

__all__ = ["get_log_events"]

_DEFAULT_LIMIT = 10_000


def get_log_events(call: Call, request: GetLogEventsRequest) -> GetLogEventsResponse:
    """GetLogEvents: a page of the stream's events and the tokens to read on either way."""
    group = log_group(call, request.log_group_name, request.log_group_identifier)
    stream = group.stream(request.log_stream_name)
    arn = group.stream_arn(stream)
    visible = stream.visible(group.now)
    low = 0 if request.start_time is None else stream.index_at(request.start_time)
    high = visible if request.end_time is None else min(stream.index_at(request.end_time), visible)
    direction: Direction = "f" if request.start_from_head else "b"
    place = low if request.start_from_head else high
    if request.next_token is not None:
        try:
            direction, place = read_token(request.next_token, arn)
        except InvalidToken:
            raise INVALID.error(BAD_TOKEN) from None
    budget = PageBudget(request.limit or _DEFAULT_LIMIT)
    if direction == "f":
        first = max(place, low)
        indexes = _forward(stream, first, high, budget)
        last = first + len(indexes)
    else:
        last = min(place, high)
        indexes = _backward(stream, last, low, budget)
        first = last - len(indexes)
    forward = stream_token("f", arn, last)
    backward = stream_token("b", arn, first)
    if request.next_token is not None and not indexes:
        # Nothing further that way: the token comes back as it was sent.
        forward, backward = (
            (request.next_token, backward) if direction == "f" else (forward, request.next_token)
        )
    events = [
        OutputLogEvent(
            timestamp=stream.timestamp(i), message=message, ingestion_time=stream.timestamp(i)
        )
        for i, message in indexes
    ]
    return GetLogEventsResponse(
        events=events, next_forward_token=forward, next_backward_token=backward
    )


def _forward(
    stream: TrainingLogStream, first: int, end: int, budget: PageBudget
) -> list[tuple[int, str]]:
    """The events from ``first`` on (before ``end``) that fit on the page."""
    taken = []
    for index in range(first, end):
        message = stream.message(index)
        if not budget.take(message):
            break
        taken.append((index, message))
    return taken


def _backward(
    stream: TrainingLogStream, end: int, start: int, budget: PageBudget
) -> list[tuple[int, str]]:
    """The last events before ``end`` (from ``start`` on) that fit on the page, oldest
    first."""
    taken = []
    for index in range(end - 1, start - 1, -1):
        message = stream.message(index)
        if not budget.take(message):
            break
        taken.append((index, message))
    return taken[::-1]
