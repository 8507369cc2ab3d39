"""One generic waiter: poll an operation until an acceptor says success or failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from .arguments import positive_int, positive_number
from .errors import ServiceError, WaiterError

__all__ = ["Acceptor", "Waiter", "WaiterSpec"]

ResponseT = TypeVar("ResponseT")

logger = logging.getLogger("aws_mlops_async")

#: The longest a waiter waits between two polls, in seconds (a day).
MAX_DELAY = 86_400.0


def _resolve(response: object | None, path: str) -> object | None:
    for name in path.split("."):
        response = getattr(response, name, None)
    return response


#: Where a resource says why it ended as it did, beside its status.
_REASONS = ("status_reason", "failure_reason", "status_message", "error_message")


def _failure(acceptor: Acceptor, response: object | None, error: ServiceError | None) -> str:
    """What the failure state was, and why, as the resource says."""
    if error is not None:
        return f"reached failure state {error.code!r}: {error.message}"
    path = acceptor.path or ""
    seen = _resolve(response, path)
    holder = _resolve(response, path.rpartition(".")[0]) if "." in path else response
    reason = next((getattr(holder, name) for name in _REASONS if getattr(holder, name, None)), None)
    return f"reached failure state {seen!r}" + (f": {reason}" if reason else "")


@dataclass(frozen=True)
class Acceptor:
    """One rule of a waiter: when ``path`` of the response (dotted attributes) or, without a
    path, the error code is one of ``expected``, the waiter's state becomes ``state``."""

    state: Literal["success", "failure", "retry"]
    expected: Collection[str]
    path: str | None = None

    def matches(self, response: object | None, error: ServiceError | None) -> bool:
        """Whether this acceptor applies to the response or error of one poll."""
        if self.path is None:
            return error is not None and error.code in self.expected
        return response is not None and _resolve(response, self.path) in self.expected


@dataclass(frozen=True)
class WaiterSpec:
    """A waiter's acceptors and its default polling delay (seconds) and attempts."""

    name: str
    acceptors: tuple[Acceptor, ...]
    delay: float
    max_attempts: int


class Waiter(Generic[ResponseT]):
    """Base of the typed waiters ``client.get_waiter(name)`` returns."""

    def __init__(self, spec: WaiterSpec) -> None:
        self.spec = spec

    async def _wait_for_state(
        self,
        poll: Callable[[], Awaitable[ResponseT]],
        delay: float | None,
        max_attempts: int | None,
    ) -> ResponseT:
        """`_wait` for waiters whose success is a response state, never an error."""
        response = await self._wait(poll, delay, max_attempts)
        if response is None:  # pragma: no cover - only error acceptors succeed without one
            raise AssertionError(f"waiter {self.spec.name} succeeded without a response")
        return response

    async def _wait(
        self,
        poll: Callable[[], Awaitable[ResponseT]],
        delay: float | None,
        max_attempts: int | None,
    ) -> ResponseT | None:
        spec = self.spec
        delay = positive_number("delay", spec.delay if delay is None else delay, maximum=MAX_DELAY)
        attempts = positive_int(
            "max_attempts", spec.max_attempts if max_attempts is None else max_attempts
        )
        last: Any = None
        for attempt in range(1, attempts + 1):
            response: ResponseT | None = None
            error: ServiceError | None = None
            try:
                response = await poll()
                last = response
            except ServiceError as exc:
                error = exc
                last = exc
            acceptor = next((a for a in spec.acceptors if a.matches(response, error)), None)
            state = acceptor.state if acceptor else ("retry" if error is None else None)
            logger.debug("waiter %s attempt %d: %s", spec.name, attempt, state or "error")
            if state == "success":
                return response
            if state == "failure":
                assert acceptor is not None
                raise WaiterError(spec.name, _failure(acceptor, response, error), last)
            if state is None:
                assert error is not None
                raise WaiterError(
                    spec.name, f"unexpected error {error.code}: {error.message}", error
                )
            if attempt < attempts:
                await asyncio.sleep(delay)
        raise WaiterError(spec.name, f"still not done after {attempts} attempts", last)
