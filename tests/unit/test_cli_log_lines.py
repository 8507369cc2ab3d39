"""How the log commands read ``--since`` and ``--tail`` and show a line (`cli.log_lines`)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

import pytest

from aws_mlops_async.cli.log_lines import line_count, log_text, since
from aws_mlops_async.ext.training_logs import LogLine

WRITTEN = datetime(2026, 12, 6, 12, 5, 1, 250_000, tzinfo=timezone.utc)


def line(message: str) -> LogLine:
    return LogLine("algo-2", "train-1/algo-2-1700000000", WRITTEN, message)


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        ("30s", timedelta(seconds=30)),
        ("10m", timedelta(minutes=10)),
        ("1.5h", timedelta(hours=1.5)),
        ("2d", timedelta(days=2)),
    ],
)
def test_since_a_time_ago(text: str, ago: timedelta) -> None:
    expected = datetime.now(timezone.utc) - ago
    assert abs(since(text) - expected) < timedelta(seconds=5)


def test_since_an_iso_time_in_utc_or_local_time() -> None:
    assert since("2026-12-06T12:00:00Z") == datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    assert since("2026-12-06T12:00:00+01:00") == datetime(2026, 12, 6, 11, tzinfo=timezone.utc)
    assert since("2026-12-06T12:00:00") == datetime(2026, 12, 6, 12).astimezone()


@pytest.mark.parametrize("text", ["yesterday", "10", "-5m", "10 m", ""])
def test_since_refuses_what_is_no_time(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="a time ago"):
        since(text)


@pytest.mark.parametrize("text", ["0", "-1", "10001", "ten"])
def test_a_line_count_is_1_to_10000(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        line_count(text)
    assert line_count("10000") == 10_000


def test_a_line_shows_its_instance_then_its_time_as_asked() -> None:
    assert log_text(line("epoch 1\n"), "iso") == "[algo-2] 2026-12-06T12:05:01.250Z epoch 1"
    assert log_text(line("epoch 1\r\n"), "none") == "[algo-2] epoch 1"
    local = WRITTEN.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert log_text(line("epoch 1")) == f"[algo-2] {local} epoch 1"
