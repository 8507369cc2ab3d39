"""`batch submit`'s results: one JSON line per input line, appended as outcomes arrive.

The file is what makes a run resumable: a line recorded as ``ok`` under a run id is not sent
again when the same run id runs again. Writes go out in batches on a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import IO, Any

from .options import UsageError

__all__ = ["ResultsFile"]


class ResultsFile:
    """The ``--results`` file (or nowhere, without the flag); use as ``async with``."""

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._stream: IO[str] | None = None
        self._pending: list[str] = []
        self._writer: asyncio.Task[None] | None = None

    async def succeeded_lines(self, run_id: str) -> set[int]:
        """The 1-based line numbers an earlier run with this run id got through."""
        if self._path is None:
            return set()
        try:
            return await asyncio.to_thread(_succeeded_lines, self._path, run_id)
        except OSError as error:
            raise UsageError("--results", f"cannot read {self._path!r}: {error.strerror}") from None

    async def __aenter__(self) -> ResultsFile:
        if self._path is not None:
            try:
                self._stream = await asyncio.to_thread(open, self._path, "a", encoding="utf-8")
            except OSError as error:
                raise UsageError(
                    "--results", f"cannot write {self._path!r}: {error.strerror}"
                ) from None
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._writer is not None:
            await asyncio.shield(self._writer)
        await self._flush()
        if self._stream is not None:
            await asyncio.to_thread(self._stream.close)

    def record(self, record: dict[str, Any]) -> None:
        """Append one line (written soon, in a batch)."""
        if self._stream is None:
            return
        self._pending.append(json.dumps(record, default=str))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._pending and self._stream is not None:
            batch, self._pending = self._pending, []
            await asyncio.to_thread(_write_lines, self._stream, batch)


def _write_lines(stream: IO[str], lines: list[str]) -> None:
    stream.write("".join(line + "\n" for line in lines))
    stream.flush()


def _succeeded_lines(path: str, run_id: str) -> set[int]:
    done: set[int] = set()
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as results:
        for line in results:
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                record = json.loads(line)
                if record.get("run_id") == run_id and record.get("ok") is True:
                    if "line_number" in record:
                        done.add(int(record["line_number"]))
                    else:  # written by 0.1, which numbered lines from 0
                        done.add(int(record["line"]) + 1)
    return done
