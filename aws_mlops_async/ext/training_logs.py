"""Reading, and following as they are written, the logs of a SageMaker training job: every
instance's CloudWatch Logs stream, merged in time order.

SageMaker writes a training job's output to the log group ``/aws/sagemaker/TrainingJobs``, one
stream per instance, named ``<job name>/algo-<n>-<epoch seconds>``. The streams are found with
DescribeLogStreams (by the job's name as a prefix, 50 a request), and each is read forward with
GetLogEvents, `PAGE_LINES` events a request, until it hands back the token it was sent: it has
caught up. Lines are handed out in time order across the streams: the earliest of the streams'
next lines, a stream being read on only when its next line is needed. At most `PAGE_LINES`
lines a stream are held at once, whatever a job wrote.

Following (``follow=True``), the job is described every ``poll_interval`` seconds; the streams
are listed again while fewer than its instances have one (instances start at different
times), and read on from where they caught up. Each stream is read at its own instant, so a
line waits for the next look while a stream read before it, or an instance without a stream
yet, may still show an earlier one: lines come in one time order across the instances, at
most a poll late. It ends once the job has ended and one more
look, a poll later, found nothing new (CloudWatch Logs takes a moment to show what was
written last); a job that ended more than `SHOWN_AFTER` seconds ago ends at its first look.
Requests a poll: one DescribeTrainingJob, one DescribeLogStreams while instances are missing,
and for each stream one GetLogEvents per `PAGE_LINES` new lines while the job runs: a page
far from full, in lines and in bytes, is all the stream had written when read, and the rest
waits for the next look (rather than a request for every few lines written meanwhile, which
would soon meet CloudWatch Logs' quota of GetLogEvents a second). CloudWatch Logs also hands
out short pages before the end (a page holds at most 1 MB), so a page near 1 MB is read on;
and once the job has ended, each stream is read on until it hands back the token it was
sent, the one sign that it has caught up (so one more request a stream).

What ends a read, besides that: the consumer leaving (what is in flight is cancelled), the
service refusing the caller (its `ServiceError`), a job that does not exist (SageMaker's
`ServiceError`), or ``give_up_after`` seconds in which no new line was read and no look got
to its end (`EndpointUnreachable`): throttling, 5xx answers and lost connections that outlast
the client's retries slow it down until then, whichever of the three services they come
from.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..arguments import flag, positive_int, positive_number
from ..cancellation import cancelled_by_caller, uncancel
from ..errors import ConfigurationError, ServiceError, TransportError
from ..pagination import PageIterator, PaginationConfig, PaginationError
from .polling import (
    MAX_POLL_INTERVAL,
    Patience,
    epoch_milliseconds,
    gather_all,
    one_look,
    passing,
    pause,
)

if TYPE_CHECKING:
    from ..invoker import Invoker
    from ..services.logs.models import DescribeLogStreamsResponse, LogStream, OutputLogEvent
    from ..services.sagemaker.models import DescribeTrainingJobResponse

__all__ = ["LOG_GROUP", "PAGE_LINES", "LogLine", "TrainingJobLogs", "TrainingJobLookup"]

#: Where SageMaker writes training jobs' output.
LOG_GROUP = "/aws/sagemaker/TrainingJobs"
#: Events asked for a GetLogEvents request, and so the most held per stream.
PAGE_LINES = 1_000
#: The most bytes a GetLogEvents page holds.
PAGE_BYTES = 1_048_576
#: The most lines ``tail`` takes (GetLogEvents' largest page).
MAX_TAIL = 10_000
#: GetLogEvents requests in flight at once.
READ_CONCURRENCY = 8
#: Empty pages with a new token a stream may hand back in one look before it is taken as
#: caught up (CloudWatch Logs may answer empty pages where a stream has gaps in time).
EMPTY_PAGES = 50
#: How much longer than ``poll_interval`` a throttled follow waits at most.
MAX_SLOWDOWN = 8
#: The TrainingJobStatus values of a job that has ended.
ENDED = ("Completed", "Failed", "Stopped")
#: Seconds after a job's end past which every line it wrote shows: following a job that ended
#: that long ago, no look a poll later is waited for.
SHOWN_AFTER = 300.0

_STREAM_SUFFIX = re.compile(r"-\d+$")
#: The earliest and latest times a `LogLine` shows (a timestamp beyond them is shown as them).
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)

#: One look for the training job whose logs to read: its name once known (None: not yet),
#: and whether none will ever be known (its service job ended without one).
TrainingJobLookup = Callable[[], Awaitable[tuple[str | None, bool]]]


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line a training job wrote: which instance wrote it, when, and what."""

    #: The instance, as SageMaker names it (``algo-1``).
    instance: str
    #: The log stream (``<job name>/algo-1-<epoch seconds>``).
    stream: str
    #: When it was written (UTC).
    timestamp: datetime
    message: str

    @property
    def timestamp_ms(self) -> int:
        """When it was written, in epoch milliseconds (as CloudWatch Logs counts)."""
        return round(self.timestamp.timestamp() * 1000)


class _Stream:
    """What is known of one instance's stream: where reading it got, and its next lines."""

    __slots__ = ("caught_up", "events", "instance", "name", "newest", "order", "seen", "token")

    def __init__(self, name: str, order: int) -> None:
        self.name = name
        self.instance = _STREAM_SUFFIX.sub("", name.rpartition("/")[2])
        self.order = order  # ties in time go to the stream found first
        self.token: str | None = None
        #: Every token sent reading the stream: one handed back again (but the one just sent)
        #: would read the same lines again, forever.
        self.seen: set[str] = set()
        self.events: deque[OutputLogEvent] = deque()
        self.caught_up = False
        #: The time of the newest line read from the stream (ms; -1: none yet).
        self.newest = -1

    def hold(self, events: Iterable[OutputLogEvent]) -> int:
        """Keep ``events`` to hand out, after those held; the newest time read so far."""
        for event in events:
            self.events.append(event)
            self.newest = max(self.newest, event.timestamp or 0)
        return self.newest


class TrainingJobLogs:
    """An async iterator of `LogLine`: a training job's lines from every instance, in time
    order; with ``follow=True`` it goes on until the job has ended and every line was read.
    Use it as ``async with sagemaker.training_job_logs(name) as logs: async for line in
    logs: ...``; leaving the block (or ``break`` and `aclose`) stops it with nothing left
    running, and so does `aclose` from another task (a supervisor's timeout, a shutdown):
    the ``async for`` waiting there for its next line ends."""

    def __init__(
        self,
        sagemaker: Invoker,
        logs: Invoker,
        lookup: TrainingJobLookup,
        *,
        follow: bool,
        start_time: float | datetime | None,
        tail: int | None,
        poll_interval: float,
        give_up_after: float | None,
    ) -> None:
        self._sagemaker = sagemaker
        self._logs = logs
        self._lookup = lookup
        self._follow = flag("follow", follow)
        self._start = None if start_time is None else epoch_milliseconds("start_time", start_time)
        if self._start is not None and self._start < 0:
            raise ConfigurationError("start_time must be at or after 1970-01-01T00:00:00Z")
        self._tail = positive_int("tail", tail, maximum=MAX_TAIL, optional=True)
        self._poll_interval = float(
            positive_number("poll_interval", poll_interval, maximum=MAX_POLL_INTERVAL)
        )
        self._patience = Patience(give_up_after)
        self._streams: dict[str, _Stream] = {}
        #: The time of the newest line read from any stream (ms; -1: none yet).
        self._newest = -1
        self._lines: AsyncGenerator[LogLine, None] | None = None
        #: The task waiting in `__anext__` for the next line, if one is.
        self._reader: asyncio.Task[Any] | None = None
        #: Set by `aclose` from another task: done once the reader has let go of the lines.
        self._stopping: asyncio.Future[None] | None = None
        #: The training job as last described (None until it is known).
        self.training_job: DescribeTrainingJobResponse | None = None
        #: Requests made, by operation: what reading the logs cost.
        self.requests: dict[str, int] = {
            "DescribeTrainingJob": 0,
            "DescribeLogStreams": 0,
            "GetLogEvents": 0,
        }

    def __aiter__(self) -> TrainingJobLogs:
        return self

    async def __anext__(self) -> LogLine:
        if self._lines is None:
            self._lines = self._read()
        self._reader = asyncio.current_task()
        try:
            return await anext(self._lines)
        except asyncio.CancelledError:
            if self._stopping is None:
                raise
            uncancel()  # the cancellation aclose asked for: the iteration ends
            if cancelled_by_caller():  # the reader's own task was cancelled too: that wins
                raise
            raise StopAsyncIteration from None
        finally:
            self._reader = None
            if self._stopping is not None and not self._stopping.done():
                self._stopping.set_result(None)

    async def __aenter__(self) -> TrainingJobLogs:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop reading, from any task: what is in flight is cancelled, and an ``async for``
        in another task waiting for its next line ends."""
        reader = self._reader
        if reader is not None and reader is not asyncio.current_task():
            if self._stopping is None:
                self._stopping = asyncio.get_running_loop().create_future()
                reader.cancel()
            await asyncio.shield(self._stopping)
        if self._lines is not None:
            await self._lines.aclose()

    @property
    def streams(self) -> tuple[str, ...]:
        """The log streams found so far, in the order they were found."""
        return tuple(self._streams)

    async def _read(self) -> AsyncGenerator[LogLine, None]:
        self._patience.answered()  # the silence counts from the first look
        name = await self._patiently(self._training_job_name)
        if name is None:
            return
        ended = False
        settled = not self._follow
        interval = self._poll_interval
        while True:
            self._patience.reset()
            try:
                job = self.training_job = await self._describe(name)
                ended = job.training_job_status in ENDED
                if ended and _ended_long_ago(job):
                    settled = True  # its last lines show already: this look is the last
                if ended or len(self._streams) < _instances(job) or not self._streams:
                    await self._discover(job.training_job_name or name)
                # A tail read is where each stream ends now: not followed, nothing to read on.
                tailed = self._tail is not None and not self._follow
                if self._tail is not None:
                    await self._read_tails()
                live = self._follow and not ended
                async for line in self._merged(read_on=not tailed, live=live):
                    yield line
            except (ServiceError, TransportError) as error:
                interval = await self._slow_down(error, interval)
                continue
            self._patience.answered()  # a look that got to its end
            if settled:
                return
            # Once it has ended, one more look a poll later: the last lines may show late.
            settled = ended
            retried = self._patience.retried
            interval = min(interval * 2, self._slowest) if retried else self._poll_interval
            await pause(self._sagemaker, interval)

    @property
    def _slowest(self) -> float:
        return self._poll_interval * MAX_SLOWDOWN

    async def _slow_down(self, error: ServiceError | TransportError, interval: float) -> float:
        """Wait longer after a failure the read outlasts; raise one it does not (a refusal,
        a job that does not exist, silence longer than give_up_after)."""
        if not passing(error):
            raise error
        self._patience.give_up_if_silent(error)
        interval = min(interval * 2, self._slowest)
        await pause(self._sagemaker, interval)
        self._patience.give_up_if_silent(error)
        return interval

    async def _patiently(self, look: Callable[[], Awaitable[str | None]]) -> str | None:
        """``look()``, again after failures the read outlasts."""
        interval = self._poll_interval
        while True:
            try:
                return await look()
            except (ServiceError, TransportError) as error:
                interval = await self._slow_down(error, interval)

    async def _training_job_name(self) -> str | None:
        """The training job's name, once there is one (following, its service job is looked
        at every poll until it has one); None when there will be none."""
        while True:
            name, never = await self._patience.within(self._lookup(), "DescribeServiceJob", None)
            self._patience.answered()
            if name is not None or never or not self._follow:
                return name
            await pause(self._sagemaker, self._poll_interval)

    async def _describe(self, name: str) -> DescribeTrainingJobResponse:
        from ..services.sagemaker import operations

        self.requests["DescribeTrainingJob"] += 1
        job = await self._patience.within(
            self._sagemaker.invoke(operations.DESCRIBE_TRAINING_JOB, {"training_job_name": name}),
            "DescribeTrainingJob",
            self._sagemaker,
        )
        self._patience.retries(job.response_metadata.attempts)
        return job

    async def _discover(self, name: str) -> None:
        """Add the streams of job ``name`` not known yet, in the order they are listed."""
        from ..services.logs import operations

        request = self._logs.build_request(
            operations.DESCRIBE_LOG_STREAMS,
            {"log_group_name": LOG_GROUP, "log_stream_name_prefix": f"{name}/"},
        )
        pages: PageIterator[DescribeLogStreamsResponse, LogStream] = PageIterator(
            self._logs, operations.DESCRIBE_LOG_STREAMS_PAGES, request, PaginationConfig()
        )
        listing = f"DescribeLogStreams of {name!r}"
        try:
            async with aclosing(one_look(pages, listing, self._patience, self._logs)) as looking:
                async for page in looking:
                    self.requests["DescribeLogStreams"] += 1
                    self._patience.retries(page.response_metadata.attempts)
                    for stream in page.log_streams or ():
                        found = stream.log_stream_name
                        if found and found not in self._streams:
                            self._streams[found] = _Stream(found, len(self._streams))
        except ServiceError as error:
            if error.code != "ResourceNotFoundException":
                raise
            # No training job has written a line in this region yet.

    async def _read_tails(self) -> None:
        """Each stream's last ``tail`` lines, then only the last ``tail`` of them all: where
        a tailing read starts (streams found later are read from their start)."""
        from ..services.logs import operations

        tail = self._tail
        assert tail is not None

        async def last_lines(stream: _Stream) -> None:
            self.requests["GetLogEvents"] += 1
            stream.token = None  # a tail read again after a failure starts over
            stream.seen.clear()
            fields = self._reading(stream, start_from_head=False, limit=tail)
            try:
                page = await self._logs.invoke(operations.GET_LOG_EVENTS, fields)
            except ServiceError as error:
                if error.code != "ResourceNotFoundException":
                    raise
                stream.events = deque()  # the stream is gone (its retention ended)
                return
            self._patience.retries(page.response_metadata.attempts)
            stream.events = deque()
            self._newest = max(self._newest, stream.hold(page.events or ()))
            stream.token = page.next_forward_token

        streams = list(self._streams.values())
        await self._patience.within(
            gather_all(last_lines, streams, at_once=READ_CONCURRENCY), "GetLogEvents", self._logs
        )
        held = sorted(
            ((event.timestamp or 0, stream.order, index), stream)
            for stream in streams
            for index, event in enumerate(stream.events)
        )
        kept = {key for key, _ in held[-tail:]}
        for stream in streams:
            stream.events = deque(
                event
                for index, event in enumerate(stream.events)
                if (event.timestamp or 0, stream.order, index) in kept
            )
        self._tail = None

    async def _merged(
        self, *, read_on: bool = True, live: bool = False
    ) -> AsyncGenerator[LogLine, None]:
        """Every line the streams hold now, in time order: each stream read on, a page at a
        time, whenever its next line is needed, until every one has caught up (without
        ``read_on``, only the lines held).

        ``live`` (a followed job still writing): a stream is read on until a page shows less
        than `PAGE_LINES` lines (what it had written when read: the rest is for the next
        look, rather than a request for every few lines it writes meanwhile); and a line waits
        for a later look while a
        stream with nothing held may yet show an earlier one: each stream is read at its own
        instant, so one read first can have written more since. A stream read in this look
        has shown what it wrote up to the newest time seen anywhere before the look began,
        and up to its own newest line: a line later than that waits (a look at most, in
        which that stream is read again). So does an instance without a stream yet: its
        stream, not found when this look began, will start later than anything seen before."""
        streams = list(self._streams.values())
        horizon = self._newest
        job = self.training_job
        unseen = job is not None and len(streams) < _instances(job)
        for stream in streams:
            stream.caught_up = not read_on
        while True:
            hungry = [s for s in streams if not s.events and not s.caught_up]
            if hungry:
                await self._patience.within(
                    gather_all(partial(self._read_on, live=live), hungry, at_once=READ_CONCURRENCY),
                    "GetLogEvents",
                    self._logs,
                )
                continue
            ready = [s for s in streams if s.events]
            if not ready:
                return
            first = min(ready, key=lambda s: (s.events[0].timestamp or 0, s.order))
            time = first.events[0].timestamp or 0
            if live and (
                (unseen and time > horizon)
                or any(time > max(s.newest, horizon) for s in streams if not s.events)
            ):
                return  # the rest after the next look
            event = first.events.popleft()
            yield LogLine(
                instance=first.instance,
                stream=first.name,
                timestamp=_when(event.timestamp or 0),
                message=event.message or "",
            )

    async def _read_on(self, stream: _Stream, *, live: bool = False) -> None:
        """The stream's next page of lines; caught up when it hands back the token it was
        sent (or only empty pages, `EMPTY_PAGES` of them), and, ``live``, when a page is not
        full: the stream had written no more when read."""
        from ..services.logs import operations

        for _ in range(EMPTY_PAGES):
            self.requests["GetLogEvents"] += 1
            fields = self._reading(stream, start_from_head=True, limit=PAGE_LINES)
            try:
                page = await self._logs.invoke(operations.GET_LOG_EVENTS, fields)
            except ServiceError as error:
                if error.code != "ResourceNotFoundException":
                    raise
                stream.caught_up = True  # the stream is gone (its retention ended)
                return
            if page.events:
                self._patience.answered(page.response_metadata.attempts)  # lines: progress
            else:
                self._patience.retries(page.response_metadata.attempts)
            sent, token = stream.token, page.next_forward_token or stream.token
            if token != sent and token is not None and token in stream.seen:
                raise PaginationError(
                    f"GetLogEvents handed back a forward token of {stream.name!r} it had "
                    "handed out before: it would read the same lines again, forever"
                )
            if sent is not None:
                stream.seen.add(sent)
            stream.token = token
            self._newest = max(self._newest, stream.hold(page.events or ()))
            if stream.token == sent or (live and _all_it_had(page.events or ())):
                stream.caught_up = True
                return
            if stream.events:
                return
        stream.caught_up = True

    def _reading(self, stream: _Stream, *, start_from_head: bool, limit: int) -> dict[str, Any]:
        """The GetLogEvents fields reading ``stream`` on from where it got."""
        fields: dict[str, Any] = {
            "log_group_name": LOG_GROUP,
            "log_stream_name": stream.name,
            "start_from_head": start_from_head,
            "limit": limit,
        }
        if stream.token is not None:
            fields["next_token"] = stream.token
        elif self._start is not None:
            fields["start_time"] = self._start
        return fields


def _when(milliseconds: int) -> datetime:
    """Epoch milliseconds as a UTC datetime; one beyond what a datetime holds (a hostile or
    corrupt timestamp) as the earliest or latest there is."""
    try:
        return datetime.fromtimestamp(milliseconds / 1000, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return _LATEST if milliseconds > 0 else _EARLIEST


def _ended_long_ago(job: DescribeTrainingJobResponse) -> bool:
    """Whether the job ended more than `SHOWN_AFTER` seconds ago."""
    end = job.training_end_time
    if end is None:
        return False
    return (datetime.now(timezone.utc) - end).total_seconds() > SHOWN_AFTER


def _all_it_had(events: Sequence[OutputLogEvent]) -> bool:
    """Whether a page is far from full, in lines and in bytes (each character counted as the
    4 bytes UTF-8 takes at most, and an event's 26 more, as CloudWatch Logs counts them): what
    the stream had written when read, not a page the 1 MB limit cut short."""
    if len(events) >= PAGE_LINES:
        return False
    size = sum(26 + 4 * len(event.message or "") for event in events)
    return size < PAGE_BYTES // 2


def _instances(job: DescribeTrainingJobResponse) -> int:
    """How many instances the job runs on, and so how many streams it writes."""
    config = job.resource_config
    if config is None:
        return 1
    if config.instance_groups:
        return sum(group.instance_count for group in config.instance_groups)
    return config.instance_count or 1
