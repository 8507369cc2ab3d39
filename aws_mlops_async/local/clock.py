"""The emulator's clock: real time plus an offset a test can move forward."""

from __future__ import annotations

import math
import time

__all__ = ["Clock"]


class Clock:
    """Epoch seconds that follow the monotonic clock from the moment of creation, plus an
    offset; every state machine of the emulator reads it, so `advance` fast-forwards them all.
    """

    def __init__(self, offset: float = 0.0) -> None:
        self._wall_at_start = time.time()
        self._monotonic_at_start = time.monotonic()
        self._offset = offset
        self._held_at: float | None = None  # the monotonic time the clock was held at

    def now(self) -> float:
        """The emulator's current time, in epoch seconds."""
        following = time.monotonic() if self._held_at is None else self._held_at
        return self._wall_at_start + (following - self._monotonic_at_start) + self._offset

    @property
    def held(self) -> bool:
        """Whether the clock stands still (`hold`) until `release`."""
        return self._held_at is not None

    def hold(self) -> None:
        """Stop the clock where it stands: until `release`, only `advance` moves it, so a job
        is in the same status from one call to the next however slow the machine is."""
        if self._held_at is None:
            self._held_at = time.monotonic()

    def release(self) -> None:
        """Let the clock follow real time again, from where it stands."""
        if self._held_at is not None:
            self._monotonic_at_start += time.monotonic() - self._held_at
            self._held_at = None

    @property
    def offset(self) -> float:
        """Seconds this clock is ahead of real time."""
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward (never back); the new time."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"advance takes seconds, a number, not {type(seconds).__name__}")
        if not math.isfinite(seconds):
            raise ValueError(f"advance takes a finite number of seconds, not {seconds}")
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        return self.now()

    def __repr__(self) -> str:
        return f"<Clock offset={self._offset:.3f}s{' held' if self.held else ''}>"
