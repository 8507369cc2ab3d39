"""`LocalAws`: the emulator running on a loopback port, with its store, clock, faults, stats."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from ..session import Session
from .app import LocalApp
from .clock import Clock
from .errors import SnapshotError
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
from .training_script import MIN_LINES

__all__ = ["LocalAws", "is_loopback"]


class LocalAws:
    """SageMaker image versions and training jobs, Batch service jobs (which start training
    jobs), DataZone notebook runs and Lookout for Vision model packaging, emulated on one
    loopback port.

    ``async with LocalAws() as endpoint:`` starts it on 127.0.0.1 and an ephemeral port
    (``endpoint.url``); ``endpoint.session()`` is a `Session` pointed at it. It accepts
    requests signed (SigV4) with one of ``credentials`` (access key -> secret key; by default
    `DEFAULT_ACCESS_KEY` / `DEFAULT_SECRET_KEY`) for ``region``; with
    ``verify_signatures=False`` (the shell's default) it accepts any keys and any region, as
    LocalStack and moto do. On a ``host`` other than a loopback address (``0.0.0.0``, to be
    reached from a container's host), anyone who can reach the port can do anything there with
    any keys (or with the default ones, which are public): give ``credentials`` of your own.

    ``snapshot`` names a JSON file the store is loaded from at start (when it exists) and
    written to at stop (owner-only, atomically: `save_snapshot`); a file that is not a
    snapshot, or a path that could not be written, is a `SnapshotError` (a ``ValueError``
    naming the file) from `start`, before anything is served.
    Resources are separate per account and region, as in AWS: a request sees and makes those
    of the region it is signed for and of its access key's account, ``accounts[access_key]``
    (12 digits) for a key named there, else ``account_id``; ARNs keep both
    (`LocalState.store` holds each pair's).
    ``strict_resources`` makes SubmitServiceJob refuse a job queue never created (a
    ``ClientException``, as Batch answers); by default any queue name goes.
    ``seed`` makes fault draws and generated identifiers repeatable. ``durations`` sets how
    long each phase of each resource lasts. ``clock_offset`` puts the emulator's wall clock
    that many seconds ahead of the host's (behind, when negative): requests signed more than
    ``max_clock_skew`` seconds away from it are refused as AWS refuses them, and its ``Date``
    header tells the time it keeps, so a client can correct its clock.
    ``training_log_lines`` sets how many log lines each instance of a training job writes to
    CloudWatch Logs if the job completes (at least 8; None: a banner, a line per epoch of its
    ``epochs`` hyperparameter, and an ending), spread over its Training phase.

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
        accounts: Mapping[str, str] | None = None,
        clock_offset: float = 0.0,
        training_log_lines: int | None = None,
    ) -> None:
        if training_log_lines is not None and (
            isinstance(training_log_lines, bool)
            or not isinstance(training_log_lines, int)
            or training_log_lines < MIN_LINES
        ):
            raise ValueError(f"training_log_lines must be an int of at least {MIN_LINES}")
        self.region = region
        self.credentials = dict(credentials or {DEFAULT_ACCESS_KEY: DEFAULT_SECRET_KEY})
        if not self.credentials:
            raise ValueError("credentials must hold at least one access key")
        self.host = host
        self.account_id = account_id
        #: The account of each access key named here (any other key is ``account_id``'s).
        self.accounts = dict(accounts or {})
        for key, account in self.accounts.items():
            if not (isinstance(account, str) and re.fullmatch(r"\d{12}", account, re.ASCII)):
                raise ValueError(
                    f"accounts: the account id of access key {key} is 12 digits, not {account!r}"
                )
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
            account_id=account_id,
            region=region,
            training_log_lines=training_log_lines,
        )
        self._app = LocalApp(
            state=self.state,
            faults=self.faults,
            stats=self.stats,
            clock=self.clock,
            credentials=self.credentials,
            region=region,
            account_id=account_id,
            accounts=self.accounts,
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
    def on_loopback(self) -> bool:
        """Whether ``host`` is a loopback address (``localhost``, 127.0.0.0/8, ``::1``), which
        only this machine reaches; any other address (``0.0.0.0``, a host name) may be
        reached from elsewhere."""
        return is_loopback(self.host)

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
            data = await asyncio.to_thread(_load_snapshot, self.snapshot_path)
            if data is not None:
                try:
                    self.state.restore(data)
                except ValueError as error:
                    raise SnapshotError(self.snapshot_path, f"is {error}") from None
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

        It holds what requests sent, sensitive members included, in clear: it is written
        owner-only (mode 0600), off the event loop, to a temporary file of the same folder
        that is synced, then renamed into place, so a crash leaves the last snapshot whole. A
        `SnapshotError` (a ``ValueError``) naming the file when it cannot be written."""
        target = Path(path) if path is not None else self.snapshot_path
        if target is None:
            raise ValueError("no snapshot path: pass one, or LocalAws(snapshot=...)")
        text = json.dumps(self.state.snapshot(), indent=1)
        await asyncio.to_thread(_write_snapshot, target, text)
        return target


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback IP address (127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _load_snapshot(path: Path) -> Any:
    """The JSON content of the snapshot file ``path`` (None when there is none yet), once it is
    known the file can be written back; a `SnapshotError` saying what is wrong otherwise."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # a new file (its folder checked below)
        raw = None
    except OSError as error:  # a path too long, a folder that cannot be searched...
        raise SnapshotError(path, f"cannot be read: {error.strerror or error}") from None
    else:
        if stat.S_ISDIR(info.st_mode):
            raise SnapshotError(path, "is a directory, not a snapshot file")
        if not stat.S_ISREG(info.st_mode):
            raise SnapshotError(path, "is not a regular file")
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise SnapshotError(path, f"cannot be read: {error.strerror or error}") from None
    _check_writable(path)
    if raw is None:
        return None
    if not raw.strip():
        raise SnapshotError(path, "is empty, not a snapshot (delete it to start empty)")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        raise SnapshotError(path, f"is not UTF-8 (byte 0x{byte:02x} at {error.start})") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise SnapshotError(path, f"is not JSON ({where}: {error.msg})") from None
    except RecursionError:
        raise SnapshotError(path, "is not a snapshot (JSON nested too deeply)") from None


def _check_writable(path: Path) -> None:
    """Refuse a snapshot path whose folder (or the nearest one that exists) cannot take it."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise SnapshotError(path, f"cannot be written: {folder} is not a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SnapshotError(path, f"cannot be written: {folder} is not writable")


def _write_snapshot(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` owner-only (0600) and atomically: a temporary file of the same
    folder, synced, then renamed over it; a `SnapshotError` when it cannot be (the last
    snapshot stays as it was, and no temporary file is left)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )  # owner-only: it holds sensitive members in clear
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
    except OSError as error:
        raise SnapshotError(path, f"cannot be written: {error.strerror or error}") from None
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform can)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
