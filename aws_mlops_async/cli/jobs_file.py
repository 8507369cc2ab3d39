"""Reading `batch submit`'s jobs: one JSON object per line, from a file or standard input.

The file is read a chunk of lines at a time on a worker thread, so a large file never sits in
memory and the event loop never waits on the disk. Blank lines are skipped; a line that is not
a JSON object is handed back as a `BadLine`, so the lines around it still go.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO, Any

from .options import UsageError

__all__ = ["BadLine", "JobsFile"]

_CHUNK = 1000  # lines read per trip to the worker thread (a file; standard input reads one)


@dataclass(frozen=True)
class BadLine:
    """A line that is not a job, and why."""

    reason: str


class JobsFile:
    """The jobs of ``--jobs``: a path, or ``-`` for standard input."""

    def __init__(self, stream: IO[bytes], path: str | None) -> None:
        self._stream = stream
        #: The file's path; None for standard input.
        self.path = path

    @classmethod
    async def open(cls, path: str) -> JobsFile:
        """The jobs file, open for reading; a `UsageError` naming ``--jobs`` if it cannot be."""
        if path == "-":
            return cls(sys.stdin.buffer, None)
        try:
            stream = await asyncio.to_thread(open, path, "rb")
        except OSError as error:
            raise UsageError("--jobs", f"cannot read {path!r}: {error.strerror}") from None
        return cls(stream, path)

    async def count(self) -> int | None:
        """How many lines of the file hold something (blank ones left out); None for
        standard input, which can be read only once."""
        if self.path is None:
            return None
        return await asyncio.to_thread(_count_lines, self.path)

    async def lines(self, queue: str) -> AsyncIterator[tuple[int, dict[str, Any] | BadLine]]:
        """Each non-blank line's 1-based number and its job (a job naming no queue goes to
        ``queue``), or a `BadLine`."""
        number = 0
        # Standard input a line at a time: its writer may be slow, and each line counts.
        chunk_size = _CHUNK if self.path is not None else 1
        while chunk := await asyncio.to_thread(_read_lines, self._stream, chunk_size):
            for raw in chunk:
                number += 1
                if not raw.strip():
                    continue
                job = _parse(raw)
                if isinstance(job, dict) and "job_queue" not in job and "jobQueue" not in job:
                    job["job_queue"] = queue
                yield number, job

    def close(self) -> None:
        """Close the file (standard input stays open)."""
        if self.path is not None:
            self._stream.close()


def _parse(raw: bytes) -> dict[str, Any] | BadLine:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return BadLine(f"not UTF-8 text ({error.reason} at byte {error.start})")
    try:
        job = json.loads(text)
    except json.JSONDecodeError as error:
        return BadLine(f"not valid JSON: {error.msg} at column {error.colno}")
    except (ValueError, RecursionError):
        return BadLine("not valid JSON (nested too deep)")
    if not isinstance(job, dict):
        return BadLine(f"expected a JSON object, found {_json_kind(job)}")
    return job


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _read_lines(stream: IO[bytes], count: int) -> list[bytes]:
    lines = []
    for _ in range(count):
        line = stream.readline()
        if not line:
            break
        lines.append(line)
    return lines


def _count_lines(path: str) -> int:
    with open(path, "rb") as stream:
        return sum(1 for line in stream if line.strip())
