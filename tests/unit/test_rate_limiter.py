"""The client-side rate limiter: botocore's CUBIC behaviour, and the tolerant bulk variant."""

from __future__ import annotations

import random

from aws_mlops_async.retries import ClientRateLimiter, _TokenBucket


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


def test_a_tolerant_limiter_does_not_cut_before_it_has_measured_a_second_of_traffic() -> None:
    # botocore's clocker reads a handful of early responses as a rate of ~2/s; cutting from
    # there held a 500-job bulk run at ~1 request a second.
    clock = [1000.7]
    limiter = ClientRateLimiter(lambda: clock[0], tolerant=True)
    drive(limiter, clock, seconds=0.5, share=0.5)
    assert limiter.send_rate is None
    drive(limiter, clock, seconds=1, share=0.0)
    drive(limiter, clock, seconds=0.05, share=1.0)
    assert limiter.send_rate is not None and limiter.send_rate > 50


def test_a_request_already_waiting_speeds_up_when_the_rate_grows() -> None:
    clock = [1000.0]
    bucket = _TokenBucket(lambda: clock[0])
    bucket.max_rate = 1.0
    tickets = [bucket.take_ticket() for _ in range(10)]
    assert bucket.wait_for(tickets[-1]) >= 9  # ten in line at one a second
    bucket.max_rate = 100.0
    assert bucket.wait_for(tickets[-1]) <= 0.1
    clock[0] += 0.1
    assert all(bucket.wait_for(ticket) == 0 for ticket in tickets)


def test_a_cancelled_wait_gives_its_place_back() -> None:
    clock = [1000.0]
    bucket = _TokenBucket(lambda: clock[0])
    bucket.max_rate = 1.0
    first, second = bucket.take_ticket(), bucket.take_ticket()
    before = bucket.wait_for(second)
    bucket.give_back()  # `first` was cancelled
    assert bucket.wait_for(second) == before - 1
    assert bucket.wait_for(first) < before
