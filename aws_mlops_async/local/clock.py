"""The emulator's clock: real time plus an offset a test can move forward."""

from __future__ import annotations

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

    def now(self) -> float:
        """The emulator's current time, in epoch seconds."""
        return self._wall_at_start + (time.monotonic() - self._monotonic_at_start) + self._offset

    @property
    def offset(self) -> float:
        """Seconds this clock is ahead of real time."""
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward (never back); the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        return self.now()

    def __repr__(self) -> str:
        return f"<Clock offset={self._offset:.3f}s>"
