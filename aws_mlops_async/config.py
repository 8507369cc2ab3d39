"""Client behaviour settings shared by every client of a Session."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from .errors import ConfigurationError

__all__ = ["Config", "RetryMode", "Timeouts"]

RetryMode = Literal["standard", "adaptive"]


class _Unset(enum.Enum):
    """An option not given (where None means something: no limit)."""

    UNSET = "UNSET"


UNSET = _Unset.UNSET


@dataclass(frozen=True)
class Config:
    """Retry, timeout, connection-pool and endpoint-variant settings, checked when created.

    - ``retry_mode``: ``"standard"`` (backoff plus a retry quota) or ``"adaptive"`` (standard
      plus a client-side send rate that falls when the service throttles).
    - ``max_attempts``: attempts per call, the first one included.
    - ``connect_timeout`` / ``read_timeout``: seconds to get a connection / between two reads
      of the response; ``total_timeout``: seconds for one whole attempt; ``call_timeout``:
      seconds for a whole call, retries and back-off included (then `Timeout` is raised).
      ``None`` means no limit.
    - ``max_pool_connections``: open connections the Session keeps at most (all clients share
      them); ignored when you pass your own ``http_session``.
    - ``use_fips_endpoint`` / ``use_dualstack_endpoint``: pick the FIPS or IPv6 endpoints.
    - ``correct_clock_skew``: when a service rejects a request because this host's clock is
      off by 4 minutes or more, sign with the service's time (read from its ``Date`` header)
      from then on, and retry that request once.
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
        if self.retry_mode not in ("standard", "adaptive"):
            raise ConfigurationError(
                f"Config.retry_mode must be 'standard' or 'adaptive', not {self.retry_mode!r}"
            )
        if not (isinstance(self.max_attempts, int) and _is_number(self.max_attempts)):
            raise ConfigurationError("Config.max_attempts must be an int")
        if self.max_attempts < 1:
            raise ConfigurationError(f"Config.max_attempts must be >= 1, not {self.max_attempts}")
        for name in ("connect_timeout", "read_timeout", "total_timeout", "call_timeout"):
            value = getattr(self, name)
            if value is not None and not (_is_number(value) and value > 0):
                raise ConfigurationError(f"Config.{name} must be a positive number or None")
        if not (_is_number(self.max_pool_connections) and self.max_pool_connections >= 1):
            raise ConfigurationError("Config.max_pool_connections must be an int >= 1")
        for name in ("use_fips_endpoint", "use_dualstack_endpoint", "correct_clock_skew"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigurationError(f"Config.{name} must be True or False")


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds one attempt may take, each None for no limit.

    ``connect``: to get a connection; ``read``: to read the whole response once its headers
    came (a body trickling in byte by byte cannot hold an attempt past it); ``total``: the
    whole attempt.
    """

    connect: float | None = None
    read: float | None = None
    total: float | None = None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
