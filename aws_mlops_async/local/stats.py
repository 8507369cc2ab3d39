"""What the emulator received, created and replayed, and how many requests it held at once."""

from __future__ import annotations

from collections import Counter

__all__ = ["Stats"]


class Stats:
    """Counters a test asserts on: nothing created twice, concurrency bounds held.

    ``received`` counts requests per operation (every attempt, faults included), ``created``
    resources per kind (``image``, ``image_version``, ``training_job``, ``service_job``,
    ``notebook_run``, ``model_packaging_job``...), ``replayed`` the requests per operation
    answered from an earlier one with the same client token, ``faults`` the faults injected per
    kind (``job_failure`` counting the training jobs failed on purpose), ``errors`` the error
    responses per code. ``in_flight`` is the number of requests being handled now and
    ``peak_in_flight`` its highest value since the last `reset`.
    """

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self.created: Counter[str] = Counter()
        self.replayed: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.in_flight = 0
        self.peak_in_flight = 0

    def reset(self) -> None:
        """Zero every counter; the peak restarts from the requests in flight now."""
        for counter in (self.received, self.created, self.replayed, self.faults, self.errors):
            counter.clear()
        self.peak_in_flight = self.in_flight

    def enter(self) -> None:
        """Book a request that starts being handled."""
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        """Book a request that is done (answered, failed or dropped)."""
        self.in_flight -= 1

    def __repr__(self) -> str:
        return (
            f"<Stats received={sum(self.received.values())} "
            f"created={dict(self.created)} replayed={sum(self.replayed.values())} "
            f"peak_in_flight={self.peak_in_flight}>"
        )
