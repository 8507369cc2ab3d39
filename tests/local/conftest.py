"""Fixtures for the emulator's tests: a running LocalAws and a Session bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from local_support import FAST

from aws_mlops_async import Session
from aws_mlops_async.local import LocalAws


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    """The emulator with 50 ms phases and a fixed seed."""
    async with LocalAws(durations=FAST, seed=1) as running:
        yield running


@pytest.fixture
async def session(endpoint: LocalAws) -> AsyncIterator[Session]:
    """A Session bound to `endpoint`."""
    async with endpoint.session() as opened:
        yield opened
