"""How a client makes its calls: the retry policy (attempts, mode, quota, rate), timeouts and
interceptors."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .config import Config, Timeouts
from .interceptors import Hooks
from .retries import RetryPolicy

__all__ = ["CallOptions"]


@dataclass(frozen=True)
class CallOptions:
    """The options every call of a client is made with; a bulk run gives its calls its own."""

    #: Attempts allowed, retry mode, and the retry quota and rate limiter they share.
    retry: RetryPolicy
    #: Seconds to connect, to read a response, and for a whole attempt.
    timeouts: Timeouts
    #: Seconds for a whole call, retries and back-off included; None: no limit.
    call_timeout: float | None
    #: The interceptors' hooks, in the order they run.
    hooks: Hooks
    #: Whether calls run under hooks or a call timeout (else the plain, fastest path).
    observed: bool = field(init=False)

    def __post_init__(self) -> None:
        observed = bool(self.hooks) or self.call_timeout is not None
        object.__setattr__(self, "observed", observed)

    @classmethod
    def from_config(cls, config: Config, interceptors: tuple[Any, ...] = ()) -> CallOptions:
        """Options as ``config`` sets them, with a retry quota (and limiter) of their own."""
        return cls(
            retry=RetryPolicy.from_config(config),
            timeouts=Timeouts(
                connect=config.connect_timeout,
                read=config.read_timeout,
                total=config.total_timeout,
            ),
            call_timeout=config.call_timeout,
            hooks=Hooks(interceptors),
        )

    def with_retry(self, retry: RetryPolicy) -> CallOptions:
        """These options with another retry policy."""
        return replace(self, retry=retry)
