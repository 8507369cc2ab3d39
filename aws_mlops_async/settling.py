"""A watchdog that finds a silence lets the loop read what it already holds first.

A loop held up (a blocking call, a long garbage collection, a busy machine) runs its overdue
timers in its first turn after, before it reads the answers that came in meanwhile and before
the tasks those answers wake: a watchdog acting in that turn would end calls whose answers are
there. Each looks again once the loop has run a few turns (and, for a give-up, a moment) more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["SETTLE_SECONDS", "SETTLE_TURNS", "after_settling"]

#: Loop turns that read an answer waiting in a socket and wake what waits for it, a server
#: in the same loop writing it included, with room to spare.
SETTLE_TURNS = 20
#: The moment a give-up (bulk runs, watches, followers) also waits: a loop stalled again
#: during the turns gets that much running time more.
SETTLE_SECONDS = 0.05


def after_settling(
    callback: Callable[[], object],
    *,
    seconds: float = SETTLE_SECONDS,
    pending: list[asyncio.Handle] | None = None,
) -> None:
    """Call ``callback`` once the loop has run ``seconds`` and `SETTLE_TURNS` turns more;
    ``pending`` (if given) holds the one handle that cancels it at any time."""
    loop = asyncio.get_running_loop()
    held = pending if pending is not None else []

    def turn(left: int) -> None:
        if left:
            held[:] = [loop.call_soon(turn, left - 1)]
        else:
            held.clear()
            callback()

    held[:] = [
        loop.call_later(seconds, turn, SETTLE_TURNS)
        if seconds
        else loop.call_soon(turn, SETTLE_TURNS)
    ]
