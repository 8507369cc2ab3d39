"""The client-side rate limiter: botocore's CUBIC behaviour, and the tolerant bulk variant."""

from __future__ import annotations

import random

from aws_mlops_async.retries import ClientRateLimiter


def drive(limiter: ClientRateLimiter, clock: list[float], *, seconds: float, share: float) -> None:
    """100 responses a second for ``seconds``, a fixed random ``share`` of them throttled."""
    rand = random.Random(7)
    for _ in range(int(seconds * 100)):
        clock[0] += 0.01
        limiter.on_response(throttled=rand.random() < share)


def test_throttling_that_does_not_depend_on_the_rate_cannot_grind_a_tolerant_run_down() -> None:
    clock = [1000.0]
    tolerant = ClientRateLimiter(lambda: clock[0], tolerant=True)
    drive(tolerant, clock, seconds=60, share=0.2)
    assert tolerant.send_rate is not None and tolerant.send_rate > 50


def test_botocore_behaviour_cuts_on_every_throttle() -> None:
    # The reason for the tolerant variant: the same traffic drives botocore's limiter to a crawl.
    clock = [1000.0]
    strict = ClientRateLimiter(lambda: clock[0])
    drive(strict, clock, seconds=60, share=0.2)
    assert strict.send_rate is not None and strict.send_rate < 5


def test_a_tolerant_limiter_still_backs_off_from_a_real_limit() -> None:
    clock = [1000.0]
    limiter = ClientRateLimiter(lambda: clock[0], tolerant=True)
    drive(limiter, clock, seconds=2, share=0.0)
    drive(limiter, clock, seconds=0.05, share=1.0)
    assert limiter.send_rate is not None and 60 <= limiter.send_rate <= 75  # cut to 0.7x 100/s


def test_a_ceiling_holds_from_the_start_and_under_the_adaptive_rate() -> None:
    clock = [1000.0]
    limiter = ClientRateLimiter(lambda: clock[0], max_rate=25.0)
    assert limiter.send_rate == 25.0
    drive(limiter, clock, seconds=1, share=0.0)
    assert limiter.send_rate == 25.0
    assert ClientRateLimiter(lambda: clock[0]).send_rate is None
