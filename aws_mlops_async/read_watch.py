"""The sends in flight on a transport, and their read timeouts, kept by one timer.

aiohttp's own read timeout (``sock_read``) arms a timer for every request and again for every
chunk received; on a loop with many requests in flight, those timers' upkeep (a heap of Python
objects) cost about 7% of a call's CPU. Here each send notes when its wait for the peer must
end, and one timer, set for the earliest of them, cancels the sends whose time ran out: their
own cancellation is told from any other by `Watched.expired`.
"""

from __future__ import annotations

import asyncio
import functools
import math
from typing import Any

from .settling import after_settling

__all__ = ["ReadWatch", "Watched"]

#: The cancellation message of a send whose read timeout ran out.
READ_TIMEOUT = "the read timeout ran out"
_EARLY = 0.001  # seconds: a deadline this close has come (no look again a tick later)


class Watched:
    """One send in flight: its task, its read timeout and the deadline of its current wait."""

    __slots__ = ("deadline", "expired", "seconds", "task")

    def __init__(self, task: asyncio.Task[Any], seconds: float | None) -> None:
        self.task = task
        self.seconds = seconds
        self.deadline = math.inf  # no wait for the peer yet (getting a connection is not one)
        #: Whether the watch cancelled the send, its read timeout run out.
        self.expired = False


class ReadWatch:
    """The sends in flight on one event loop's transport, and the one timer ending those whose
    wait for the peer outlasted their read timeout."""

    def __init__(self) -> None:
        self._watched: dict[asyncio.Task[Any], Watched] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf

    def begin(self, task: asyncio.Task[Any], seconds: float | None) -> Watched:
        """Note a send of ``task`` that may wait ``seconds`` for each of the response's
        headers and body (None: for ever)."""
        watched = self._watched[task] = Watched(task, seconds)
        return watched

    def waiting(self, task: asyncio.Task[Any] | None) -> None:
        """``task``'s send waits for the peer from now on (the request sent, or the body due):
        it ends with its read timeout unless the wait ends first."""
        watched = self._watched.get(task) if task is not None else None
        if watched is None or watched.seconds is None:
            return
        loop = asyncio.get_running_loop()
        watched.deadline = deadline = loop.time() + watched.seconds
        if deadline < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = loop.call_at(deadline, self._look)
            self._timer_at = deadline

    def not_waiting(self, task: asyncio.Task[Any] | None) -> None:
        """``task``'s send no longer waits for the peer (its timer may look in vain)."""
        watched = self._watched.get(task) if task is not None else None
        if watched is not None:
            watched.deadline = math.inf

    def end(self, watched: Watched) -> None:
        """The send is over, however it ended."""
        self._watched.pop(watched.task, None)

    def tasks(self) -> list[asyncio.Task[Any]]:
        """The tasks in the middle of a send."""
        return list(self._watched)

    def close(self) -> None:
        """Stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = None, math.inf

    def _look(self) -> None:
        self._timer, self._timer_at = None, math.inf
        loop = asyncio.get_running_loop()
        now = loop.time() + _EARLY  # the loop runs a timer that early
        earliest = math.inf
        late = []
        for watched in self._watched.values():
            if watched.deadline <= now:
                late.append(watched)
            elif watched.deadline < earliest:
                earliest = watched.deadline
        if late:
            # After the answers the loop already holds (a loop held up runs its timers first):
            # one read meanwhile wakes its send first, as data arriving cancels aiohttp's timer.
            after_settling(functools.partial(self._expire, late, now), seconds=0)
        if earliest < math.inf:
            self._timer = loop.call_at(earliest, self._look)
            self._timer_at = earliest

    def _expire(self, late: list[Watched], now: float, held_up: float) -> None:
        for watched in late:
            still_late = watched.deadline <= now and not watched.expired
            if still_late and self._watched.get(watched.task) is watched:
                watched.expired = True
                watched.task.cancel(READ_TIMEOUT)
