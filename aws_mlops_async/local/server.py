"""`LocalAws`: the emulator running on a loopback port, with its store, clock, faults, stats."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from ..session import Session
from .app import LocalApp
from .clock import Clock
from .faults import Faults
from .services.sagemaker.training import prepare
from .settings import (
    ACCOUNT_ID,
    DEFAULT_ACCESS_KEY,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
    MAX_CLOCK_SKEW,
    Durations,
)
from .state import LocalState
from .stats import Stats

__all__ = ["LocalAws"]


class LocalAws:
    """SageMaker image versions and training jobs, Batch service jobs (which start training
    jobs), DataZone notebook runs and Lookout for Vision model packaging, emulated on one
    loopback port.

    ``async with LocalAws() as endpoint:`` starts it on 127.0.0.1 and an ephemeral port
    (``endpoint.url``); ``endpoint.session()`` is a `Session` pointed at it. It accepts
    requests signed (SigV4) with one of ``credentials`` (access key -> secret key; by default
    `DEFAULT_ACCESS_KEY` / `DEFAULT_SECRET_KEY`) for ``region``; with
    ``verify_signatures=False`` (the shell's default) it accepts any keys and any region, as
    LocalStack and moto do. ``snapshot`` names a JSON file the store is loaded from at start
    (when it exists) and written to at stop.
    ``strict_resources`` makes SubmitServiceJob refuse a job queue never created (a
    ``ClientException``, as Batch answers); by default any queue name goes.
    ``seed`` makes fault draws and generated identifiers repeatable. ``durations`` sets how
    long each phase of each resource lasts. ``clock_offset`` puts the emulator's wall clock
    that many seconds ahead of the host's (behind, when negative): requests signed more than
    ``max_clock_skew`` seconds away from it are refused as AWS refuses them, and its ``Date``
    header tells the time it keeps, so a client can correct its clock.

    Hooks for tests: ``endpoint.clock`` (`Clock.advance`), ``endpoint.faults``
    (`Faults.set` / `Faults.inject`; ``Faults.set(job_failure=0.2)`` fails a fifth of the
    training jobs), ``endpoint.stats`` (`Stats`), ``endpoint.state``
    (`LocalState.fail_next`, `LocalState.create_image`).
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        credentials: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int | None = None,
        snapshot: str | os.PathLike[str] | None = None,
        durations: Durations | None = None,
        auto_create_images: bool = True,
        strict_resources: bool = False,
        verify_signatures: bool = True,
        max_clock_skew: float = MAX_CLOCK_SKEW,
        account_id: str = ACCOUNT_ID,
        clock_offset: float = 0.0,
    ) -> None:
        self.region = region
        self.credentials = dict(credentials or {DEFAULT_ACCESS_KEY: DEFAULT_SECRET_KEY})
        if not self.credentials:
            raise ValueError("credentials must hold at least one access key")
        self.host = host
        self.account_id = account_id
        #: Whether SigV4 signatures are checked against ``credentials`` and ``region``; when
        #: not, any keys and any region go, and ARNs are in the region a request is signed for.
        self.verify_signatures = verify_signatures
        self.snapshot_path = Path(snapshot) if snapshot is not None else None
        self.clock = Clock()
        self.stats = Stats()
        self.faults = Faults(seed)
        self.state = LocalState(
            self.clock,
            self.stats,
            durations,
            seed=seed,
            auto_create_images=auto_create_images,
            strict_resources=strict_resources,
            faults=self.faults,
        )
        self._app = LocalApp(
            state=self.state,
            faults=self.faults,
            stats=self.stats,
            clock=self.clock,
            credentials=self.credentials,
            region=region,
            account_id=account_id,
            verify_signatures=verify_signatures,
            max_clock_skew=max_clock_skew,
            clock_offset=clock_offset,
        )
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "stopped"
        return f"<LocalAws {where} region={self.region}>"

    @property
    def url(self) -> str:
        """The endpoint URL to send every service's requests to (once started)."""
        if self._port is None:
            raise RuntimeError("LocalAws is not running; use `async with LocalAws() as endpoint`")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}"

    @property
    def port(self) -> int:
        """The TCP port it listens on (once started)."""
        if self._port is None:
            raise RuntimeError("LocalAws is not running")
        return self._port

    @property
    def access_key(self) -> str:
        """The first accepted access key (what `session` signs with)."""
        return next(iter(self.credentials))

    @property
    def secret_key(self) -> str:
        """The secret key of `access_key`."""
        return self.credentials[self.access_key]

    async def start(self) -> LocalAws:
        """Load the snapshot (if any) and start serving; this object."""
        if self._runner is not None:
            return self
        prepare()
        if self.snapshot_path is not None:
            data = await asyncio.to_thread(_read_json, self.snapshot_path)
            if data is not None:
                self.state.restore(data)
        runner = web.AppRunner(
            self._app.application(), handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop serving (closing open connections) and write the snapshot, if one is set."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._port = None
        try:
            await runner.cleanup()
        finally:
            if self.snapshot_path is not None:
                await self.save_snapshot()

    async def __aenter__(self) -> LocalAws:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def session(self, **overrides: Any) -> Session:
        """A `Session` for this endpoint: its region, first credentials and URL; keyword
        arguments override any `Session` argument (``config=...``)."""
        options: dict[str, Any] = {
            "region_name": self.region,
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
            "endpoint_url": self.url,
        }
        options.update(overrides)
        return Session(**options)

    async def save_snapshot(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the store as JSON to ``path`` (by default the ``snapshot`` file); the path.

        Written off the event loop, to a temporary file renamed into place."""
        target = Path(path) if path is not None else self.snapshot_path
        if target is None:
            raise ValueError("no snapshot path: pass one, or LocalAws(snapshot=...)")
        text = json.dumps(self.state.snapshot(), indent=1)
        await asyncio.to_thread(_write_text, target, text)
        return target


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
