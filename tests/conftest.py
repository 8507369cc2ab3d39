"""Shared fixtures: a scripted loopback HTTP server and Sessions pointed at it."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from aiohttp import ClientResponse, web
from aioresponses import aioresponses
from hypothesis_profiles import describe as describe_hypothesis_profile
from support import ACCESS_KEY, SECRET_KEY, LoopbackServer

from aws_mlops_async import Config, Session


def pytest_report_header(config: pytest.Config) -> str:
    """The Hypothesis profile this run uses (pytest-randomly's seed is printed beside it)."""
    return describe_hypothesis_profile()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many doc blocks ran and how many are marked not runnable, and why (the properties
    tests/docs/test_doc_blocks.py records for each page)."""
    ran = marked = 0
    why: list[str] = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "doc_blocks_run":
                    ran += value
                elif name == "doc_blocks_marked":
                    marked += value
                elif name == "doc_blocks_marked_why":
                    why.append(value)
    if ran or marked:
        terminalreporter.write_line(f"doc blocks: {ran} run, {marked} marked not runnable")
        for line in sorted(why):
            terminalreporter.write_line(f"  not runnable: {line}")


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    """A running loopback server (127.0.0.1, ephemeral port)."""
    state = LoopbackServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:(?s:.*)}", state.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
    port = sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
def make_session(server: LoopbackServer) -> Iterator[Callable[..., Session]]:
    """Build Sessions pointed at the loopback server with static keys; closed afterwards."""
    created: list[Session] = []

    def build(**overrides: Any) -> Session:
        options: dict[str, Any] = {
            "region_name": "us-east-1",
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "endpoint_url": server.url,
            "config": Config(),
        }
        options.update(overrides)
        session = Session(**options)
        created.append(session)
        return session

    yield build
    for session in created:
        assert session.closed, "a test left its Session open"


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make retry backoff instant, recording each delay asked for."""
    delays: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float, result: Any = None) -> Any:
        delays.append(seconds)
        return await real_sleep(0, result)

    monkeypatch.setattr("aws_mlops_async.retries.sleep", fake_sleep)
    return delays


@pytest.fixture
def isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS settings from this machine: empty env, empty config files, no IMDS."""
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


class _ResponseWithStreamWriter(ClientResponse):
    """aioresponses 0.7.9 builds ClientResponse without the ``stream_writer`` aiohttp 3.14
    requires (pnuckowski/aioresponses#289, fix pending in #288); supply the one attribute
    aiohttp reads from it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", Mock(output_size=0))
        super().__init__(*args, **kwargs)


@pytest.fixture
def aws_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[aioresponses]:
    """aioresponses, intercepting every request of the test's aiohttp sessions."""
    if "stream_writer" in inspect.signature(ClientResponse.__init__).parameters:
        monkeypatch.setattr("aioresponses.core.ClientResponse", _ResponseWithStreamWriter)
    with aioresponses() as mocked:
        yield mocked
