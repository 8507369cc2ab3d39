"""Retries as the AWS SDKs do them (the 2026 standard behaviour, as botocore implements it).

- Retried: throttling error codes (and HTTP 429), transient codes, HTTP 500/502/503/504,
  connection failures and timeouts. Never other 4xx, never an exception of our own.
- Backoff: full jitter, ``rand() * min(base * 2**(attempt-1), 20 s)``, base 1 s after
  throttling and 50 ms otherwise; an ``x-amz-retry-after`` header (ms) is honoured within
  ``[backoff, backoff + 5 s]``.
- Retry quota: 500 tokens per client; a retry costs 14 (5 after throttling); a success gives
  back what its retry took, or 1 when it needed none. An empty quota fails fast.
- Adaptive mode adds botocore's CUBIC client-side rate limiter, which waits with
  ``asyncio.sleep`` and never blocks the loop.

A request refused for its signing time is not this module's: signing corrects the clock and
signs it again (`signing.SigningClock`).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from asyncio import sleep
from collections.abc import Callable
from dataclasses import dataclass

from .config import Config
from .errors import ServiceError, TransportError

__all__ = [
    "THROTTLING_CODES",
    "TRANSIENT_CODES",
    "TRANSIENT_STATUS_CODES",
    "ClientRateLimiter",
    "RetryDecision",
    "RetryPolicy",
    "RetryQuota",
    "backoff_delay",
    "classify",
    "is_throttling",
    "is_transient",
    "sleep",
]

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
TRANSIENT_STATUS_CODES = frozenset({500, 502, 503, 504})

_MAX_BACKOFF = 20.0
_THROTTLING_BASE = 1.0
_TRANSIENT_BASE = 0.05
_RETRY_AFTER_EXTRA = 5.0


def is_throttling(code: str, status: int) -> bool:
    """Whether an error response means the caller is sending too fast."""
    return code in THROTTLING_CODES or status == 429


def is_transient(code: str, status: int) -> bool:
    """Whether an error response is a passing server-side fault worth another attempt."""
    return code in TRANSIENT_CODES or status in TRANSIENT_STATUS_CODES


def classify(code: str, status: int) -> tuple[bool, bool]:
    """Whether an error response is worth another attempt, and whether it is throttling."""
    throttling = is_throttling(code, status)
    return throttling or is_transient(code, status), throttling


def backoff_delay(
    attempt: int,
    *,
    throttling: bool,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    base = _THROTTLING_BASE if throttling else _TRANSIENT_BASE
    delay = rand() * min(math.ldexp(base, attempt - 1), _MAX_BACKOFF)
    if retry_after is not None:
        return max(delay, min(retry_after, delay + _RETRY_AFTER_EXTRA))
    return delay


class RetryQuota:
    """The token bucket that stops retries during an outage (one per client)."""

    capacity = 500
    retry_cost = 14
    throttling_retry_cost = 5
    success_increment = 1

    def __init__(self) -> None:
        self.available = self.capacity

    def acquire(self, *, throttling: bool) -> int:
        """Take the cost of one retry; the tokens taken, or 0 when the quota is spent."""
        cost = self.throttling_retry_cost if throttling else self.retry_cost
        if cost > self.available:
            return 0
        self.available -= cost
        return cost

    def release(self, acquired: int) -> None:
        """Give back after a success: what its last retry took, or 1 when it was not retried."""
        self.available = min(self.capacity, self.available + (acquired or self.success_increment))


class _CubicCalculator:
    # botocore.retries.throttling.CubicCalculator
    _SCALE = 0.4
    _BETA = 0.7

    def __init__(self, start_time: float) -> None:
        self._w_max = 0.0
        self._k = 0.0
        self._last_fail = start_time

    def success_received(self, now: float) -> float:
        return self._SCALE * (now - self._last_fail - self._k) ** 3 + self._w_max

    def recovering(self, now: float) -> bool:
        """Whether the rate is still climbing back to where the last cut found it."""
        return now - self._last_fail < self._k

    def error_received(self, current_rate: float, now: float) -> float:
        self._w_max = current_rate
        self._k = (self._w_max * (1 - self._BETA) / self._SCALE) ** (1 / 3)
        self._last_fail = now
        return current_rate * self._BETA


class _RateClocker:
    # botocore.retries.adaptive.RateClocker: requests per second, smoothed per half second.
    _SMOOTHING = 0.8
    _BUCKETS_PER_SECOND = 2

    def __init__(self, now: float) -> None:
        self.measured_rate = 0.0
        self.first_record: float | None = None
        self._last_bucket = float(math.floor(now))
        self._count = 0

    def record(self, now: float) -> float:
        if self.first_record is None:
            self.first_record = now
        bucket = math.floor(now * self._BUCKETS_PER_SECOND) / self._BUCKETS_PER_SECOND
        self._count += 1
        if bucket > self._last_bucket:
            current = self._count / (bucket - self._last_bucket)
            self.measured_rate = current * self._SMOOTHING + self.measured_rate * (
                1 - self._SMOOTHING
            )
            self._count = 0
            self._last_bucket = bucket
        return self.measured_rate


class _TokenBucket:
    # botocore.retries.bucket.TokenBucket, as tickets: a caller that finds no token takes a
    # numbered ticket and waits until the bucket has produced that many tokens, so waiters
    # queue in order without a lock and a rate change reaches those already waiting. The
    # adaptive rate never falls below botocore's floor of 0.5/s; a ceiling a caller sets
    # holds as given.

    def __init__(self, clock: Callable[[], float], *, floor: float = 0.5) -> None:
        self._clock = clock
        self._floor = floor
        self._issued = 0.0  # tickets handed out so far
        self._produced = 0.0  # tokens produced so far, at most `capacity` ahead of `_issued`
        self._stamp: float | None = None
        self._rate = 1.0
        self._capacity = 1.0

    @property
    def max_rate(self) -> float:
        return self._rate

    @max_rate.setter
    def max_rate(self, value: float) -> None:
        self._refill()
        self._rate = max(value, self._floor)
        self._capacity = max(value, 1.0)
        self._produced = min(self._produced, self._issued + self._capacity)

    def take_ticket(self) -> float:
        """A place in line for the next token."""
        self._refill()
        self._issued += 1
        return self._issued

    def wait_for(self, ticket: float) -> float:
        """Seconds until ``ticket``'s token exists at the current rate (0 when it does)."""
        self._refill()
        return max(0.0, (ticket - self._produced) / self._rate)

    def give_back(self) -> None:
        self._produced += 1

    def _refill(self) -> None:
        now = self._clock()
        if self._stamp is not None:
            produced = self._produced + (now - self._stamp) * self._rate
            self._produced = min(self._issued + self._capacity, produced)
        self._stamp = now


class ClientRateLimiter:
    """botocore's adaptive client-side rate limiter: a CUBIC send rate, on after a throttle.

    ``max_rate`` adds a fixed ceiling (requests per second) that holds from the start.
    ``tolerant`` (for bulk runs) ignores throttles while the rate is still climbing back after
    a cut, so errors that do not depend on the rate (a service throttling a fixed share of
    requests) cannot grind it down to nothing, while errors that do depend on it come back
    once the rate is where it was cut, and cut it again. It also ignores throttles during its
    first second, where botocore would cut from a barely measured rate to a crawl.
    """

    _MAX_RATE_ADJUST_SCALE = 2.0
    _RECHECK_EVERY = 0.1  # seconds
    _WARM_UP = 1.0  # seconds of traffic a tolerant limiter measures before it cuts

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_rate: float | None = None,
        tolerant: bool = False,
    ) -> None:
        self._clock = clock
        now = clock()
        self._cubic = _CubicCalculator(now)
        self._clocker = _RateClocker(now)
        self._bucket = _TokenBucket(clock)
        self._ceiling: _TokenBucket | None = None
        if max_rate is not None:
            self._ceiling = _TokenBucket(clock, floor=0.0)
            self._ceiling.max_rate = max_rate
        self._tolerant = tolerant
        self.enabled = False

    @property
    def send_rate(self) -> float | None:
        """Requests per second allowed now, or None while nothing limits the rate."""
        rates = [bucket.max_rate for bucket in self._active_buckets()]
        return min(rates) if rates else None

    async def acquire(self) -> None:
        """Wait (without blocking the loop) until the next request may be sent."""
        buckets = self._active_buckets()
        if not buckets:
            return
        tickets = [(bucket, bucket.take_ticket()) for bucket in buckets]
        try:
            while True:
                delay = max(bucket.wait_for(ticket) for bucket, ticket in tickets)
                if delay <= 0:
                    return
                # Wake now and then: the rate may have grown since the wait was measured.
                await sleep(min(delay, self._RECHECK_EVERY))
        except asyncio.CancelledError:
            for bucket, _ in tickets:
                bucket.give_back()
            raise

    def on_response(self, *, throttled: bool) -> None:
        """Feed one response (or failure) in; throttling cuts the rate, success grows it back."""
        now = self._clock()
        measured = self._clocker.record(now)
        warming_up = now - (self._clocker.first_record or now) < self._WARM_UP
        if self._tolerant and (warming_up or self._cubic.recovering(now)):
            throttled = False
        if throttled:
            rate = measured if not self.enabled else min(measured, self._bucket.max_rate)
            new_rate = self._cubic.error_received(rate, now)
            self.enabled = True
        elif not self.enabled:
            return  # only the measured rate matters until the first throttle sets one
        else:
            new_rate = self._cubic.success_received(now)
        self._bucket.max_rate = min(new_rate, self._MAX_RATE_ADJUST_SCALE * measured)

    def _active_buckets(self) -> list[_TokenBucket]:
        buckets = [self._bucket] if self.enabled else []
        if self._ceiling is not None:
            buckets.append(self._ceiling)
        return buckets


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """What to do after a failed attempt: retry after ``delay`` seconds, or give up; and why."""

    retry: bool
    reason: str
    delay: float = 0.0
    #: Retry-quota tokens the retry took, given back when the call succeeds.
    quota_taken: int = 0


class RetryPolicy:
    """A client's retry state: attempts allowed, retry quota and (adaptive mode) rate limiter.

    After each failed attempt the dispatcher asks `decide`, which books the failure (quota,
    limiter) and answers with a `RetryDecision`; once a call gets its answer it calls
    `succeeded`.
    """

    def __init__(
        self,
        *,
        max_attempts: int = 3,
        retry_mode: str = "standard",
        limiter: ClientRateLimiter | None = None,
    ) -> None:
        self.max_attempts = max_attempts
        self.retry_mode = retry_mode
        self.quota = RetryQuota()
        if limiter is None and retry_mode == "adaptive":
            limiter = ClientRateLimiter()
        self.limiter = limiter
        #: The jitter source, uniform in [0, 1).
        self.rand: Callable[[], float] = random.random

    @classmethod
    def from_config(cls, config: Config) -> RetryPolicy:
        """The policy ``config`` asks for, with a quota and limiter of its own."""
        return cls(max_attempts=config.max_attempts, retry_mode=config.retry_mode)

    def decide(self, error: ServiceError | TransportError, attempt: int) -> RetryDecision:
        """Whether to try again after failed attempt number ``attempt`` (1-based) and when."""
        if self.limiter is not None:
            self.limiter.on_response(throttled=error.throttling)
        if not error.retryable:
            return RetryDecision(False, "not a retryable error")
        if attempt >= self.max_attempts:
            return RetryDecision(False, f"{self.max_attempts} attempts made")
        taken = self.quota.acquire(throttling=error.throttling)
        if not taken:
            return RetryDecision(False, "the retry quota is spent")
        retry_after = error.retry_after if isinstance(error, ServiceError) else None
        delay = backoff_delay(
            attempt, throttling=error.throttling, retry_after=retry_after, rand=self.rand
        )
        reason = "throttled" if error.throttling else "a transient failure"
        return RetryDecision(True, reason, delay, taken)

    def succeeded(self, quota_taken: int) -> None:
        """Book a call's success: refund its last retry's tokens and tell the limiter."""
        if self.limiter is not None:
            self.limiter.on_response(throttled=False)
        if quota_taken or self.quota.available < self.quota.capacity:
            self.quota.release(quota_taken)
