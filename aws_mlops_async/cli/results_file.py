"""`batch submit`'s results: one JSON line per input line, appended as outcomes arrive.

The file is what makes a run resumable: a line recorded as ``ok`` under a run id is not sent
again when the same run id runs again. Writes go out in batches on a worker thread, and each
line is written whole: when a write fails (a full disk, a file size limit), what it had
written of a line that did not fit is cut off again, the failure is kept (`failure`) instead
of raised, nothing more is written, and the callback given to `on_failure` (stopping the
run) is awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

from .options import UsageError
from .records import Tail

__all__ = ["ResultsFile"]


class ResultsFile:
    """The ``--results`` file (or nowhere, without the flag); use as ``async with``."""

    def __init__(self, path: str | None = None, fd: int | None = None) -> None:
        self._path = path
        self._fd = fd
        self._pending: list[bytes] = []
        self._writer: asyncio.Task[None] | None = None
        self._on_failure: Callable[[], Awaitable[None]] | None = None
        #: Lines written whole.
        self.written = 0
        #: Why the file could not be written; None while it can.
        self.failure: OSError | None = None

    @classmethod
    async def open(cls, path: str | None, tail: Tail) -> ResultsFile:
        """Open ``path`` to append to (None: write nowhere), cutting off what ``tail`` says
        is no record; a `UsageError` naming ``--results`` when it cannot be."""
        if path is None:
            return cls()
        try:
            fd = await asyncio.to_thread(_open_for_appending, path, tail)
        except OSError as error:
            raise UsageError("--results", f"cannot write {path!r}: {error.strerror}") from None
        return cls(path, fd)

    def on_failure(self, stop: Callable[[], Awaitable[None]]) -> None:
        """Await ``stop`` as soon as a write fails."""
        self._on_failure = stop

    def record(self, record: dict[str, Any]) -> None:
        """Append one line (written soon, in a batch; dropped once a write failed)."""
        if self._fd is None or self.failure is not None:
            return
        self._pending.append(json.dumps(record, default=str).encode() + b"\n")
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())

    async def close(self) -> None:
        """Write every line recorded so far (unless a write failed), then close the file."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                await asyncio.to_thread(os.close, fd)
            except OSError as error:  # a network file system may report a failed write here
                self.failure = self.failure or error

    async def __aenter__(self) -> ResultsFile:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _write_pending(self) -> None:
        while self._pending and self.failure is None and self._fd is not None:
            batch, self._pending = self._pending, []
            written, failure = await asyncio.to_thread(_append_whole_lines, self._fd, batch)
            self.written += written
            if failure is not None:
                self.failure = failure
                self._pending.clear()
                if self._on_failure is not None:
                    await self._on_failure()


def _open_for_appending(path: str, tail: Tail) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        if tail.torn:
            os.ftruncate(fd, tail.end)
        if tail.unterminated:
            os.write(fd, b"\n")
    except OSError:
        os.close(fd)
        raise
    return fd


def _append_whole_lines(fd: int, lines: list[bytes]) -> tuple[int, OSError | None]:
    """Append ``lines``; how many were written whole, and the write's failure if any (the
    part of a line that did not fit cut off again)."""
    data = b"".join(lines)
    try:
        start: int | None = os.lseek(fd, 0, os.SEEK_END)
    except OSError:
        start = None  # a pipe or a terminal (--results /dev/stdout): nothing to cut back
    done = 0
    try:
        view = memoryview(data)
        while done < len(data):
            written = os.write(fd, view[done:])
            if written == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            done += written
    except OSError as error:
        whole = data.rfind(b"\n", 0, done) + 1
        if start is not None:
            # Should this fail too, the part line stays: readers ignore a last line cut short.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start + whole)
        return data.count(b"\n", 0, whole), error
    return len(lines), None
