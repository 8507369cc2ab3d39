"""Client behaviour settings shared by every client of a Session."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from .arguments import flag, one_of, positive_int, positive_number

__all__ = ["Config", "RetryMode", "Timeouts"]

RetryMode = Literal["standard", "adaptive"]

#: The most attempts a call may make (each waits longer than the one before).
MAX_ATTEMPTS = 100
#: The most connections a Session's pool may hold.
MAX_CONNECTIONS = 10_000


class _Unset(enum.Enum):
    """An option not given (where None means something: no limit)."""

    UNSET = "UNSET"


UNSET = _Unset.UNSET


@dataclass(frozen=True)
class Config:
    """Retry, timeout, connection-pool and endpoint-variant settings, checked when created.

    - ``retry_mode``: ``"standard"`` (backoff plus a retry quota) or ``"adaptive"`` (standard
      plus a client-side send rate that falls when the service throttles).
    - ``max_attempts``: attempts per call, the first one included (1 to 100).
    - ``connect_timeout``: seconds to get a connection; ``read_timeout``: seconds to wait for
      a response's headers, and then to read its whole body (a body trickling in cannot hold
      an attempt past it); ``total_timeout``: seconds for one whole attempt;
      ``call_timeout``: seconds for a whole call, retries and back-off included (then
      `Timeout` is raised). Each is a finite number > 0, or ``None`` for no limit.
    - ``max_pool_connections``: open connections the Session keeps at most (all clients share
      them; 1 to 10,000); ignored when you pass your own ``http_session``.
    - ``use_fips_endpoint`` / ``use_dualstack_endpoint``: pick the FIPS or IPv6 endpoints.
    - ``correct_clock_skew``: when a service rejects a request because this host's clock is
      off by 4 minutes or more, sign with the service's time (read from its ``Date`` header)
      from then on, and retry that request once.

    Every value is checked when the Config is made: a ConfigurationError names the first
    that is wrong (a bool is no number, and NaN or infinity no duration).
    """

    retry_mode: RetryMode = "standard"
    max_attempts: int = 3
    connect_timeout: float | None = 60.0
    read_timeout: float | None = 60.0
    total_timeout: float | None = None
    call_timeout: float | None = None
    max_pool_connections: int = 100
    use_fips_endpoint: bool = False
    use_dualstack_endpoint: bool = False
    correct_clock_skew: bool = True

    def __post_init__(self) -> None:
        one_of("Config.retry_mode", self.retry_mode, ("standard", "adaptive"))
        positive_int("Config.max_attempts", self.max_attempts, maximum=MAX_ATTEMPTS)
        for name in ("connect_timeout", "read_timeout", "total_timeout", "call_timeout"):
            positive_number(f"Config.{name}", getattr(self, name), optional=True)
        positive_int(
            "Config.max_pool_connections", self.max_pool_connections, maximum=MAX_CONNECTIONS
        )
        for name in ("use_fips_endpoint", "use_dualstack_endpoint", "correct_clock_skew"):
            flag(f"Config.{name}", getattr(self, name))


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds one attempt may take, each None for no limit.

    ``connect``: to get a connection; ``read``: to wait for the response's headers once the
    request is sent, and then for its whole body (headers or a body trickling in byte by byte
    cannot hold an attempt past it); ``total``: the whole attempt.
    """

    connect: float | None = None
    read: float | None = None
    total: float | None = None
