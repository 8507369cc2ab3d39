"""A watchdog that finds a silence lets the loop read what it already holds first.

A loop held up (a blocking call, a long garbage collection, a busy machine) runs its overdue
timers in its first turn after, before it reads the answers that came in meanwhile and before
the tasks those answers wake: a watchdog acting in that turn would end calls whose answers are
there. Each looks again once the loop has run a few turns (and, for a give-up, a moment) more.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

__all__ = [
    "FEWEST_TURNS",
    "HELD_UP",
    "MOST_SETTLINGS",
    "SETTLE_SECONDS",
    "SETTLE_TURNS",
    "SETTLE_TURNS_FOR",
    "Suspicion",
    "after_settling",
]

#: Loop turns that read an answer waiting in a socket and wake what waits for it, a server
#: in the same loop writing it included, with room to spare ...
SETTLE_TURNS = 20
#: ... or, on a loop whose turns are slow (a task blocking it a while at each step), the
#: turns that take this long, at least `FEWEST_TURNS` of them.
SETTLE_TURNS_FOR = 0.1
FEWEST_TURNS = 5
#: The moment a give-up (bulk runs, watches, followers) also waits: a loop stalled again
#: during the turns gets that much running time more.
SETTLE_SECONDS = 0.05
#: Seconds past its due time a settling's first turn came: the loop was held up meanwhile
#: (a give-up then settles again: the answers that came in during that are not read yet).
HELD_UP = 0.1


def after_settling(
    callback: Callable[[float], object],
    *,
    seconds: float = SETTLE_SECONDS,
    pending: list[asyncio.Handle] | None = None,
) -> None:
    """Call ``callback(held_up)`` once the loop has run ``seconds`` and `SETTLE_TURNS` turns
    more (or `FEWEST_TURNS`, when they took `SETTLE_TURNS_FOR`), ``held_up`` the seconds its
    first turn came late; ``pending`` (if given) holds the one handle that cancels it."""
    loop = asyncio.get_running_loop()
    held = pending if pending is not None else []
    due = loop.time() + seconds
    until = math.inf
    held_up = 0.0

    def turn(turned: int) -> None:
        nonlocal until, held_up
        if turned == 0:
            now = loop.time()
            held_up = max(now - due, 0.0)
            until = now + SETTLE_TURNS_FOR
        if turned < SETTLE_TURNS and (turned < FEWEST_TURNS or loop.time() < until):
            held[:] = [loop.call_soon(turn, turned + 1)]
        else:
            held.clear()
            callback(held_up)

    if seconds:
        held[:] = [loop.call_later(seconds, turn, 0)]
    else:
        held[:] = [loop.call_soon(turn, 0)]


#: The most settlings in a row a give-up waits through, the loop held up in each.
MOST_SETTLINGS = 4


class Suspicion:
    """A give-up watchdog's belief in a silence it saw: looked at again once the loop has
    settled, and again while the loop was held up in that settling (the answers of that
    while are not read yet), `MOST_SETTLINGS` times at most in a row."""

    __slots__ = ("_settlings",)

    def __init__(self) -> None:
        self._settlings = 0

    def clear(self) -> None:
        """The silence is over."""
        self._settlings = 0

    def settle_first(self, held_up: float | None) -> bool:
        """Whether a silence seen now is to be looked at again after settling, rather than
        believed; ``held_up``: that of the settling this look ends (None: a timer's look)."""
        if self._settlings and (held_up is None or held_up <= HELD_UP):
            return False
        if self._settlings >= MOST_SETTLINGS:
            return False
        self._settlings += 1
        return True
