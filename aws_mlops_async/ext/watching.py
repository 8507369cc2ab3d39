"""Following thousands of Batch service jobs to their end with a few requests per poll.

Each cycle lists every queue involved with ListServiceJobs (100 jobs a page, filtered by
``AFTER_CREATED_AT`` so Batch returns every status, not only RUNNING), from the oldest
unfinished job the watch follows: 10,000 jobs in one queue cost about 100 requests a cycle,
not 10,000 DescribeServiceJob calls. Only a job the listing no longer shows is described on
its own. A cycle whose requests had to be retried (throttling, errors) doubles the wait before
the next, up to 8 times ``poll_interval``; a clean cycle brings it back.

What ends a watch: every job SUCCEEDED or FAILED; the consumer leaving; the service refusing
the caller (credentials, permissions: that `ServiceError` or `CredentialsError` is raised);
``give_up_after`` seconds (900 by default) without an answer from the service, through
connection failures, 5xx answers and throttling that outlast the client's retries, and while
a call is in flight too (a service that stalls or trickles: then `EndpointUnreachable`, naming
the endpoint); or a queue's listing that never ends: a token handed out before, or more than
`polling.MAX_PAGES_PER_LOOK` pages (100,000 jobs) in one look (`PaginationError`). Until then
those failures slow the watch down and it goes on. A job is reported FAILED only by its own
status, or when Batch says it does not exist. A job's status never goes backwards in the
updates (a listing that lags behind a describe is ignored).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING

from ..arguments import positive_int, positive_number, text
from ..errors import ConfigurationError, ServiceError, TransportError
from ..modeling import AwsModel
from ..pagination import PaginationConfig
from ..services.batch import operations
from .failure_logs import FailureLogs
from .polling import (
    GIVE_UP_AFTER,
    MAX_POLL_INTERVAL,
    REFUSALS,
    Patience,
    epoch_milliseconds,
    gather_all,
    one_look,
    passing,
    pause,
)
from .training_jobs import training_job_name
from .training_logs import MAX_TAIL

if TYPE_CHECKING:
    from ..services.batch.client import BatchClient
    from .training_logs import LogLine

__all__ = ["ServiceJobUpdate", "ServiceJobWatch", "WatchedJob"]

FINISHED = ("SUCCEEDED", "FAILED")
PAGE_SIZE = 100
#: Without a job's creation time, the listing starts this long before the watch began.
LOOKBACK_SECONDS = 14 * 24 * 3600
#: How much longer than ``poll_interval`` a throttled watch waits at most.
MAX_SLOWDOWN = 8
#: DescribeServiceJob calls in flight at once, for jobs the listings do not show.
DESCRIBE_CONCURRENCY = 8
#: The statuses of a service job, in the order a job moves through them.
ORDER = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING")


@dataclass(frozen=True, slots=True)
class WatchedJob:
    """A job to follow: its id, and its queue when known (else it is described once)."""

    job_id: str
    job_queue: str | None = None
    #: The job's position in what was submitted (a bulk outcome's index, a file's line).
    index: int | None = None

    def __post_init__(self) -> None:
        # Kept as plain str: a watch hashes and compares them.
        object.__setattr__(self, "job_id", text("job_id", self.job_id))
        object.__setattr__(self, "job_queue", text("job_queue", self.job_queue, optional=True))


@dataclass(frozen=True, slots=True)
class ServiceJobUpdate:
    """A job's status as it changed: what `ServiceJobWatch` yields."""

    job_id: str
    job_name: str | None
    status: str
    status_reason: str | None
    #: The resource the job runs as once it has one: for SAGEMAKER_TRAINING, the training
    #: job's ARN.
    service_resource_id: str | None
    job_queue: str | None
    #: As given in `WatchedJob` (or the bulk outcome's index).
    index: int | None = None
    #: For a FAILED job, when the watch was asked for ``logs_on_failure`` lines: the last
    #: lines of its training job's logs (None when they could not be read).
    logs: tuple[LogLine, ...] | None = None
    #: Why a FAILED job's ``logs`` are None, when they were asked for.
    logs_unread: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the job SUCCEEDED or FAILED: no update follows."""
        return self.status in FINISHED

    @property
    def training_job_name(self) -> str | None:
        """The name of the SageMaker training job the job runs as (Batch names it), once it
        has one: what ``session.sagemaker.describe_training_job(training_job_name=...)``
        takes (it takes no ARN)."""
        return training_job_name(self.service_resource_id)


@dataclass
class _Followed:
    job: WatchedJob
    job_queue: str | None
    last: ServiceJobUpdate | None = None
    created_at: int | None = None  # epoch milliseconds, as Batch sends it


class ServiceJobWatch:
    """An async iterator of `ServiceJobUpdate`: each change of each job's status, ending when
    every job SUCCEEDED or FAILED. Use it as ``async with batch.watch_service_jobs(ids) as
    watch: async for update in watch: ...``; leaving the block (or ``break`` and
    `aclose`) stops it with nothing left running."""

    def __init__(
        self,
        client: BatchClient,
        jobs: Iterable[object],
        *,
        job_queue: str | None,
        poll_interval: float,
        created_after: float | datetime | None,
        give_up_after: float | None = GIVE_UP_AFTER,
        logs_on_failure: int | None = None,
    ) -> None:
        positive_number("poll_interval", poll_interval, maximum=MAX_POLL_INTERVAL)
        lines = positive_int("logs_on_failure", logs_on_failure, maximum=MAX_TAIL, optional=True)
        self._patience = Patience(give_up_after)
        job_queue = text("job_queue", job_queue, optional=True)
        if isinstance(jobs, (str, bytes, Mapping, AwsModel)) or not isinstance(jobs, Iterable):
            raise ConfigurationError(
                "jobs must be several jobs (a list of ids, responses or outcomes), "
                f"not one {type(jobs).__name__}"
            )
        self._client = client
        self._poll_interval = float(poll_interval)
        self._followed: dict[str, _Followed] = {}
        for item in jobs:
            watched = _watched(item, job_queue)
            if watched is not None and watched.job_id not in self._followed:
                self._followed[watched.job_id] = _Followed(watched, watched.job_queue)
        self._created_after = _epoch_milliseconds(created_after)
        self._updates: AsyncGenerator[ServiceJobUpdate, None] | None = None
        #: Requests made, by operation: what a watch costs.
        self.requests: dict[str, int] = {"ListServiceJobs": 0, "DescribeServiceJob": 0}
        #: Poll cycles completed.
        self.cycles = 0
        self._failure_logs = None if lines is None else FailureLogs(client, lines, give_up_after)

    def __aiter__(self) -> AsyncIterator[ServiceJobUpdate]:
        if self._updates is None:
            self._updates = self._watch()
        return self._updates

    async def __aenter__(self) -> ServiceJobWatch:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop watching (what is in flight is cancelled)."""
        if self._updates is not None:
            await self._updates.aclose()

    async def _watch(self) -> AsyncGenerator[ServiceJobUpdate, None]:
        patience = self._patience
        patience.answered()  # the silence counts from the first look
        interval = self._poll_interval
        slowest = self._poll_interval * MAX_SLOWDOWN
        while True:
            failed: list[ServiceJobUpdate] = []  # held until their logs are read
            try:
                async for update in self._cycle():
                    if self._failure_logs is not None and update.status == "FAILED":
                        failed.append(update)
                    else:
                        yield update
                for update in await self._with_logs(failed):
                    yield update
            except (ServiceError, TransportError) as error:
                for update in failed:  # the poll failed: they go out without their logs
                    yield dataclasses.replace(update, logs_unread=f"the poll failed: {error}")
                # Passing failures outlasting the client's retries slow the watch down; a
                # refusal of the caller, or silence longer than give_up_after, ends it.
                if not passing(error):
                    raise
                patience.give_up_if_silent(error)
                interval = min(interval * 2, slowest)
                await pause(self._client, interval)
                patience.give_up_if_silent(error)
                continue
            if all(_done(f) for f in self._followed.values()):
                return
            interval = min(interval * 2, slowest) if patience.retried else self._poll_interval
            await pause(self._client, interval)

    async def _cycle(self) -> AsyncGenerator[ServiceJobUpdate, None]:
        """One look at every unfinished job: jobs of unknown queues described, each queue
        listed, then the jobs the listings no longer show described."""
        self._patience.reset()
        unknown = [f for f in self._followed.values() if f.job_queue is None and not _done(f)]
        for update in await self._describe(unknown):
            yield update
        waiting = [f for f in self._followed.values() if not _done(f)]
        if not waiting:
            return
        seen: set[str] = set()
        for queue, followed in _by_queue(waiting).items():
            async for change in self._list(queue, followed, seen):
                yield change
        missing = [f for f in waiting if f.job.job_id not in seen and not _done(f)]
        for update in await self._describe(missing):
            yield update
        self.cycles += 1

    async def _list(
        self, queue: str, followed: list[_Followed], seen: set[str]
    ) -> AsyncGenerator[ServiceJobUpdate, None]:
        """Each change the queue's listing shows; the listing stops at the page where every
        job followed in the queue has been seen."""
        known = [f.created_at for f in followed]
        # Inclusive or not, the oldest job followed is listed.
        after = min(known) - 1 if None not in known else self._created_after  # type: ignore[type-var,operator]
        by_id = {f.job.job_id: f for f in followed}
        pages = self._client.get_paginator("list_service_jobs").paginate(
            job_queue=queue,
            filters=[{"name": "AFTER_CREATED_AT", "values": [str(after)]}],
            pagination_config=PaginationConfig(page_size=PAGE_SIZE),
        )
        patience = self._patience
        listing = f"ListServiceJobs of queue {queue!r}"
        async with aclosing(one_look(pages, listing, patience, self._client)) as looking:
            async for page in looking:
                patience.answered(page.response_metadata.attempts)
                self.requests["ListServiceJobs"] += 1
                for summary in page.job_summary_list or ():
                    state = by_id.get(summary.job_id)
                    if state is None or summary.status is None:
                        continue
                    seen.add(summary.job_id)
                    state.created_at = summary.created_at
                    attempt = summary.latest_attempt
                    resource = attempt.service_resource_id if attempt else None
                    change = self._changed(
                        state,
                        summary.job_name,
                        summary.status,
                        summary.status_reason,
                        resource.value if resource else None,
                    )
                    if change is not None:
                        yield change
                if by_id.keys() <= seen:
                    return

    async def _describe(self, followed: list[_Followed]) -> list[ServiceJobUpdate]:
        """Describe each job on its own, a few at a time; the changes seen."""

        async def one(state: _Followed) -> ServiceJobUpdate | None:
            self.requests["DescribeServiceJob"] += 1
            try:
                job = await self._client.invoke(
                    operations.DESCRIBE_SERVICE_JOB, {"job_id": state.job.job_id}
                )
            except ServiceError as error:
                if not _no_such_job(error):
                    raise
                self._patience.answered()
                # Batch no longer knows the job (or never did): nothing more will come.
                reason = f"{error.code}: {error.message}"
                return self._changed(state, None, "FAILED", reason, None)
            self._patience.answered(job.response_metadata.attempts)
            # The job's own queue: one given wrongly would be listed in vain every look.
            state.job_queue = job.job_queue or state.job_queue
            state.created_at = job.created_at
            attempt = job.latest_attempt
            resource = attempt.service_resource_id if attempt else None
            return self._changed(
                state,
                job.job_name,
                job.status,
                job.status_reason,
                resource.value if resource else None,
            )

        found = await self._patience.within(
            gather_all(one, followed, at_once=DESCRIBE_CONCURRENCY),
            "DescribeServiceJob",
            self._client,
        )
        return [update for update in found if update is not None]

    async def _with_logs(self, failed: list[ServiceJobUpdate]) -> list[ServiceJobUpdate]:
        """The failed jobs' updates with their last lines, read a few jobs at once."""
        if not failed or self._failure_logs is None:
            return failed
        updates = await self._failure_logs.attach(failed)
        for operation, count in self._failure_logs.requests.items():
            self.requests[operation] = count
        return updates

    def _changed(
        self,
        state: _Followed,
        job_name: str | None,
        status: str,
        reason: str | None,
        resource: str | None,
    ) -> ServiceJobUpdate | None:
        """The update to yield when the job's status (or its resource) moved on, else None
        (nothing after a job finished, and no status behind the last one)."""
        last = state.last
        if last is not None and (
            last.finished
            or (last.status, last.service_resource_id) == (status, resource)
            or _rank(status) < _rank(last.status)
        ):
            return None
        state.last = ServiceJobUpdate(
            job_id=state.job.job_id,
            job_name=job_name or (last.job_name if last else None),
            status=status,
            status_reason=reason,
            service_resource_id=resource,
            job_queue=state.job_queue,
            index=state.job.index,
        )
        return state.last


def _rank(status: str) -> int:
    """Where a status stands in a job's life (a status this library does not know yet is
    taken as being as far as any)."""
    return ORDER.index(status) if status in ORDER else len(ORDER)


def _no_such_job(error: ServiceError) -> bool:
    """Whether Batch said the job does not exist (it answers a ClientException saying so)."""
    said = error.message.lower()
    return (
        error.status_code in (400, 404)
        and error.code not in REFUSALS
        and ("does not exist" in said or "not found" in said)
    )


def _epoch_milliseconds(created_after: object) -> int:
    """``created_after`` (epoch seconds or a datetime; None: 14 days ago) in epoch
    milliseconds, as Batch's AFTER_CREATED_AT filter takes it."""
    if created_after is None:
        return int((time.time() - LOOKBACK_SECONDS) * 1000)
    return epoch_milliseconds("created_after", created_after)


def _done(state: _Followed) -> bool:
    return state.last is not None and state.last.finished


def _by_queue(followed: list[_Followed]) -> dict[str, list[_Followed]]:
    queues: dict[str, list[_Followed]] = {}
    for state in followed:
        if state.job_queue is not None:
            queues.setdefault(state.job_queue, []).append(state)
    return queues


def _watched(item: object, job_queue: str | None) -> WatchedJob | None:
    """What to follow for one of the jobs given; None for a submission that failed."""
    if isinstance(item, WatchedJob):
        return (
            item
            if item.job_queue or not job_queue
            else WatchedJob(item.job_id, job_queue, item.index)
        )
    if isinstance(item, str):
        if not item:
            raise ConfigurationError("a job id is empty")
        return WatchedJob(item, job_queue)
    response = getattr(item, "response", None)
    if hasattr(item, "request") and hasattr(item, "index"):  # a bulk run's Outcome
        if response is None:
            return None
        # A submitted job's request is the validated model.
        queue = getattr(item.request, "job_queue", None)
        return WatchedJob(response.job_id, queue or job_queue, item.index)
    job_id = getattr(item, "job_id", None)
    if isinstance(job_id, str) and job_id:
        return WatchedJob(job_id, getattr(item, "job_queue", None) or job_queue)
    raise ConfigurationError(
        f"cannot watch {type(item).__name__}: give job ids, submission responses, bulk "
        "outcomes or WatchedJob"
    )
