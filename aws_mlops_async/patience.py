"""Giving up on a service that answers nothing: how long a long wait (a bulk run, a watch, a
log follower) has gone without an answer, and the watchdog that ends a call in flight once
that reaches ``give_up_after``."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from .arguments import positive_number
from .cancellation import cancelled_by_caller, uncancel
from .errors import EndpointUnreachable, ServiceError, TransportError
from .settling import Suspicion, after_settling

if TYPE_CHECKING:
    from .invoker import Invoker

__all__ = ["Patience"]

T = TypeVar("T")


class Patience:
    """How long a wait has gone without an answer, and giving up after ``give_up_after``
    seconds of it (None: never): between calls (`give_up_if_silent`), from a watchdog while a
    call is in flight (`within`), or from the caller's own watchdog (`silence`,
    `unreachable`), with an `EndpointUnreachable` naming where the requests went."""

    def __init__(self, give_up_after: float | None) -> None:
        positive_number("give_up_after", give_up_after, optional=True)
        self.give_up_after = give_up_after
        self._last_answer = time.monotonic()
        self._last_failure: TransportError | None = None
        self._failing = False  # a request reached no one since the last answer
        #: Whether a request since `reset` had to be retried (throttling, errors).
        self.retried = False

    def answered(self, attempts: int = 1) -> None:
        """Note an answer of the service, and whether it took retries."""
        self._last_answer = time.monotonic()
        self._failing = False
        self.retried = self.retried or attempts > 1

    def retries(self, attempts: int) -> None:
        """Note whether an answer took retries, when answers of that kind alone do not
        keep the wait going (one that got nowhere with the rest)."""
        self.retried = self.retried or attempts > 1

    def failed(self, error: TransportError) -> None:
        """Note a request that reached no one: the last names where the wait gave up."""
        self._last_failure = error
        self._failing = True

    @property
    def failing(self) -> bool:
        """Whether a request reached no one since the last answer (the silence is seen)."""
        return self._failing

    def reset(self) -> None:
        """Start counting the retries of a new round of requests."""
        self.retried = False

    def silence(self, waiting_since: float | None = None) -> float | None:
        """The seconds without an answer once they reached ``give_up_after``, else None:
        counted from the last answer, or from ``waiting_since`` (when the requests waiting
        for one were sent) if that is later."""
        silent = time.monotonic() - self._quiet_since(waiting_since)
        if self.give_up_after is None or silent < self.give_up_after:
            return None
        return silent

    def stale_in(self, waiting_since: float | None = None) -> float:
        """Seconds until the silence so far (as `silence` counts it) reaches
        ``give_up_after`` (inf: never)."""
        if self.give_up_after is None:
            return math.inf
        return self._quiet_since(waiting_since) + self.give_up_after - time.monotonic()

    def _quiet_since(self, waiting_since: float | None) -> float:
        if waiting_since is not None and waiting_since > self._last_answer:
            return waiting_since
        return self._last_answer

    def unreachable(
        self, silent: float, operation: str, client: Invoker | None
    ) -> EndpointUnreachable:
        """The error giving up after ``silent`` seconds on ``operation`` requests to
        ``client``'s endpoint: what the last request that reached no one said, if one did."""
        if self._last_failure is not None:
            return EndpointUnreachable.after(self._last_failure, silent)
        return EndpointUnreachable.silent(
            operation, silent, client.sent_to if client is not None else None
        )

    def give_up_if_silent(self, error: ServiceError | TransportError) -> None:
        """Raise `EndpointUnreachable` once the service gave no answer but failures for
        give_up_after, naming ``error``, the last of them."""
        silent = self.silence()
        if silent is None:
            return
        if isinstance(error, TransportError):
            raise EndpointUnreachable.after(error, silent) from error
        raise EndpointUnreachable.answered_with(error, silent) from error

    async def within(self, call: Awaitable[T], operation: str, client: Invoker | None) -> T:
        """``await call``, given up once it has been in flight ``give_up_after`` seconds
        without an answer (a service that stalls or trickles): a watchdog timer cancels it
        and `EndpointUnreachable` is raised. The client's retries of a call can last far
        longer than a wait means to (``max_attempts`` x ``read_timeout``). Only the call's own
        time counts: not the consumer's, nor a sleep between looks."""
        give_up_after = self.give_up_after
        if give_up_after is None:
            return await call
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        given_up: list[float] = []
        suspicion = Suspicion()  # of a silence seen, looked at again once the loop settled
        watchdog: list[asyncio.Handle] = []  # the one pending look

        def look(held_up: float | None = None) -> None:
            quiet_since = max(self._last_answer, started)
            silent = time.monotonic() - quiet_since
            if silent < give_up_after:  # answers came since: look again when stale
                suspicion.clear()
                stale_in = quiet_since + give_up_after - time.monotonic()
                watchdog[:] = [loop.call_later(stale_in, look)]
            elif suspicion.settle_first(held_up):
                after_settling(look, pending=watchdog)
            else:
                given_up.append(silent)
                task.cancel()

        watchdog.append(loop.call_later(give_up_after, look))
        try:
            return await call
        except asyncio.CancelledError:
            if not given_up:
                raise
            uncancel(task)
            if cancelled_by_caller():  # the caller cancelled too: theirs wins
                raise
            raise self.unreachable(given_up[0], operation, client) from None
        finally:
            for timer in watchdog:
                timer.cancel()
