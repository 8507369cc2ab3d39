"""Concurrent bulk submission: bounded, throttle-aware, stoppable and safe to run again.

Every input yields exactly one `Outcome`. Jobs without an idempotency token get one derived
from the run id and their position, so running the same input again with the same run id
creates nothing twice. A retryable failure puts the job back in line; the whole run slows
down when the service throttles (one shared adaptive rate), instead of each call backing off
on its own.

A run ends in one of three ways, each leaving no task and no connection behind: every input
has its outcome; the consumer stops it (leaving ``async with``, `BulkSubmission.aclose`,
cancelling its task, dropping the run); or the run itself fails (its job source or
``on_progress`` raising, credentials that cannot be had, a bug), which stops sending, cancels
what is in flight and, after the outcomes already complete, raises from the ``async for``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import inspect
import math
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .arguments import positive_int, positive_number, text
from .cancellation import uncancel
from .errors import (
    AwsError,
    ConfigurationError,
    CredentialsError,
    MalformedResponseError,
    ServiceError,
    Timeout,
    TransportError,
    ValidationError,
)
from .modeling import AwsModel
from .patience import Patience
from .protocol import OperationSpec
from .retries import ClientRateLimiter, RetryPolicy, backoff_delay
from .settling import HELD_UP, MOST_SETTLINGS, Suspicion, after_settling

if TYPE_CHECKING:
    from types import TracebackType

    from .invoker import Invoker

__all__ = [
    "MAX_CONCURRENCY",
    "MAX_RUN_ID",
    "UNREAD_OUTCOMES_BUFFER",
    "BulkProgress",
    "BulkRunError",
    "BulkSubmission",
    "Outcome",
    "derive_token",
]

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

#: How many jobs beyond ``concurrency`` a run sends before the consumer reads their outcomes.
UNREAD_OUTCOMES_BUFFER = 16
#: The most requests a run keeps in flight (each in-flight job holds a worker task).
MAX_CONCURRENCY = 10_000
#: The longest run id, in characters.
MAX_RUN_ID = 256

#: Namespace of the tokens derived from a run id and a job's index (a fixed, random UUID).
_TOKEN_NAMESPACE = uuid.UUID("6f0a2b9e-3f1d-4c55-9a53-1d7c2e0b8a41")
_CHECK_PERIOD = 1.0  # seconds between checks of the deadlines and of the endpoint's answers
_SOONEST_CHECK = 0.01  # seconds: what is due is checked, but not in a loop
_HELD_UP_A_WHILE = 0.25  # seconds a check may come late and still count the silence on


def derive_token(run_id: str, index: int) -> str:
    """The idempotency token a job without one gets: the same for the same run id and index."""
    return _deriver(_checked_run_id(run_id))(index)


@functools.lru_cache(maxsize=16)
def _deriver(run_id: str) -> _TokenDeriver:
    return _TokenDeriver(run_id)


class _TokenDeriver:
    """`derive_token` for one run id: ``uuid5(namespace, f"{run_id}/{index}")`` of the run id
    in Unicode NFC (``café`` typed composed or decomposed is one run id, as on screen), with
    the hash of the common prefix computed once and the text cut from the digest's hex
    directly."""

    def __init__(self, run_id: str) -> None:
        run_id = unicodedata.normalize("NFC", run_id)
        self._prefix = hashlib.sha1(_TOKEN_NAMESPACE.bytes + f"{run_id}/".encode())

    def __call__(self, index: int) -> str:
        digest = self._prefix.copy()
        digest.update(str(index).encode())
        hex_ = digest.hexdigest()
        # Version 5 in the 13th digit; the RFC 4122 variant in the top bits of the 17th.
        return (
            f"{hex_[:8]}-{hex_[8:12]}-5{hex_[13:16]}-"
            f"{_VARIANT[hex_[16]]}{hex_[17:20]}-{hex_[20:32]}"
        )


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


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
    #: Why the last retried attempt failed: an error code, or what went wrong on the wire
    #: (``connection refused``); None before the first retry.
    last_retry_reason: str | None = None

    @property
    def done(self) -> int:
        """Inputs with an outcome."""
        return self.succeeded + self.failed


class BulkRunError(AwsError):
    """The run stopped because something other than a job failed (``__cause__`` says what):
    ``on_progress`` raised, or a bug; jobs not yet sent were not sent."""


@dataclass(eq=False)
class _Job(Generic[RequestT]):
    index: int
    request: RequestT
    deadline: float
    attempts: int = 0
    #: The worker task sending it, while an attempt is in flight.
    sender: asyncio.Task[None] | None = None
    #: Whether its deadline passed while an attempt was in flight (which is then cancelled).
    expired: bool = False
    #: Since when it has waited for the service without an answer (its attempts failing on
    #: the wire keep waiting): None until its first attempt, and after each answer.
    waiting_since: float | None = None


class _End:
    """Put on the outcomes queue when no outcome will follow."""


_END = _End()


class BulkSubmission(Generic[RequestT, ResponseT]):
    """An async iterator of `Outcome`s in completion order; the run starts on first iteration.

    Stop it early by leaving ``async with run:``, by ``await run.aclose()``, by cancelling the
    task that iterates, or by dropping the run: what is in flight is cancelled. After a bare
    ``break`` it sends at most ``concurrency`` + `UNREAD_OUTCOMES_BUFFER` jobs beyond the
    outcomes read. When the run itself fails (the job source or ``on_progress`` raising,
    credentials that cannot be resolved), it stops sending, cancels what is in flight, yields
    the outcomes already complete, then raises: the source's own exception, an `AwsError`, or
    a `BulkRunError` whose ``__cause__`` is the exception.
    """

    def __init__(
        self,
        client: Invoker,
        spec: OperationSpec[RequestT, ResponseT],
        jobs: Iterable[RequestT | Mapping[str, Any]] | AsyncIterable[RequestT | Mapping[str, Any]],
        *,
        concurrency: int = 32,
        max_rate: float | None = None,
        run_id: str | None = None,
        job_deadline: float = 900.0,
        give_up_after: float | None = None,
        on_progress: Callable[[BulkProgress], object] | None = None,
    ) -> None:
        positive_int("concurrency", concurrency, maximum=MAX_CONCURRENCY)
        positive_number("max_rate", max_rate, optional=True)
        positive_number("job_deadline", job_deadline)
        positive_number("give_up_after", give_up_after, optional=True)
        run_id = _checked_run_id(run_id, optional=True)
        _check_on_progress(on_progress)
        if isinstance(jobs, (str, bytes, Mapping, AwsModel)):
            raise ConfigurationError(
                f"jobs must be an iterable of jobs, not one {type(jobs).__name__}: "
                "pass [job] to submit a single one"
            )
        if not isinstance(jobs, (Iterable, AsyncIterable)):
            raise ConfigurationError(
                f"jobs must be an iterable or async iterable, not {type(jobs).__name__}"
            )
        self.run_id = run_id or uuid.uuid4().hex
        self._engine: _Engine[RequestT, ResponseT] = _Engine(
            client,
            spec,
            jobs,
            concurrency=concurrency,
            max_rate=max_rate,
            run_id=self.run_id,
            job_deadline=job_deadline,
            give_up_after=give_up_after,
            on_progress=on_progress,
        )

    @property
    def progress(self) -> BulkProgress:
        """Where the run stands now."""
        return self._engine.progress()

    def __aiter__(self) -> BulkSubmission[RequestT, ResponseT]:
        return self

    async def __anext__(self) -> Outcome[RequestT, ResponseT]:
        return await self._engine.next_outcome()

    async def aclose(self) -> None:
        """Stop the run: cancel what is in flight and wait until it has let go of everything."""
        await self._engine.close()

    async def __aenter__(self) -> BulkSubmission[RequestT, ResponseT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # Dropped without being closed: stop sending. The engine's tasks hold the engine, not
        # this object, so this runs as soon as the caller lets go of the run.
        engine = self.__dict__.get("_engine")
        if engine is not None:
            engine.abandon()


class _Engine(Generic[RequestT, ResponseT]):
    """The run's machinery: a feeder that takes inputs while the unread outcomes allow, and a
    fixed pool of ``concurrency`` workers that send them, retries first."""

    def __init__(
        self,
        client: Invoker,
        spec: OperationSpec[RequestT, ResponseT],
        jobs: Iterable[Any] | AsyncIterable[Any],
        *,
        concurrency: int,
        max_rate: float | None,
        run_id: str,
        job_deadline: float,
        give_up_after: float | None,
        on_progress: Callable[[BulkProgress], object] | None,
    ) -> None:
        self._client = client
        self._spec = spec
        self._concurrency = concurrency
        self._job_deadline = job_deadline
        self._give_up_after = give_up_after
        self._on_progress = on_progress
        self._token = _deriver(run_id)
        self._limiter = ClientRateLimiter(max_rate=max_rate, tolerant=True)
        # One attempt per send: retries go back in line here rather than sleeping in place.
        self._options = client.options.with_retry(
            RetryPolicy(max_attempts=1, limiter=self._limiter)
        )
        # Counters, read into a BulkProgress only when asked.
        self._taken = self._succeeded = self._failed = self._retries = self._in_flight = 0
        self._last_retry_reason: str | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._timers: set[asyncio.TimerHandle] = set()
        self._backing_off = 0  # jobs waiting to go back in line
        self._outcomes = _Line[Outcome[RequestT, ResponseT] | _End]()
        # Inputs taken whose outcome the consumer has not read: the backpressure bound.
        self._unread = asyncio.Semaphore(concurrency + UNREAD_OUTCOMES_BUFFER)
        self._line = _Line[_Job[RequestT]]()
        self._source = _Source(jobs)
        self._exhausted = False
        self._failure: BaseException | None = None
        self._ended = False
        self._closed = False
        # The silence the watchdog (`_check`) gives up on, as a watch's and a follower's.
        self._patience = Patience(give_up_after)
        self._suspicion = Suspicion()  # of a silence the last check saw
        self._check_due = 0.0  # when the check's timer is due
        self._restarts = 0  # of the silence's count in a row, the loop held up each time
        self._settling: list[asyncio.Handle] = []  # the check looking at it again
        self._flying: set[_Job[RequestT]] = set()  # jobs with an attempt in flight
        self._awaiting_source = False  # the feeder waits for the job source's next job
        self._awaiting_consumer = False  # the feeder waits for the consumer to read

    # ---- the consumer's side ------------------------------------------------------------

    def progress(self) -> BulkProgress:
        return BulkProgress(
            taken=self._taken,
            succeeded=self._succeeded,
            failed=self._failed,
            retries=self._retries,
            in_flight=self._in_flight,
            send_rate=self._limiter.send_rate,
            last_retry_reason=self._last_retry_reason,
        )

    async def next_outcome(self) -> Outcome[RequestT, ResponseT]:
        if self._closed:
            raise StopAsyncIteration
        if not self._tasks:
            self._start()
        try:
            item = await self._outcomes.pop()
        except asyncio.CancelledError:
            await self.close()
            raise
        if isinstance(item, _End):
            self._outcomes.push(item)  # for any other task waiting on this run
            await self.close()
            failure, self._failure = self._failure, None
            if failure is not None:
                raise failure
            raise StopAsyncIteration
        self._unread.release()
        return item

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._source.aclose()

    def abandon(self) -> None:
        """Cancel everything without waiting (the run object was dropped)."""
        if not self._closed:
            self._closed = True
            # With its event loop closed, nothing of the run can run any more anyway.
            with contextlib.suppress(RuntimeError):
                self._stop()

    def _stop(self) -> None:
        current = asyncio.current_task() if self._loop_running() else None
        for task in self._tasks:
            if task is not current:
                task.cancel()
        for timer in (*self._timers, *self._settling):
            timer.cancel()
        self._timers.clear()
        if not self._ended:
            self._ended = True
            self._outcomes.push(_END)

    @staticmethod
    def _loop_running() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    # ---- the run ------------------------------------------------------------------------

    def _start(self) -> None:
        self._patience.answered()  # the silence counts from the start
        self._tasks.append(asyncio.create_task(self._guard(self._feed)))
        self._tasks += [
            asyncio.create_task(self._guard(self._work)) for _ in range(self._concurrency)
        ]
        self._schedule_check()

    async def _guard(self, body: Callable[[], Awaitable[None]]) -> None:
        """Run the feeder or a worker; anything it raises fails the whole run."""
        try:
            await body()
        except asyncio.CancelledError:
            raise
        except _SourceFailed as failed:
            self._fail(failed.error)
        except AwsError as error:
            self._fail(error)
        except BaseException as error:
            run_error = BulkRunError(f"The bulk run stopped: {type(error).__name__}: {error}")
            run_error.__cause__ = error
            self._fail(run_error)

    def _fail(self, error: BaseException) -> None:
        if self._failure is None and not self._ended:
            self._failure = error
        self._stop()

    async def _feed(self) -> None:
        """Take inputs one by one while the unread outcomes allow: validate, then queue."""
        source, unread = self._source, self._unread
        while True:
            if unread.locked():
                self._awaiting_consumer = True
                await unread.acquire()
                self._awaiting_consumer = False
                if self._idle():
                    self._patience.answered()  # the pause was the consumer's: silence from now
            else:
                await unread.acquire()
            if source.is_sync:
                raw = source.take_now()
            else:
                self._awaiting_source = True
                raw = await source.take()
                self._awaiting_source = False
            if raw is _EXHAUSTED:
                unread.release()
                break
            index = self._taken
            self._taken += 1
            try:
                request = self._prepare(index, raw)
            except ValidationError as error:
                self._finish(Outcome(index, raw, None, error, 0))
                continue
            self._line.push(_Job(index, request, time.monotonic() + self._job_deadline))
        self._exhausted = True
        self._check_end()

    async def _work(self) -> None:
        line = self._line
        while True:
            await self._attempt(await line.pop())

    async def _attempt(self, job: _Job[RequestT]) -> None:
        job.attempts += 1
        self._in_flight += 1
        job.sender = asyncio.current_task()
        if job.waiting_since is None:
            job.waiting_since = time.monotonic()
        self._flying.add(job)
        try:
            response = await self._client.invoke(self._spec, job.request, options=self._options)
        except asyncio.CancelledError:
            if not job.expired:
                raise
            uncancel()  # the attempt's own deadline, not the run's end
            outcome: Outcome[RequestT, ResponseT] = Outcome(
                job.index, job.request, None, _deadline_spent(self._spec, job), job.attempts
            )
        except (ServiceError, TransportError) as error:
            if isinstance(error, ServiceError):
                self._patience.answered()
                job.waiting_since = None
            else:
                self._patience.failed(error)
            if error.retryable and time.monotonic() < job.deadline:
                self._requeue(job, error)
                return
            error.attempts = job.attempts
            outcome = Outcome(job.index, job.request, None, error, job.attempts)
        except (ValidationError, MalformedResponseError) as error:
            outcome = Outcome(job.index, job.request, None, error, job.attempts)
        else:
            self._patience.answered()
            outcome = Outcome(job.index, job.request, response, None, job.attempts)
        finally:
            self._in_flight -= 1
            self._flying.discard(job)
            job.sender = None
        self._finish(outcome)

    def _finish(self, outcome: Outcome[RequestT, ResponseT]) -> None:
        if outcome.error is None:
            self._succeeded += 1
        else:
            self._failed += 1
        self._outcomes.push(outcome)
        self._report()
        self._check_end()

    def _check_end(self) -> None:
        if self._exhausted and self._succeeded + self._failed == self._taken and not self._ended:
            self._ended = True
            self._outcomes.push(_END)

    def _report(self) -> None:
        if self._on_progress is not None:
            answer = self._on_progress(self.progress())
            if inspect.isawaitable(answer):
                if inspect.iscoroutine(answer):
                    answer.close()  # never awaited: no "coroutine was never awaited" warning
                raise TypeError(_ASYNC_PROGRESS)

    def _requeue(self, job: _Job[RequestT], error: ServiceError | TransportError) -> None:
        """Back in line: at once after throttling (the shared rate paces it), else after a
        jittered backoff of its own."""
        self._retries += 1
        self._last_retry_reason = error.code if isinstance(error, ServiceError) else error.reason
        self._report()
        if error.throttling:
            self._line.push(job, retry=True)
            return
        retry_after = error.retry_after if isinstance(error, ServiceError) else None
        delay = backoff_delay(job.attempts, throttling=False, retry_after=retry_after)
        self._backing_off += 1

        def back_in_line() -> None:
            self._backing_off -= 1
            self._line.push(job, retry=True)

        self._later(delay, back_in_line)

    def _next_check(self) -> float:
        """Seconds to the next check: a period, or sooner when the silence so far would reach
        give_up_after (a run gives up at that, not up to a period after)."""
        stale_in = self._patience.stale_in(self._waiting_since())
        return max(min(_CHECK_PERIOD, stale_in), _SOONEST_CHECK)

    def _waiting_since(self) -> float | None:
        """Since when the longest-waiting job in flight has waited for an answer: a job sent
        after the loop was held up (a blocking consumer, job source or on_progress) has not
        waited all the silence since the last answer."""
        return min(
            (job.waiting_since for job in self._flying if job.waiting_since is not None),
            default=None,
        )

    def _check(self, held_up: float | None = None) -> None:
        """Every second or so: end the attempts whose job's deadline passed, and give the run
        up once ``give_up_after`` seconds went by without an answer from the service
        (``held_up``: how late the settling this check ends began, if it ends one)."""
        now = time.monotonic()
        if held_up is None and self._held_up(now - self._check_due):
            # The loop was held up (a blocking consumer, job source or on_progress): what it
            # slept through is not the service's silence, and what it sent is just out.
            self._patience.answered()
        late = [job for job in self._flying if now >= job.deadline and not job.expired]
        if late:  # once the loop has read the answers it holds (it may have been held up)
            after_settling(functools.partial(self._expire, late), seconds=0)
        if self._awaiting_consumer and self._idle():
            self._patience.answered()  # reading the outcomes is the consumer's pace
        silent = self._patience.silence(self._waiting_since())
        if silent is None:
            self._suspicion.clear()
            if held_up is None and now - self._check_due <= HELD_UP:
                self._restarts = 0
        elif self._suspicion.settle_first(held_up):
            after_settling(self._check, pending=self._settling)
            return
        else:
            self._fail(self._given_up(silent))
            return
        self._schedule_check()

    def _held_up(self, lateness: float) -> bool:
        """Whether the check's timer came so late the loop was held up for a good part of
        the silence (half of give_up_after, a quarter second at least), which may then count
        afresh: not when requests failed meanwhile (that silence is seen), and
        `MOST_SETTLINGS` times in a row at most, so that a run still ends."""
        held_up = max(_HELD_UP_A_WHILE, (self._give_up_after or math.inf) / 2)
        if lateness <= held_up or self._patience.failing or self._restarts >= MOST_SETTLINGS:
            return False
        self._restarts += 1
        return True

    def _schedule_check(self) -> None:
        delay = self._next_check()
        self._check_due = time.monotonic() + delay
        self._later(delay, self._check)

    def _expire(self, late: list[_Job[RequestT]], held_up: float) -> None:
        """End the attempts in flight of the jobs whose deadline passed."""
        for job in late:
            if job in self._flying and not job.expired and job.sender is not None:
                job.expired = True
                job.sender.cancel()

    def _idle(self) -> bool:
        """Whether no job is in flight, in line or waiting to go back in line."""
        return not (self._flying or self._line or self._backing_off)

    def _given_up(self, silent: float) -> AwsError:
        """What the run waited on for ``silent`` seconds, as the error that ends it."""
        waiting = getattr(self._client.session.credentials, "waiting", 0)
        if waiting:
            return CredentialsError(
                f"AWS credentials were not resolved within {silent:.0f} s (give_up_after): "
                "is a credential_process, an SSO login or an MFA prompt waiting?"
            )
        if self._awaiting_source and self._idle():
            return BulkRunError(
                f"The job source gave no job for {silent:.0f} s (give_up_after) while nothing "
                "else was left to send; giving up"
            )
        return self._patience.unreachable(silent, self._spec.name, self._client)

    def _later(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in ``delay`` seconds, unless the run stops first."""

        def fire() -> None:
            self._timers.discard(handle)
            callback()

        handle = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(handle)

    def _prepare(self, index: int, raw: object) -> RequestT:
        """The validated request for an input, its token derived from the run id when missing."""
        return self._client.build_request(self._spec, raw, token=self._token(index))


ItemT = TypeVar("ItemT")


def _deadline_spent(spec: OperationSpec[Any, Any], job: _Job[Any]) -> Timeout:
    return Timeout(
        f"{spec.name}: the job's deadline passed during its attempt {job.attempts}",
        operation_name=spec.name,
        reason="job deadline",
    )


class _Line(Generic[ItemT]):
    """A queue whose items a pusher can put ahead (retries before fresh jobs); `pop` waits."""

    def __init__(self) -> None:
        self._retries: deque[ItemT] = deque()
        self._fresh: deque[ItemT] = deque()
        self._waiters: deque[asyncio.Future[None]] = deque()

    def __bool__(self) -> bool:
        return bool(self._retries or self._fresh)

    def push(self, item: ItemT, *, retry: bool = False) -> None:
        (self._retries if retry else self._fresh).append(item)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def pop(self) -> ItemT:
        while not (self._retries or self._fresh):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        return (self._retries or self._fresh).popleft()


class _SourceFailed(Exception):
    """The job source raised ``error``: the run ends with that very exception."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


_EXHAUSTED: Any = object()


class _Source:
    """The jobs of a plain or an async iterable, one at a time; `_EXHAUSTED` after the last.

    An exception the source raises comes out as `_SourceFailed`."""

    def __init__(self, jobs: Iterable[Any] | AsyncIterable[Any]) -> None:
        self._async: AsyncIterator[Any] | None = None
        self._sync: Iterator[Any] | None = None
        if isinstance(jobs, AsyncIterable):
            self._async = aiter(jobs)
        else:
            self._sync = iter(jobs)

    @property
    def is_sync(self) -> bool:
        """Whether `take_now` serves (a plain iterable), rather than `take`."""
        return self._sync is not None

    def take_now(self) -> Any:
        """The next job of a plain iterable."""
        assert self._sync is not None
        try:
            return next(self._sync, _EXHAUSTED)
        except Exception as error:
            raise _SourceFailed(error) from None

    async def take(self) -> Any:
        """The next job of an async iterable."""
        assert self._async is not None
        try:
            return await anext(self._async, _EXHAUSTED)
        except Exception as error:
            raise _SourceFailed(error) from None

    async def aclose(self) -> None:
        """Close an async generator source, so what it holds (an open file) is let go now."""
        close = getattr(self._async, "aclose", None)
        if close is not None:
            await close()


def _checked_run_id(run_id: object, *, optional: bool = False) -> Any:
    """``run_id`` as a plain str (a str subclass's own hash never runs in the cache of
    `_deriver`), or None when ``optional``; else a ConfigurationError naming it."""
    plain = text("run_id", run_id, optional=optional, max_length=MAX_RUN_ID)
    if plain is not None and not plain.isprintable():
        raise ConfigurationError(
            f"run_id must be printable characters, not {plain[:40]!r}: the same run id is "
            "what lets a rerun create nothing twice"
        )
    return plain


def _check_on_progress(on_progress: object) -> None:
    if on_progress is None:
        return
    if not callable(on_progress):
        raise ConfigurationError(
            f"on_progress must be a function of a BulkProgress, not {type(on_progress).__name__}"
        )
    if inspect.iscoroutinefunction(on_progress) or inspect.iscoroutinefunction(
        getattr(on_progress, "__call__", None)  # noqa: B004  an object's async __call__
    ):
        raise ConfigurationError(_ASYNC_PROGRESS)


_ASYNC_PROGRESS = (
    "on_progress must be a plain function: it is called in line at every outcome, and an "
    "async one would never be awaited (schedule your own task from it instead)"
)
