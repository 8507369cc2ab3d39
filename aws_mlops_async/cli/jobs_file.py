"""Reading `batch submit`'s jobs: one JSON object per line, from a file or standard input.

The file is read a chunk of lines at a time on a worker thread, so a large file never sits in
memory and the event loop never waits on the disk. Blank lines are skipped; a line that is not
a JSON object is handed back as a `BadLine`, so the lines around it still go. Every line has a
digest (`line_digest`), which the results file keeps beside its outcome. A file that is not
UTF-8 text, or no longer holds a line an earlier run with the same run id sent (`EarlierRun`),
is refused (a `UsageError` naming ``--jobs``): a regular file (standard input redirected from
one too) before anything is sent, a pipe as it is read.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import os
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO, Any

from .options import UsageError
from .resume import EarlierRun

__all__ = ["BadLine", "JobLine", "JobsFile", "line_digest"]

_CHUNK = 1000  # lines read per trip to the worker thread (a file; standard input reads one)


def line_digest(raw: bytes) -> str:
    """What identifies a line's job: the first 16 hex digits of the SHA-256 of its bytes,
    surrounding whitespace (and the line's end, LF or CRLF) left out."""
    return hashlib.sha256(raw.strip()).hexdigest()[:16]


@dataclass(frozen=True)
class BadLine:
    """A line that is not a job, and why."""

    reason: str


@dataclass(frozen=True)
class JobLine:
    """A line that holds something: its 1-based number, digest, and job (or why it is none)."""

    number: int
    digest: str
    job: dict[str, Any] | BadLine


class JobsFile:
    """The jobs of ``--jobs``: a path, or ``-`` for standard input."""

    def __init__(self, stream: IO[bytes], path: str | None) -> None:
        self._stream = stream
        #: The file's path; None for standard input.
        self.path = path
        # Only a regular file (standard input redirected from one included) can be read
        # twice, checked then sent: not a pipe such as bash's <(...), which a first reading
        # would leave empty.
        self._regular = _is_regular(stream)

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

    async def is_at(self, path: str) -> bool:
        """Whether ``path`` names the file these jobs are read from (the same file, through
        a symbolic or hard link too; standard input redirected from it included)."""
        return await asyncio.to_thread(_same_file, self._stream, path)

    async def scan(self, earlier: EarlierRun) -> int | None:
        """Check the whole file before anything is sent (UTF-8 text, and still holding each
        line ``earlier`` sent), and count the lines that hold something; None for a pipe or
        a terminal, which can be read only once and is checked as it is read."""
        if not self._regular:
            return None
        return await asyncio.to_thread(_scan, self._stream, earlier, self.path)

    async def lines(self, queue: str, earlier: EarlierRun) -> AsyncIterator[JobLine]:
        """Each non-blank line, its job naming ``queue`` when it names no queue; a
        `UsageError` for a line that is not UTF-8 text or is not what ``earlier`` sent."""
        number = 0
        # Standard input a line at a time: its writer may be slow, and each line counts.
        chunk_size = _CHUNK if self._regular else 1
        while chunk := await asyncio.to_thread(_read_lines, self._stream, chunk_size):
            for raw in chunk:
                number += 1
                text, digest = _checked(number, raw, earlier, self.path)
                if text is None:
                    continue
                job = _parse(text)
                if isinstance(job, dict) and "job_queue" not in job and "jobQueue" not in job:
                    job["job_queue"] = queue
                yield JobLine(number, digest, job)
        earlier.check_end(number)

    def close(self) -> None:
        """Close the file (standard input stays open)."""
        if self.path is not None:
            self._stream.close()


def _checked(
    number: int, raw: bytes, earlier: EarlierRun, path: str | None
) -> tuple[str | None, str]:
    """A line's text (None when blank) and digest, once it is known to be UTF-8 text and
    what ``earlier`` sent, if it sent it."""
    if number == 1 and raw.startswith(codecs.BOM_UTF8):  # as some editors begin a file
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        where = repr(path) if path is not None else "standard input"
        raise UsageError(
            "--jobs",
            f"line {number} of {where} is not UTF-8 text ({error.reason} at byte "
            f"{error.start}): save the file as UTF-8",
        ) from None
    digest = line_digest(raw)
    earlier.check(number, digest)
    return (text if text.strip() else None), digest


def _parse(text: str) -> dict[str, Any] | BadLine:
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


def _scan(stream: IO[bytes], earlier: EarlierRun, path: str | None) -> int:
    """Read the file through once, checking each line; then rewind it for sending."""
    count = number = 0
    try:
        start = stream.tell()  # standard input may be given part read
        for number, raw in enumerate(stream, 1):
            text, _ = _checked(number, raw, earlier, path)
            count += text is not None
        stream.seek(start)
    except OSError as error:
        where = repr(path) if path is not None else "standard input"
        raise UsageError("--jobs", f"cannot read {where}: {error.strerror}") from None
    earlier.check_end(number)
    return count


def _is_regular(stream: IO[bytes]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError):
        return False


def _same_file(stream: IO[bytes], path: str) -> bool:
    try:
        mine, other = os.fstat(stream.fileno()), os.stat(path)
    except (OSError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino)
