"""pytest fixtures for the emulator, registered through the ``pytest11`` entry point:

    @pytest.mark.asyncio
    async def test_submit(local_aws: LocalAwsFixture) -> None:
        job = await local_aws.session.batch.submit_service_job(...)
        assert local_aws.stats.created["service_job"] == 1

``local_aws`` starts a `LocalAws` per test with a `Session` bound to it (closed afterwards);
override the ``local_aws_options`` fixture to pass it arguments (``{"seed": 7}``). It needs
pytest-asyncio (``pip install 'aws-mlops-async[pytest]'`` brings it): in its default strict
mode, mark the tests ``@pytest.mark.asyncio`` (in auto mode, no need). pytest-asyncio warns
when ``asyncio_default_fixture_loop_scope`` is not configured; this plugin takes the default
it announces (the fixture's own scope, "function" for ``local_aws``) and keeps that warning
from failing a ``-W error`` run. Importing this module loads neither aiohttp's server nor the
emulator; the fixture does, when a test asks for it.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:
    from ..session import Session
    from .clock import Clock
    from .faults import Faults
    from .server import LocalAws
    from .state import LocalState
    from .stats import Stats

__all__ = ["LocalAwsFixture", "local_aws", "local_aws_options", "pytest_configure"]

FunctionT = TypeVar("FunctionT", bound=Callable[..., Any])


def _async_fixture(function: FunctionT) -> FunctionT:
    """pytest-asyncio's fixture decorator (so strict mode runs it too), else pytest's."""
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - without pytest-asyncio it cannot run anyway
        return cast(FunctionT, pytest.fixture(function))
    return cast(FunctionT, pytest_asyncio.fixture(function))


@dataclass(frozen=True)
class LocalAwsFixture:
    """What ``local_aws`` yields: the running emulator and a Session bound to it."""

    endpoint: LocalAws
    session: Session

    @property
    def url(self) -> str:
        """The emulator's URL."""
        return self.endpoint.url

    @property
    def clock(self) -> Clock:
        """The emulator's clock (``advance(seconds)``)."""
        return self.endpoint.clock

    @property
    def faults(self) -> Faults:
        """The emulator's fault plan (``set``, ``inject``, ``clear``)."""
        return self.endpoint.faults

    @property
    def stats(self) -> Stats:
        """The emulator's counters."""
        return self.endpoint.stats

    @property
    def state(self) -> LocalState:
        """The emulator's store (``fail_next``, ``create_image``)."""
        return self.endpoint.state


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-asyncio configures itself: when the project leaves its fixture loop scope
    unset, let its deprecation notice (which announces the very default the fixture uses)
    pass without failing a ``-W error`` run."""
    try:
        unset = not config.getini("asyncio_default_fixture_loop_scope")
    except ValueError:  # pytest-asyncio is not installed
        return
    if unset:
        warnings.filterwarnings(
            "ignore",
            message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
            category=pytest.PytestDeprecationWarning,
        )


@pytest.fixture
def local_aws_options() -> dict[str, Any]:
    """Keyword arguments for the `LocalAws` of ``local_aws``; override to change them."""
    return {}


@_async_fixture
async def local_aws(local_aws_options: dict[str, Any]) -> AsyncIterator[LocalAwsFixture]:
    """A running emulator and a Session bound to it, both closed after the test."""
    from .server import LocalAws

    async with LocalAws(**local_aws_options) as endpoint, endpoint.session() as session:
        yield LocalAwsFixture(endpoint, session)
