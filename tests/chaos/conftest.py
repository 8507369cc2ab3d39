"""The chaos suite's fixtures."""

from __future__ import annotations

import chaos_timing as timing
import pytest
from chaos_waits import FOLLOW_EMPTY_PAGES, FULL_RESULT_LIMIT, MAX_EMPTY_PAGES, MAX_PAGES_PER_LOOK


@pytest.fixture
def steady_bulk_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk run's retries go back in line after a steady `timing.BACKOFF` (its jitter,
    random by design, would make whether a run outlasts a short outage a matter of luck).
    Its deadlines, watchdog and shared send rate are left as they are."""

    def steady(attempt: int, *, throttling: bool, retry_after: float | None = None) -> float:
        return timing.BACKOFF

    monkeypatch.setattr("aws_mlops_async.bulk.backoff_delay", steady)


@pytest.fixture
def small_listing_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """`build_full_result` gathers at most `chaos_waits.FULL_RESULT_LIMIT` items without
    ``max_items`` (the library's 100,000 would be 50,000 pages here), and reading items
    gives up after `chaos_waits.MAX_EMPTY_PAGES` empty pages in a row (the library's 1,000
    would be 5 s here); a watch's look reads at most `chaos_waits.MAX_PAGES_PER_LOOK` pages
    of a queue, and a log follower at most `chaos_waits.FOLLOW_EMPTY_PAGES` empty pages of a
    stream."""
    monkeypatch.setattr("aws_mlops_async.pagination.FULL_RESULT_LIMIT", FULL_RESULT_LIMIT)
    monkeypatch.setattr("aws_mlops_async.pagination.MAX_EMPTY_PAGES", MAX_EMPTY_PAGES)
    monkeypatch.setattr("aws_mlops_async.ext.polling.MAX_PAGES_PER_LOOK", MAX_PAGES_PER_LOOK)
    monkeypatch.setattr("aws_mlops_async.ext.training_logs.EMPTY_PAGES", FOLLOW_EMPTY_PAGES)
