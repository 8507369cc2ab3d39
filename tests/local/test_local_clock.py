"""The emulator's clock: real time plus what a test advances, held still on request."""

from __future__ import annotations

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
