"""Concurrent bulk submission: bounded, throttle-aware, and safe to run again.

Every input yields exactly one `Outcome`. Jobs without an idempotency token get one derived
from the run id and their position, so running the same input again with the same run id
creates nothing twice. A retryable failure puts the job back in line; the whole run slows
down when the service throttles (one shared adaptive rate), instead of each call backing off
on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
import uuid
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pydantic

from .config import Config
from .errors import AwsError, ConfigurationError, ServiceError, TransportError
from .modeling import AwsModel, to_validation_error
from .protocol import OperationSpec
from .retries import ClientRateLimiter, RetryPolicy, backoff_delay

if TYPE_CHECKING:
    from types import TracebackType

    from .client import BaseClient

__all__ = ["BulkProgress", "BulkSubmission", "Outcome", "derive_token"]

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

#: Namespace of the tokens derived from a run id and a job's index (a fixed, random UUID).
_TOKEN_NAMESPACE = uuid.UUID("6f0a2b9e-3f1d-4c55-9a53-1d7c2e0b8a41")


def derive_token(run_id: str, index: int) -> str:
    """The idempotency token a job without one gets: the same for the same run id and index."""
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"{run_id}/{index}"))


@dataclass(frozen=True)
class Outcome(Generic[RequestT, ResponseT]):
    """What became of one input: its response, or the error that ended it."""

    index: int
    #: The validated request that was sent (token included), or the raw input when invalid.
    request: RequestT | Any
    response: ResponseT | None
    error: AwsError | None
    attempts: int

    @property
    def ok(self) -> bool:
        """Whether the job was accepted by the service."""
        return self.error is None


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of a run: inputs taken, outcomes so far, retries and the current send rate."""

    taken: int = 0
    succeeded: int = 0
    failed: int = 0
    retries: int = 0
    in_flight: int = 0
    #: Requests per second the run allows itself now, or None while nothing limits it.
    send_rate: float | None = None

    @property
    def done(self) -> int:
        """Inputs with an outcome."""
        return self.succeeded + self.failed


@dataclass
class _Job(Generic[RequestT]):
    index: int
    request: RequestT
    deadline: float
    attempts: int = 0


class BulkSubmission(Generic[RequestT, ResponseT]):
    """An async iterator of `Outcome`s in completion order; the run starts on first iteration.

    Use it as ``async with`` (or call `aclose`) when you may stop early: leaving closes the
    run, cancelling what is in flight. Cancelling the task that iterates does the same.
    """

    def __init__(
        self,
        client: BaseClient,
        spec: OperationSpec[RequestT, ResponseT],
        jobs: Iterable[RequestT | Mapping[str, Any]] | AsyncIterable[RequestT | Mapping[str, Any]],
        *,
        concurrency: int = 32,
        max_rate: float | None = None,
        run_id: str | None = None,
        job_deadline: float = 900.0,
        on_progress: Callable[[BulkProgress], object] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ConfigurationError(f"concurrency must be >= 1, not {concurrency}")
        if max_rate is not None and not max_rate > 0:
            raise ConfigurationError(f"max_rate must be a positive number or None, not {max_rate}")
        if not job_deadline > 0:
            raise ConfigurationError(
                f"job_deadline must be a positive number of seconds, not {job_deadline}"
            )
        self.run_id = run_id or uuid.uuid4().hex
        self._client = client
        self._spec = spec
        self._jobs = jobs
        self._concurrency = concurrency
        self._job_deadline = job_deadline
        self._on_progress = on_progress
        self._limiter = ClientRateLimiter(max_rate=max_rate, tolerant=True)
        # One attempt per send: retries go back in line here rather than sleeping in place.
        self._policy = RetryPolicy(Config(max_attempts=1), limiter=self._limiter)
        self._progress = BulkProgress()
        self._iterator: AsyncIterator[Outcome[RequestT, ResponseT]] | None = None

    @property
    def progress(self) -> BulkProgress:
        """Where the run stands now."""
        return replace(self._progress, send_rate=self._limiter.send_rate)

    def __aiter__(self) -> AsyncIterator[Outcome[RequestT, ResponseT]]:
        if self._iterator is None:
            self._iterator = self._run()
        return self._iterator

    async def __anext__(self) -> Outcome[RequestT, ResponseT]:
        return await self.__aiter__().__anext__()

    async def aclose(self) -> None:
        """Stop the run: cancel what is in flight and wait until it has let go of everything."""
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]

    async def __aenter__(self) -> BulkSubmission[RequestT, ResponseT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _run(self) -> AsyncIterator[Outcome[RequestT, ResponseT]]:
        outcomes: asyncio.Queue[Outcome[RequestT, ResponseT] | None] = asyncio.Queue(
            maxsize=self._concurrency
        )
        scheduler = _Scheduler(self, outcomes)
        driver = asyncio.create_task(scheduler.drive())
        try:
            while (outcome := await outcomes.get()) is not None:
                yield outcome
            await driver  # re-raises an error from the caller's input iterator
        finally:
            if not driver.done():
                driver.cancel()
            await asyncio.gather(driver, return_exceptions=True)

    def _report(self, **changes: int) -> None:
        values = {name: getattr(self._progress, name) + step for name, step in changes.items()}
        self._progress = replace(self._progress, **values)
        if self._on_progress is not None:
            self._on_progress(self.progress)

    def _prepare(self, index: int, raw: object) -> RequestT:
        """The validated request for an input, its token derived from the run id when missing."""
        spec = self._spec
        field = spec.idempotency_token
        if isinstance(raw, spec.input):
            if field is not None and getattr(raw, field) is None:
                return raw.model_copy(update={field: derive_token(self.run_id, index)})
            return raw
        if field is not None and isinstance(raw, Mapping):
            wire = spec.input.model_fields[field].alias or field
            if raw.get(field) is None and raw.get(wire) is None:
                raw = {
                    **{key: value for key, value in raw.items() if key != wire},
                    field: derive_token(self.run_id, index),
                }
        try:
            return spec.input.model_validate(raw)
        except pydantic.ValidationError as error:
            raise to_validation_error(spec.name, error) from None


class _Scheduler(Generic[RequestT, ResponseT]):
    """Takes jobs (retries first, then fresh input), keeps `concurrency` of them in flight."""

    def __init__(
        self,
        run: BulkSubmission[RequestT, ResponseT],
        outcomes: asyncio.Queue[Outcome[RequestT, ResponseT] | None],
    ) -> None:
        self._run = run
        self._outcomes = outcomes
        self._slots = asyncio.Semaphore(run._concurrency)
        self._ready: deque[_Job[RequestT]] = deque()
        self._waiting: list[tuple[float, int, _Job[RequestT]]] = []  # retries not yet due
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._failures: list[asyncio.Task[None]] = []

    async def drive(self) -> None:
        inputs = _enumerate(self._run._jobs)
        exhausted = False
        try:
            while True:
                await self._slots.acquire()
                job = self._next_ready()
                if job is None and not exhausted:
                    try:
                        index, raw = await anext(inputs)
                    except StopAsyncIteration:
                        exhausted = True
                    else:
                        job = await self._take(index, raw)
                        if job is None:  # invalid: it already has its outcome
                            self._slots.release()
                            continue
                if job is None:
                    self._slots.release()
                    if not (self._tasks or self._waiting):
                        break
                    await self._wait_for_change()
                    continue
                self._start(job)
                self._raise_failure()
            self._raise_failure()
            await self._outcomes.put(None)
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _take(self, index: int, raw: Any) -> _Job[RequestT] | None:
        """A fresh input as a job, or None after reporting it invalid."""
        run = self._run
        run._report(taken=1)
        try:
            request = run._prepare(index, raw)
        except AwsError as error:
            run._report(failed=1)
            await self._outcomes.put(Outcome(index, raw, None, error, 0))
            return None
        return _Job(index, request, time.monotonic() + run._job_deadline)

    def _start(self, job: _Job[RequestT]) -> None:
        task = asyncio.create_task(self._attempt(job))
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        self._run._report(in_flight=1)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._failures.append(task)  # a bug, not a service's answer: the run re-raises it
        self._changed.set()

    async def _attempt(self, job: _Job[RequestT]) -> None:
        run = self._run
        job.attempts += 1
        outcome: Outcome[RequestT, ResponseT] | None = None
        try:
            response = await run._client._call(run._spec, job.request, policy=run._policy)
        except (ServiceError, TransportError) as error:
            if error.retryable and time.monotonic() < job.deadline:
                self._requeue(job, error)
            else:
                error.attempts = job.attempts
                outcome = Outcome(job.index, job.request, None, error, job.attempts)
        except AwsError as error:
            outcome = Outcome(job.index, job.request, None, error, job.attempts)
        else:
            outcome = Outcome(job.index, job.request, response, None, job.attempts)
        finally:
            self._slots.release()
            run._report(in_flight=-1)
        if outcome is not None:
            run._report(**({"succeeded": 1} if outcome.ok else {"failed": 1}))
            await self._outcomes.put(outcome)

    def _raise_failure(self) -> None:
        if self._failures:
            self._failures[0].result()

    def _requeue(self, job: _Job[RequestT], error: ServiceError | TransportError) -> None:
        """Back in line: at once after throttling (the shared rate paces it), else after a
        jittered backoff of its own."""
        self._run._report(retries=1)
        if error.throttling:
            self._ready.append(job)
            return
        retry_after = error.retry_after if isinstance(error, ServiceError) else None
        delay = backoff_delay(job.attempts, throttling=False, retry_after=retry_after)
        heapq.heappush(self._waiting, (time.monotonic() + delay, job.index, job))

    def _next_ready(self) -> _Job[RequestT] | None:
        now = time.monotonic()
        while self._waiting and self._waiting[0][0] <= now:
            self._ready.append(heapq.heappop(self._waiting)[2])
        return self._ready.popleft() if self._ready else None

    async def _wait_for_change(self) -> None:
        """Until an attempt ends or the next waiting retry is due."""
        self._changed.clear()
        timeout = self._waiting[0][0] - time.monotonic() if self._waiting else None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)


async def _enumerate(jobs: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[tuple[int, Any]]:
    """Index and job, pulled one at a time from a plain or an async iterable."""
    index = 0
    if isinstance(jobs, AsyncIterable):
        async for job in jobs:
            yield index, job
            index += 1
    else:
        for job in jobs:
            yield index, job
            index += 1
