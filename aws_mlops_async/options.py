"""How a client makes its calls: the retry policy (attempts, mode, quota, rate) and timeouts."""

from __future__ import annotations

from dataclasses import dataclass, replace

import aiohttp

from .config import Config
from .retries import RetryPolicy

__all__ = ["CallOptions"]


@dataclass(frozen=True)
class CallOptions:
    """The options every call of a client is made with; a bulk run gives its calls its own."""

    #: Attempts allowed, retry mode, and the retry quota and rate limiter they share.
    retry: RetryPolicy
    #: Seconds to connect, between two reads, and for a whole attempt.
    timeout: aiohttp.ClientTimeout

    @classmethod
    def from_config(cls, config: Config) -> CallOptions:
        """Options as ``config`` sets them, with a retry quota (and limiter) of their own."""
        return cls(
            retry=RetryPolicy.from_config(config),
            timeout=aiohttp.ClientTimeout(
                total=config.total_timeout,
                sock_connect=config.connect_timeout,
                sock_read=config.read_timeout,
            ),
        )

    def with_retry(self, retry: RetryPolicy) -> CallOptions:
        """These options with another retry policy."""
        return replace(self, retry=retry)
