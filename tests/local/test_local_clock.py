"""The emulator's clock: real time plus what a test advances, held still on request."""

from __future__ import annotations

import math
import time

import pytest

from aws_mlops_async.local import Clock


def test_a_held_clock_moves_only_when_advanced_and_goes_on_from_there_when_released() -> None:
    clock = Clock()
    clock.hold()
    held_at = clock.now()
    time.sleep(0.05)
    assert clock.now() == held_at and clock.held
    assert clock.advance(10) == pytest.approx(held_at + 10)
    clock.hold()  # holding again changes nothing
    time.sleep(0.05)
    assert clock.now() == pytest.approx(held_at + 10)
    clock.release()
    assert not clock.held
    resumed = clock.now()
    assert held_at + 10 <= resumed < held_at + 10.04  # no jump by the time it stood still
    time.sleep(0.05)
    assert clock.now() >= resumed + 0.04  # real time again
    clock.release()  # releasing a running clock changes nothing
    assert "held" not in repr(clock)


def test_a_clock_never_goes_back() -> None:
    clock = Clock()
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)


@pytest.mark.parametrize("seconds", [math.nan, math.inf, -math.inf, True, "5", None])
def test_a_clock_advances_by_a_finite_number_only(seconds: object) -> None:
    clock = Clock()
    before = clock.offset
    with pytest.raises((TypeError, ValueError), match="advance takes"):
        clock.advance(seconds)  # type: ignore[arg-type]
    assert clock.offset == before
