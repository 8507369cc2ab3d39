"""Every wait and listing of the library, through every fault: each ends as documented.

Each test puts one wait of `chaos_waits.WAITS` (a paginator read one way, a waiter, a bulk
run, a watch) against its healthy service on a scripted loopback server, lets it get under
way, then strikes with one fault of `chaos_faults.FAULTS`, and asserts only the ending the
documentation promises for that kind of fault, within its time bound, with nothing left
behind (no task, no socket; warnings are errors). What always holds is asserted too, however
the wait ended: a bulk run never creates a job twice, a watch's statuses never go backwards.

A pair that does not end as documented is a finding of the library (FINDINGS.md): marked
``xfail(strict=True)`` with its number, so the suite passes now and fails once it is fixed.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import chaos_timing as timing
import pytest
from chaos_faults import FAULTS, KINDS, Fault, FaultCase, Refusal, Trickle, make
from chaos_server import ScriptedServer
from chaos_waits import (
    LISTINGS,
    WAITERS,
    WAITS,
    Ends,
    Expectation,
    FailsJobs,
    Finishes,
    Raises,
    Ran,
    ReaderBound,
    Wait,
)
from chaos_worlds import BulkWorld
from registry import SERVICES
from support import ACCESS_KEY, SECRET_KEY

from aws_mlops_async import (
    AwsError,
    ConnectionFailed,
    ServiceError,
    Session,
    Timeout,
    WaiterError,
)
from aws_mlops_async.pagination import PaginatorSpec
from aws_mlops_async.transport import AiohttpTransport, TransportRequest
from aws_mlops_async.waiters import WaiterSpec

pytestmark = pytest.mark.timeout(30)

#: The pairs that do not end as documented (FINDINGS.md): (wait id, fault id) -> finding.
FINDINGS: dict[tuple[str, str], str] = {}


def _cases() -> list[Any]:
    cases = []
    for wait in WAITS:
        for fault in FAULTS:
            finding = FINDINGS.get((wait.id, fault.id))
            marks = [pytest.mark.xfail(strict=True, reason=finding)] if finding else []
            cases.append(pytest.param(wait, fault, id=f"{wait.id}-{fault.id}", marks=marks))
    return cases


class SteadySession(Session):
    """A Session whose calls back off a steady `timing.BACKOFF` between attempts: the
    client's jitter is random by design, and whether a fault outlasts a call's retries
    must have one answer here. The waits' own clocks (give_up_after, read_timeout, a poll
    interval, a waiter's delay) are left as they are."""

    async def pause(self, seconds: float) -> None:
        await super().pause(timing.BACKOFF)


class TimedTransport:
    """The Session's aiohttp transport, noting how long each attempt took and how it ended."""

    def __init__(self) -> None:
        self.inner = AiohttpTransport()
        self.attempts: list[tuple[float, BaseException | int]] = []
        #: When each attempt was sent (time.monotonic()).
        self.sent: list[float] = []

    async def send(self, request: TransportRequest, timeouts: Any) -> Any:
        started = time.monotonic()
        self.sent.append(started)
        try:
            response = await self.inner.send(request, timeouts)
        except BaseException as error:
            self.attempts.append((time.monotonic() - started, error))
            raise
        self.attempts.append((time.monotonic() - started, response.status))
        return response

    async def close(self) -> None:
        await self.inner.close()


def _sockets() -> set[str]:
    """This process's open sockets (Linux), by inode."""
    fds = "/proc/self/fd"
    if not os.path.isdir(fds):  # pragma: no cover
        return set()
    found = set()
    for fd in os.listdir(fds):
        try:
            target = os.readlink(f"{fds}/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def _bound(expected: Expectation) -> float:
    if isinstance(expected, Ends):  # no end is documented: the time to find one, as it is
        return expected.within
    return expected.within + timing.SLACK


async def _drive(
    wait: Wait, fault: Fault, world: Any
) -> tuple[Ran, ScriptedServer, TimedTransport]:
    ran = Ran()
    transport = TimedTransport()
    async with ScriptedServer(world, fault) as server:
        session = SteadySession(
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=server.url,
            config=wait.config,
            transport=transport,
        )
        fault.install(session)
        expected = wait.expect(fault)
        patience = expected.patience if isinstance(expected, ReaderBound) else None
        started = time.monotonic()
        try:
            async with session:
                await asyncio.wait_for(wait.run(session, world, ran), patience or _bound(expected))
        except asyncio.TimeoutError:
            if patience is None:
                ran.hung = True
            else:  # the reader gave up waiting, and cancelled
                ran.stopped_reading_at = time.monotonic()
        except AwsError as error:
            ran.error = error
        finally:
            ran.elapsed = time.monotonic() - started
            await transport.close()
        if isinstance(expected, ReaderBound) and ran.stopped_reading_at is not None:
            await asyncio.sleep(4 * timing.BACKOFF)  # anything still sent would arrive now
    return ran, server, transport


@pytest.mark.parametrize(("wait", "case"), _cases())
@pytest.mark.usefixtures("steady_bulk_backoff", "small_listing_bounds")
async def test_a_wait_ends_as_documented(wait: Wait, case: FaultCase) -> None:
    sockets = _sockets()
    fault = make(case, wait.mid_run)
    world = wait.world()
    expected = wait.expect(fault)

    ran, server, transport = await _drive(wait, fault, world)

    # Nothing left behind.
    for _ in range(10):
        await asyncio.sleep(0)
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not left, f"tasks left running: {left}"
    deadline = time.monotonic() + 1.0
    while _sockets() - sockets and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert not _sockets() - sockets, "sockets left open"

    wait.check_always(ran, world)
    assert not ran.hung, (
        f"{wait.id} did not end under {case.id} ({expected.why}) within its bound: cancelled "
        f"after {ran.elapsed:.1f} s"
    )
    assert ran.elapsed <= _bound(expected), (
        f"{wait.id} took {ran.elapsed:.2f} s under {case.id}, past its bound of "
        f"{_bound(expected):.2f} s"
    )
    assert fault.kind == "healthy" or fault.struck_at is not None, "the wait met the fault"
    read_timeout = wait.config.read_timeout
    assert read_timeout is not None
    if fault.kind in ("trickle", "stall"):
        # Config.read_timeout bounds each attempt: the headers' wait, then the whole body.
        timed_out = [held for held, end in transport.attempts if isinstance(end, Timeout)]
        assert timed_out or read_timeout >= ran.elapsed, "an attempt ran into its read timeout"
        assert max(timed_out, default=0) <= read_timeout + timing.SLACK, timed_out
    if isinstance(fault, Trickle):
        assert fault.held, "a body trickled"
        assert max(fault.held) <= read_timeout + timing.SLACK, fault.held
    _judge(expected, ran, wait, world, fault, server, transport)


def _judge(
    expected: Expectation,
    ran: Ran,
    wait: Wait,
    world: Any,
    fault: Fault,
    server: ScriptedServer,
    transport: TimedTransport,
) -> None:
    why = f"documented: {expected.why}"
    if isinstance(expected, Finishes):
        assert ran.error is None, f"{why}; ended with {ran.error!r}"
        wait.check_finished(ran, world)
    elif isinstance(expected, Raises):
        error = ran.error
        assert error is not None, f"{why}; ended without an error"
        if expected.wrapped:
            assert isinstance(error, WaiterError), f"{why}; ended with {ran.error!r}"
            error = error.last_response
        assert isinstance(error, expected.error), f"{why}; ended with {ran.error!r}"
        if expected.not_a is not None:
            assert not isinstance(error, expected.not_a), f"{why}; ended with {ran.error!r}"
        if isinstance(fault, Refusal):
            assert isinstance(error, ServiceError) and error.code == fault.code, error
        if expected.test is not None:
            assert expected.test(error), f"{why}; ended with {ran.error!r}"
        if expected.names_endpoint:
            endpoint = f"127.0.0.1:{server.port}"
            assert isinstance(error, ConnectionFailed) and error.endpoint == endpoint, error
            assert endpoint in str(error), error
    elif isinstance(expected, FailsJobs):
        assert ran.error is None, f"{why}; the run ended with {ran.error!r}"
        assert isinstance(world, BulkWorld)
        assert sorted(o.index for o in ran.trace) == list(range(len(ran.trace)))
        failed = [o.error for o in ran.trace if not o.ok]
        assert len(ran.trace) - len(failed) <= wait.mid_run, (
            "only jobs before the fault got through"
        )
        assert failed, "the fault was met"
        assert all(expected.test(error) for error in failed), failed
        if isinstance(fault, Refusal):
            assert all(getattr(error, "code", None) == fault.code for error in failed), failed
    elif isinstance(expected, ReaderBound):
        assert ran.error is None, f"{why}; ended with {ran.error!r}"
        assert ran.stopped_reading_at is not None, "it ended by itself"
        late = [sent for sent in transport.sent if sent > ran.stopped_reading_at]
        assert not late, f"{len(late)} requests sent after the reader stopped"
    elif isinstance(expected, Ends):
        assert ran.error is None or isinstance(ran.error, AwsError)
    else:  # pragma: no cover
        raise AssertionError(expected)


# ---- the tables cover everything ---------------------------------------------------------


def _generated(kind: type) -> set[tuple[str, str]]:
    import importlib

    found = set()
    for service in SERVICES:
        operations = importlib.import_module(f"aws_mlops_async.services.{service.name}.operations")
        for value in vars(operations).values():
            if isinstance(value, PaginatorSpec) and kind is PaginatorSpec:
                found.add((service.name, value.operation.method))
            if isinstance(value, WaiterSpec) and kind is WaiterSpec:
                name = "".join(f"_{c.lower()}" if c.isupper() else c for c in value.name)
                found.add((service.name, name.lstrip("_")))
    return found


def test_every_paginator_of_the_library_is_a_listing_of_the_suite() -> None:
    assert {(listing.service, listing.name) for listing in LISTINGS} == _generated(PaginatorSpec)


def test_every_waiter_of_the_library_is_a_wait_of_the_suite() -> None:
    assert {(waiting.service, waiting.name) for waiting in WAITERS} == _generated(WaiterSpec)


@pytest.mark.parametrize("wait", WAITS, ids=str)
def test_every_wait_says_how_it_ends_under_every_kind_of_fault(wait: Wait) -> None:
    for case in FAULTS:
        wait.expect(make(case, wait.mid_run))
    assert {make(case, 0).kind for case in FAULTS} == KINDS


def test_every_finding_names_a_pair_of_the_suite() -> None:
    pairs = {(wait.id, case.id) for wait in WAITS for case in FAULTS}
    assert set(FINDINGS) <= pairs
