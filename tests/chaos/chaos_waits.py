"""Every wait and listing of the library, and how each is documented to end under each kind of
fault: one table, `WAITS`.

A wait is something the library keeps doing until something ends it: a paginator's pages
(read as pages, as items, gathered whole, or resumed from a token), a waiter, a bulk run, a
watch. Each row drives one against its healthy world (`chaos_worlds`) and says, for every
kind of fault (`chaos_faults.KINDS`), the ending the documentation promises, quoting it:
`Finishes` (and what a full, right result is), `Raises` (which error, within what time),
`FailsJobs` (a bulk run ends as a run does, the jobs the fault struck with their own error),
`ReaderBound` (it goes on as long as its reader reads, and stops when the reader does),
`Ends` (some end, any: what the issue asks of every wait where the documentation is
silent). A new paginator or waiter is one row of `LISTINGS` or `WAITERS`; a new kind of wait,
one class here.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import Any

import chaos_timing as timing
from chaos_faults import Fault
from chaos_worlds import (
    JOURNEYS,
    QUEUE,
    TRAINING_JOB,
    BulkWorld,
    FollowWorld,
    ListingWorld,
    WaiterWorld,
    WatchLogsWorld,
    WatchWorld,
)

from aws_mlops_async import (
    Config,
    ConnectionFailed,
    CredentialsError,
    EndpointUnreachable,
    MalformedResponseError,
    ServiceError,
    Session,
    Timeout,
    WaiterError,
)
from aws_mlops_async.ext.watching import ServiceJobUpdate, WatchedJob
from aws_mlops_async.pagination import PaginationConfig, PaginationError, PaginatorSpec
from aws_mlops_async.waiters import WaiterSpec

__all__ = [
    "LISTINGS",
    "WAITERS",
    "WAITS",
    "Ends",
    "Expectation",
    "FailsJobs",
    "Finishes",
    "Raises",
    "Ran",
    "ReaderBound",
    "Wait",
]


# ---- what a wait did, and what it should have done ------------------------------------------


@dataclass
class Ran:
    """What a wait did: what it gave (pages' items, outcomes, updates) as it went, its
    result or the exception that ended it (or that it hung), and how long it took."""

    trace: list[Any] = field(default_factory=list)
    value: Any = None
    error: BaseException | None = None
    hung: bool = False
    elapsed: float = 0.0
    #: Whether the reader stopped reading (a listing that would have gone on), and when.
    stopped_reading_at: float | None = None


@dataclass(frozen=True)
class Finishes:
    """It ends as if nothing went wrong, with the whole, right result."""

    within: float
    why: str


@dataclass(frozen=True)
class Raises:
    """It ends raising ``error`` (``wrapped``: as the `WaiterError`'s last response) within
    ``within`` seconds; a refusal's error has the refusal's code."""

    error: type[BaseException]
    within: float
    why: str
    wrapped: bool = False
    #: Not of this subclass (a ConnectionFailed that is not EndpointUnreachable).
    not_a: type[BaseException] | None = None
    #: What else the error must say.
    test: Callable[[BaseException], bool] | None = None
    #: Whether it names the endpoint (``host:port``) it gave up on.
    names_endpoint: bool = False


@dataclass(frozen=True)
class FailsJobs:
    """A bulk run ends as a run does, every job with its outcome, and each job struck by the
    fault has as its outcome an error ``test`` accepts."""

    test: Callable[[BaseException], bool]
    within: float
    why: str


@dataclass(frozen=True)
class ReaderBound:
    """It goes on as long as its reader reads (it has no end of its own), and sends nothing
    once the reader stops: after `READER_PAGES` pages, or (``patience``) when the reader
    gives up waiting for what it reads and cancels."""

    within: float
    why: str
    patience: float | None = None


@dataclass(frozen=True)
class Ends:
    """It ends, one way or another (a result or an `AwsError`), within ``within`` seconds:
    where the documentation says nothing, the issue asks that every wait have an end."""

    within: float
    why: str


Expectation = Finishes | Raises | FailsJobs | ReaderBound | Ends


#: How the suite's clients call: few attempts, short timeouts (`chaos_timing`).
CONFIG = Config(
    max_attempts=timing.MAX_ATTEMPTS,
    read_timeout=timing.READ_TIMEOUT,
    connect_timeout=timing.CONNECT_TIMEOUT,
)
#: The same, reading patiently: an attempt may wait longer than a give_up_after (as with
#: Config's read_timeout of 60 s and a give_up_after of a minute or two).
PATIENT = replace(CONFIG, read_timeout=timing.PATIENT_READ_TIMEOUT)


class Wait:
    """One wait of the library: its world, how to drive it, how it ends under each fault."""

    id: str
    #: Requests answered healthily before a fault strikes: the wait is well under way.
    mid_run: int
    #: The Config of the Session the wait runs on.
    config: Config = CONFIG

    def world(self) -> Any:
        raise NotImplementedError

    async def run(self, session: Session, world: Any, ran: Ran) -> None:
        """Drive the wait to its end, noting what it gives in ``ran``."""
        raise NotImplementedError

    def expect(self, fault: Fault) -> Expectation:
        raise NotImplementedError

    def check_finished(self, ran: Ran, world: Any) -> None:
        """Assert the result is whole and right."""
        raise NotImplementedError

    def check_always(self, ran: Ran, world: Any) -> None:
        """Assert what holds however the wait ended."""

    def __str__(self) -> str:
        return self.id


def _server_error(error: BaseException) -> bool:
    return isinstance(error, ServiceError) and error.status_code >= 500


def _throttled(error: BaseException) -> bool:
    return isinstance(error, ServiceError) and error.throttling


# ---- paginators -------------------------------------------------------------------------

#: How many pages (or pages' worth of items) a reader reads of a listing that does not end,
#: before it stops: more than any cycle of `chaos_faults`.
READER_PAGES = 14
#: How long a reader waits for an update that never comes before it gives up (cancels).
READER_PATIENCE = 0.5
#: What build_full_result may gather without max_items, here (the library's is 100,000):
#: more than a long token cycle of `chaos_faults` brings, so a cycle is what ends it.
FULL_RESULT_LIMIT = 40
#: How many empty pages in a row items() and build_full_result() read, here (the library's is
#: 1,000): more than a reader reads of a listing that does not end.
MAX_EMPTY_PAGES = 20
#: How many pages of a queue a watch's look reads, here (the library's is 1,000).
MAX_PAGES_PER_LOOK = 20


def _paginator_spec(service: str, name: str) -> PaginatorSpec[Any, Any]:
    operations = importlib.import_module(f"aws_mlops_async.services.{service}.operations")
    found = [
        value
        for value in vars(operations).values()
        if isinstance(value, PaginatorSpec) and value.operation.method == name
    ]
    assert len(found) == 1, f"{service} has no paginator {name}"
    return found[0]


@dataclass(frozen=True)
class Listing:
    """A paginator, and the members its listing cannot go without."""

    service: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)


class ListingWait(Wait):
    """A paginator read one way: ``pages``, ``items``, ``full`` (build_full_result) or
    ``resume`` (stopped at max_items mid-page, then resumed from its resume_token)."""

    mid_run = 1

    def __init__(self, listing: Listing, mode: str) -> None:
        self.listing = listing
        self.mode = mode
        self.id = f"{listing.service}.{listing.name}[{mode}]"

    def world(self) -> ListingWorld:
        return ListingWorld(_paginator_spec(self.listing.service, self.listing.name))

    async def run(self, session: Session, world: ListingWorld, ran: Ran) -> None:
        client = getattr(session, self.listing.service)
        paginator = client.get_paginator(self.listing.name)
        params = self.listing.params
        key = world.item_key
        if self.mode == "full":
            whole = await paginator.paginate(**params).build_full_result()
            ran.value = [getattr(item, key) for item in getattr(whole, world.paginator.result_key)]
            return
        if self.mode == "items":
            async with aclosing(paginator.paginate(**params).items()) as items:
                async for item in items:
                    ran.trace.append(getattr(item, key))
                    if len(ran.trace) >= READER_PAGES * ListingWorld.PER_PAGE:
                        ran.stopped_reading_at = time.monotonic()
                        return
            ran.value = ran.trace
            return
        start = None
        if self.mode == "resume":
            first = paginator.paginate(**params, pagination_config=PaginationConfig(max_items=3))
            if not await self._read(first, world, ran):
                return
            assert first.resume_token is not None, "stopped mid-page: a resume token"
            start = PaginationConfig(starting_token=first.resume_token)
        pages = paginator.paginate(**params, pagination_config=start)
        if await self._read(pages, world, ran):
            ran.value = ran.trace

    @staticmethod
    async def _read(pages: Any, world: ListingWorld, ran: Ran) -> bool:
        """Read the pages' items into the trace; False when the reader stopped first."""
        async with aclosing(aiter(pages)) as reading:
            read = 0
            async for page in reading:
                ran.trace += [
                    getattr(item, world.item_key)
                    for item in getattr(page, world.paginator.result_key)
                ]
                read += 1
                if read >= READER_PAGES:
                    ran.stopped_reading_at = time.monotonic()
                    return False
        return True

    def expect(self, fault: Fault) -> Expectation:
        bound = (ListingWorld.PAGES + 1) * timing.CALL
        kind = fault.kind
        if kind in ("healthy", "restart", "never_done"):
            # restart: the port is closed for less than one back-off (tokens hold no state);
            # never_done: a listing waits for nothing.
            return Finishes(bound, "a call is retried (Config.max_attempts)")
        caught_up_ends = _paginator_spec(self.listing.service, self.listing.name)
        if kind == "token_cycle" and caught_up_ends.last_page_has_previous_token:
            return Ends(
                bound,
                "PageIterator: a log stream handing back the token it was sent has caught up "
                "(it ends there); any other token handed out before raises PaginationError",
            )
        if kind == "token_cycle":
            return Raises(
                PaginationError,
                bound,
                "pagination.PaginationError: a token handed out before in the same listing",
                test=lambda error: "handed out before" in str(error),
            )
        if kind == "endless" and self.mode == "full":
            return Raises(
                PaginationError,
                bound + FULL_RESULT_LIMIT * timing.ENDLESS_PAGE,
                f"build_full_result: more than FULL_RESULT_LIMIT ({FULL_RESULT_LIMIT} here)",
                test=lambda error: "more than" in str(error),
            )
        if kind == "endless_empty" and self.mode in ("full", "items"):
            # Pages without items: items() yields nothing its reader could stop at.
            return Raises(
                PaginationError,
                bound + MAX_EMPTY_PAGES * timing.ENDLESS_PAGE,
                f"pagination: more than MAX_EMPTY_PAGES ({MAX_EMPTY_PAGES} here) empty pages "
                "in a row",
                test=lambda error: "in a row without an item" in str(error),
            )
        if kind in ("endless", "endless_empty"):
            return ReaderBound(
                bound + READER_PAGES * (timing.ENDLESS_PAGE + timing.CALL),
                "PageIterator: pages fetched one at a time as you iterate",
            )
        if kind in ("outage_short", "outage_long"):
            return Raises(
                ConnectionFailed,
                bound,
                "README, Errors: no answer came back (the outage outlasts the retries)",
                not_a=EndpointUnreachable,
            )
        return _call_ending(kind, bound, wrapped=False)

    def check_finished(self, ran: Ran, world: ListingWorld) -> None:
        assert ran.value == world.expected, "every item, once, in order"


def _call_ending(kind: str, bound: float, *, wrapped: bool) -> Expectation:
    """How a call ends under a fault outlasting its retries (a waiter: its poll's error, a
    service's wrapped in its WaiterError)."""
    why = "README, Errors"
    if kind == "refused":
        return Raises(
            ServiceError, bound, f"{why}: the service answered with an error", wrapped=wrapped
        )
    if kind == "credentials":
        return Raises(CredentialsError, bound, f"{why}: credentials cannot be resolved")
    if kind in ("5xx_burst", "5xx_for_good"):
        return Raises(
            ServiceError,
            bound,
            f"{why}: retried, then the error",
            wrapped=wrapped,
            test=_server_error,
        )
    if kind in ("throttling_burst", "throttling_for_good"):
        return Raises(
            ServiceError, bound, f"{why}: retried, then the error", wrapped=wrapped, test=_throttled
        )
    if kind in ("trickle", "stall"):
        return Raises(
            Timeout,
            bound,
            "Config.read_timeout: a body trickling in cannot hold an attempt past it",
        )
    if kind == "garbage":
        return Raises(MalformedResponseError, bound, f"{why}: a success whose body cannot be read")
    raise AssertionError(f"no ending said for fault kind {kind!r}")


#: Every paginator of the library: a new one is one line here.
LISTINGS: tuple[Listing, ...] = (
    Listing("sagemaker", "list_image_versions", {"image_name": "chaos-image"}),
    Listing("sagemaker", "list_training_jobs"),
    Listing("batch", "describe_compute_environments"),
    Listing("batch", "describe_job_definitions"),
    Listing("batch", "describe_job_queues"),
    Listing("batch", "describe_service_environments"),
    Listing("batch", "list_consumable_resources"),
    Listing("batch", "list_jobs"),
    Listing("batch", "list_jobs_by_consumable_resource", {"consumable_resource": "chaos"}),
    Listing("batch", "list_quota_shares", {"job_queue": QUEUE}),
    Listing("batch", "list_scheduling_policies"),
    Listing("batch", "list_service_jobs"),
    Listing(
        "datazone",
        "list_notebook_runs",
        {"domain_identifier": "dzd_chaos1234", "owning_project_identifier": "chaosproj12"},
    ),
    Listing("lookoutvision", "list_model_packaging_jobs", {"project_name": "chaos-project"}),
    Listing("logs", "describe_log_groups"),
    Listing("logs", "describe_log_streams", {"log_group_name": "/aws/sagemaker/TrainingJobs"}),
    Listing(
        "logs",
        "get_log_events",
        {"log_group_name": "/aws/sagemaker/TrainingJobs", "log_stream_name": "chaos/algo-1-1"},
    ),
    Listing("logs", "filter_log_events", {"log_group_name": "/aws/sagemaker/TrainingJobs"}),
)
#: Read every way: one listing of each protocol (awsJson 1.1, restJson1 in a body, restJson1
#: in a query); the others are read page by page.
EVERY_WAY = ("list_image_versions", "list_service_jobs", "list_model_packaging_jobs")
MODES = ("pages", "items", "full", "resume")


# ---- waiters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A waiter, the client method it polls, and the members that call cannot go without."""

    service: str
    name: str
    polls: str
    params: dict[str, Any] = field(default_factory=dict)


class WaiterWait(Wait):
    """``client.get_waiter(name).wait(...)``, polling every `timing.WAITER_DELAY`."""

    mid_run = 1

    def __init__(self, waiting: Waiting) -> None:
        self.waiting = waiting
        self.id = f"{waiting.service}.{waiting.name}"

    def _client_class(self) -> Any:
        module = importlib.import_module(f"aws_mlops_async.services.{self.waiting.service}.client")
        return next(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and value.__name__.endswith("Client")
            and getattr(value, "service", None) is not None
            and value.__module__ == module.__name__
        )

    def spec(self) -> WaiterSpec:
        operations = importlib.import_module(
            f"aws_mlops_async.services.{self.waiting.service}.operations"
        )
        found = [
            value
            for value in vars(operations).values()
            if isinstance(value, WaiterSpec) and _snake(value.name) == self.waiting.name
        ]
        assert len(found) == 1, f"{self.waiting.service} has no waiter {self.waiting.name}"
        return found[0]

    def world(self) -> WaiterWorld:
        operation = self._client_class().operation_spec(self.waiting.polls)
        return WaiterWorld(self.spec(), operation)

    async def run(self, session: Session, world: WaiterWorld, ran: Ran) -> None:
        waiter = getattr(session, self.waiting.service).get_waiter(self.waiting.name)
        ran.value = await waiter.wait(
            **self.waiting.params,
            delay=timing.WAITER_DELAY,
            max_attempts=timing.WAITER_ATTEMPTS,
        )

    def expect(self, fault: Fault) -> Expectation:
        bound = timing.WAITER_ATTEMPTS * (timing.WAITER_DELAY + timing.CALL)
        kind = fault.kind
        if kind in ("healthy", "token_cycle", "endless", "endless_empty"):
            return Finishes(bound, "a waiter lists nothing: a listing's fault is not its own")
        if kind == "restart":
            return Finishes(bound, "a call is retried; the waiter polls until success")
        if kind == "never_done":
            return Raises(
                WaiterError,
                bound,
                "WaiterError: a waiter ran out of attempts (max_attempts polls, delay apart)",
                test=lambda error: "after" in str(error) and "attempts" in str(error),
            )
        if kind in ("outage_short", "outage_long"):
            return Raises(
                ConnectionFailed,
                bound,
                "README, Errors: no answer came back",
                not_a=EndpointUnreachable,
            )
        # Waiter: a service's error no acceptor names ends the wait with a WaiterError.
        return _call_ending(kind, bound, wrapped=True)

    def check_finished(self, ran: Ran, world: WaiterWorld) -> None:
        success = world.success
        if success.path is None:
            assert ran.value is None, "an error says success: no response"
            return
        value: Any = ran.value
        for name in success.path.split("."):
            value = getattr(value, name)
        assert value in success.expected, value


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


#: Every waiter of the library: a new one is one line here.
WAITERS: tuple[Waiting, ...] = (
    Waiting(
        "sagemaker",
        "image_version_created",
        "describe_image_version",
        {"image_name": "chaos-image"},
    ),
    Waiting(
        "sagemaker",
        "image_version_deleted",
        "describe_image_version",
        {"image_name": "chaos-image"},
    ),
    Waiting(
        "sagemaker",
        "training_job_completed_or_stopped",
        "describe_training_job",
        {"training_job_name": "chaos-training"},
    ),
    Waiting("batch", "service_job_finished", "describe_service_job", {"job_id": "j1"}),
    Waiting(
        "datazone",
        "notebook_run_finished",
        "get_notebook_run",
        {"domain_identifier": "dzd_chaos1234", "identifier": "chaosrun123"},
    ),
    Waiting(
        "lookoutvision",
        "model_packaging_job_finished",
        "describe_model_packaging_job",
        {"project_name": "chaos-project", "job_name": "chaos-job"},
    ),
)


# ---- bulk runs ----------------------------------------------------------------------------


class BulkWait(Wait):
    """``session.batch.submit_service_jobs(...)``: `JOBS` jobs, two at a time, with
    ``give_up_after`` shorter than the client's read timeout (`PATIENT`): what ends an
    attempt in flight is the run's own watchdog."""

    id = "batch.submit_service_jobs"
    mid_run = 2
    JOBS = 6
    config = PATIENT

    def world(self) -> BulkWorld:
        return BulkWorld()

    async def run(self, session: Session, world: BulkWorld, ran: Ran) -> None:
        jobs = [
            {
                "job_name": f"chaos-{n}",
                "job_queue": QUEUE,
                "service_job_type": "SAGEMAKER_TRAINING",
                "service_request_payload": "{}",
            }
            for n in range(self.JOBS)
        ]
        async with session.batch.submit_service_jobs(
            jobs,
            concurrency=2,
            run_id="chaos",
            job_deadline=timing.JOB_DEADLINE,
            give_up_after=timing.BULK_GIVE_UP,
        ) as run:
            async for outcome in run:
                ran.trace.append(outcome)

    def expect(self, fault: Fault) -> Expectation:
        # The watchdog looks every give_up_after: it sees the silence one look late at most.
        gives_up = 2 * timing.BULK_GIVE_UP + timing.CALL
        finishes = timing.JOB_DEADLINE
        kind = fault.kind
        if kind in ("healthy", "token_cycle", "endless", "endless_empty", "never_done"):
            return Finishes(finishes, "a bulk run lists nothing, and waits for no job's end")
        if kind in ("outage_short", "restart", "5xx_burst", "throttling_burst"):
            return Finishes(
                finishes,
                "README, Submit thousands of jobs: throttled, 5xx or lost requests go back in "
                "line until job_deadline; the service answers a repeated token with the first job",
            )
        if kind in ("outage_long", "trickle", "stall"):
            return Raises(
                EndpointUnreachable,
                gives_up,
                "README: with give_up_after, a run whose endpoint answers nothing for that "
                "long raises EndpointUnreachable, naming the host and port",
                names_endpoint=True,
            )
        if kind == "credentials":
            return Raises(
                CredentialsError,
                finishes,
                "README: a failure of the run ends it: credentials cannot be resolved",
            )
        if kind == "refused":
            return FailsJobs(
                lambda error: isinstance(error, ServiceError) and error.status_code in (400, 403),
                finishes,
                "README: a job's own failure is its outcome (a non-retryable service error)",
            )
        if kind in ("5xx_for_good", "throttling_for_good"):
            answered = _server_error if kind == "5xx_for_good" else _throttled
            return FailsJobs(
                lambda error: (
                    answered(error)
                    or (isinstance(error, Timeout) and error.reason == "job deadline")
                ),
                finishes + 2 * timing.BULK_GIVE_UP,
                "README: retried until job_deadline passes, then the job's own failure",
            )
        if kind == "garbage":
            return FailsJobs(
                lambda error: isinstance(error, MalformedResponseError),
                finishes,
                "bulk: a MalformedResponseError is a job's own failure",
            )
        raise AssertionError(f"no ending said for fault kind {kind!r}")

    def check_finished(self, ran: Ran, world: BulkWorld) -> None:
        assert sorted(o.index for o in ran.trace) == list(range(self.JOBS))
        assert all(o.ok for o in ran.trace), [o.error for o in ran.trace if not o.ok]
        assert all(world.created[f"chaos-{n}"] == 1 for n in range(self.JOBS)), world.created

    def check_always(self, ran: Ran, world: BulkWorld) -> None:
        if isinstance(ran.error, EndpointUnreachable):
            # The jobs answered before the fault were complete long before the run gave up:
            # "yields the outcomes already complete, then raises".
            done = sum(outcome.ok for outcome in ran.trace)
            assert done >= self.mid_run, "the outcomes complete when the run failed are yielded"
        indexes = [o.index for o in ran.trace]
        assert len(indexes) == len(set(indexes)), "one outcome per job"
        twice = {name: n for name, n in world.created.items() if n > 1}
        assert not twice, f"jobs created twice: {twice}"
        several = {name: tokens for name, tokens in world.tokens.items() if len(tokens) > 1}
        assert not several, f"a job sent with several tokens: {several}"


# ---- watches -------------------------------------------------------------------------------

#: Where a status stands in a job's life.
RANK = {
    status: rank
    for rank, status in enumerate(
        ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING")
    )
}


class WatchWait(Wait):
    """``session.batch.watch_service_jobs(...)`` of five jobs of one queue, one of which the
    queue's listing never shows, with ``give_up_after`` shorter than the client's read
    timeout (`PATIENT`): what ends a call in flight must be the watch."""

    id = "batch.watch_service_jobs"
    config = PATIENT
    #: Two looks (each: two pages of the listing, one job described), so that a restarted
    #: server's lagging replica shows statuses behind those already reported.
    mid_run = 6

    def __init__(self, logs_on_failure: int | None = None) -> None:
        #: With it, each FAILED update carries the last lines of its training job's logs.
        self.logs_on_failure = logs_on_failure
        if logs_on_failure is not None:
            self.id = f"{WatchWait.id}[logs_on_failure]"

    def world(self) -> WatchWorld:
        return WatchWorld() if self.logs_on_failure is None else WatchLogsWorld()

    async def run(self, session: Session, world: WatchWorld, ran: Ran) -> None:
        jobs = [WatchedJob(job, QUEUE) for job in JOURNEYS]
        async with session.batch.watch_service_jobs(
            jobs,
            poll_interval=timing.POLL_INTERVAL,
            give_up_after=timing.WATCH_GIVE_UP,
            logs_on_failure=self.logs_on_failure,
        ) as watch:
            async for update in watch:
                ran.trace.append(update)

    def expect(self, fault: Fault) -> Expectation:
        looks = 2 * len(next(iter(JOURNEYS.values())))
        finishes = timing.WATCH_GIVE_UP + looks * (timing.WATCH_SLOWEST + timing.CALL)
        gives_up = timing.WATCH_GIVE_UP + timing.WATCH_SLOWEST + timing.CALL
        kind = fault.kind
        if kind == "healthy":
            return Finishes(finishes, "a watch ends when every job SUCCEEDED or FAILED")
        if kind == "token_cycle":
            return Raises(
                PaginationError,
                finishes,
                "issue 21: any token seen before in the same listing ends it (watch too)",
                test=lambda error: "handed out before" in str(error),
            )
        if kind in ("endless", "endless_empty"):
            return Raises(
                PaginationError,
                finishes + MAX_PAGES_PER_LOOK * timing.ENDLESS_PAGE,
                f"watching: more than MAX_PAGES_PER_LOOK ({MAX_PAGES_PER_LOOK} here) pages of a "
                "queue in one look",
                test=lambda error: "in one look" in str(error),
            )
        if kind == "never_done":
            return ReaderBound(
                READER_PATIENCE,
                "a watch ends when every job ended, or when you leave (cancelling what is in "
                "flight, nothing left running)",
                patience=READER_PATIENCE,
            )
        if kind in ("outage_short", "5xx_burst", "throttling_burst", "restart"):
            return Finishes(
                finishes,
                "watching: connection failures, 5xx answers and throttling that outlast the "
                "client's retries slow the watch down and it goes on; a status never goes "
                "backwards (a listing that lags behind is ignored)",
            )
        if kind in ("outage_long", "trickle", "stall"):
            return Raises(
                EndpointUnreachable,
                gives_up,
                "watching: give_up_after seconds without an answer from the service, a call in "
                "flight too, naming the endpoint",
                names_endpoint=True,
            )
        if kind in ("5xx_for_good", "throttling_for_good"):
            return Raises(
                EndpointUnreachable,
                gives_up,
                "watching: give_up_after seconds without an answer from the service",
            )
        if kind == "refused":
            return Raises(
                ServiceError,
                finishes,
                "watching: the service refusing the caller (credentials, permissions): that "
                "ServiceError is raised",
            )
        if kind == "credentials":
            return Raises(CredentialsError, finishes, "watching: that CredentialsError is raised")
        if kind == "garbage":
            return Raises(
                MalformedResponseError,
                finishes,
                "README, Errors: a success whose body cannot be read (not a passing failure)",
            )
        raise AssertionError(f"no ending said for fault kind {kind!r}")

    def check_finished(self, ran: Ran, world: WatchWorld) -> None:
        final = {update.job_id: update.status for update in ran.trace}
        assert final == {job: world.final(job) for job in JOURNEYS}, final
        if isinstance(world, WatchLogsWorld):
            assert self.logs_on_failure is not None
            last = world.logs.expected()[-self.logs_on_failure :]
            for update in ran.trace:
                if update.status == "FAILED":
                    assert update.logs is not None, update.logs_unread
                    assert [(line.stream, line.message) for line in update.logs] == last

    def check_always(self, ran: Ran, world: WatchWorld) -> None:
        last: dict[str, ServiceJobUpdate] = {}
        for update in ran.trace:
            assert update.status in JOURNEYS[update.job_id], update
            before = last.get(update.job_id)
            if before is not None:
                assert not before.finished, f"an update after the end: {before} then {update}"
                assert RANK.get(update.status, len(RANK)) >= RANK.get(before.status, len(RANK)), (
                    f"a status went backwards: {before.status} then {update.status}"
                )
            last[update.job_id] = update
            if self.logs_on_failure is not None and update.status == "FAILED":
                assert (update.logs is None) != (update.logs_unread is None), (
                    "a FAILED update has its lines, or why they could not be read"
                )


# ---- log followers ---------------------------------------------------------------------------

#: How many empty pages in a row a follower reads of a stream in one look, here (the
#: library's `training_logs.EMPTY_PAGES` is 50).
FOLLOW_EMPTY_PAGES = 10


class FollowWait(Wait):
    """A training job's logs followed to its end (``follow=True``): ``sagemaker``'s
    ``training_job_logs(name)``, or ``batch``'s ``service_job_logs(job_id)`` (the training
    job found from its service job), with ``give_up_after`` shorter than the client's read
    timeout (`PATIENT`): what ends a call in flight must be the follower."""

    config = PATIENT
    #: The first look (a describe, the streams listed, two streams read to their end) and
    #: part of the second.
    mid_run = 7

    def __init__(self, via: str) -> None:
        self.via = via
        self.id = f"{via}.{'training_job_logs' if via == 'sagemaker' else 'service_job_logs'}"

    def world(self) -> FollowWorld:
        return FollowWorld()

    async def run(self, session: Session, world: FollowWorld, ran: Ran) -> None:
        timings: dict[str, Any] = {
            "follow": True,
            "poll_interval": timing.POLL_INTERVAL,
            "give_up_after": timing.WATCH_GIVE_UP,
        }
        if self.via == "sagemaker":
            logs = session.sagemaker.training_job_logs(TRAINING_JOB, **timings)
        else:
            logs = session.batch.service_job_logs("chaos-service-job", **timings)
        async with logs:
            async for line in logs:
                ran.trace.append(line)

    def expect(self, fault: Fault) -> Expectation:
        looks = FollowWorld.LOOKS + 2  # and the look that sees it ended, and one more
        finishes = timing.WATCH_GIVE_UP + looks * (timing.WATCH_SLOWEST + timing.CALL)
        gives_up = timing.WATCH_GIVE_UP + timing.WATCH_SLOWEST + timing.CALL
        kind = fault.kind
        if kind in ("healthy", "outage_short", "5xx_burst", "throttling_burst", "restart"):
            return Finishes(
                finishes,
                "training_logs: throttling, 5xx answers and lost connections that outlast the "
                "client's retries slow it down; it ends once the job has ended and one more "
                "look found nothing new",
            )
        if kind in ("token_cycle", "endless", "endless_empty"):
            # A stream's tokens: caught up after FOLLOW_EMPTY_PAGES empty pages a look, until
            # the job ends; the streams' listing: PaginationError (a token handed out before,
            # or more than MAX_PAGES_PER_LOOK pages).
            return Ends(
                finishes + looks * FOLLOW_EMPTY_PAGES * timing.ENDLESS_PAGE,
                "issue 21: every wait has an end",
            )
        if kind == "never_done":
            return ReaderBound(
                READER_PATIENCE,
                "training_logs: following goes on until the job has ended; leaving cancels what "
                "is in flight",
                patience=READER_PATIENCE,
            )
        if kind in ("outage_long", "trickle", "stall"):
            return Raises(
                EndpointUnreachable,
                gives_up,
                "training_logs: give_up_after seconds in which no new line was read and no look "
                "got to its end, a call in flight too, naming the endpoint",
                names_endpoint=True,
            )
        if kind in ("5xx_for_good", "throttling_for_good"):
            return Raises(
                EndpointUnreachable,
                gives_up,
                "training_logs: give_up_after seconds in which no new line was read",
            )
        if kind == "refused":
            return Raises(ServiceError, finishes, "training_logs: the service refusing the caller")
        if kind == "credentials":
            return Raises(CredentialsError, finishes, "README, Errors: credentials")
        if kind == "garbage":
            return Raises(
                MalformedResponseError,
                finishes,
                "README, Errors: a success whose body cannot be read (not a passing failure)",
            )
        raise AssertionError(f"no ending said for fault kind {kind!r}")

    def check_finished(self, ran: Ran, world: FollowWorld) -> None:
        read = [(line.stream, line.message) for line in ran.trace]
        assert read == world.expected(), "every line, once, in time order"

    def check_always(self, ran: Ran, world: FollowWorld) -> None:
        read = [(line.stream, line.message) for line in ran.trace]
        assert len(read) == len(set(read)), f"a line read twice: {read}"
        times = [line.timestamp for line in ran.trace]
        assert times == sorted(times), "lines in time order"


# ---- the table ---------------------------------------------------------------------------

WAITS: tuple[Wait, ...] = (
    *(
        ListingWait(listing, mode)
        for listing in LISTINGS
        for mode in (MODES if listing.name in EVERY_WAY else ("pages",))
    ),
    *(WaiterWait(waiting) for waiting in WAITERS),
    BulkWait(),
    WatchWait(),
    WatchWait(logs_on_failure=3),
    FollowWait("sagemaker"),
    FollowWait("batch"),
)
