"""Reading what a `batch submit` results file holds: one JSON record per line.

A results file is only ever appended to, a whole line at a time. A last line cut short (by a
crash, a ``kill -9`` or a full disk while it was written) holds no record: readers skip it,
and `batch submit` cuts it off before it appends. A file that is not UTF-8 text is no results
file: it is refused, naming ``--results``. Runs on a worker thread.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from .options import UsageError

__all__ = ["Tail", "line_number", "read_records"]

#: What a reader does with each whole line: its 1-based number in the file, and its record
#: (None when the line is not a JSON object).
Visit = Callable[[int, "dict[str, Any] | None"], None]


@dataclass(frozen=True)
class Tail:
    """How a results file ends: where its whole records end, and what follows them."""

    #: Bytes up to the end of the last whole record: where the next record goes.
    end: int = 0
    #: Bytes after it that are no record (a last line cut short), to be cut off.
    torn: int = 0
    #: Whether the last record lacks its newline (a crash between the two): one is due first.
    unterminated: bool = False

    def warning(self, path: str) -> str | None:
        """The one line to show about a last line cut short; None when there is none."""
        if not self.torn:
            return None
        return (
            f"warning: the last line of {path!r} was cut short (a crash or a full disk while "
            f"it was written): its {self.torn} bytes are ignored"
        )


def read_records(path: str, visit: Visit, *, missing_ok: bool = False) -> Tail:
    """Call ``visit`` for each whole line of ``path`` (blank lines left out), then say how
    the file ends; a `UsageError` naming ``--results`` when it cannot be read, or is not UTF-8
    text. A missing file, with ``missing_ok``, is an empty one."""
    end = 0
    try:
        with open(path, "rb") as stream:
            if _is_device(stream):  # /dev/zero, /dev/full: a line without end
                raise UsageError("--results", f"{path!r} is a device, not a results file")
            for number, raw in enumerate(stream, 1):
                if not raw.endswith(b"\n"):  # the last line, written in part or in whole
                    return _last_line(number, raw, end, visit)
                end += len(raw)
                if not raw.strip():
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise UsageError(
                        "--results",
                        f"{path!r} is not a results file: line {number} is not UTF-8 text",
                    ) from None
                visit(number, _json_object(text))
    except FileNotFoundError:
        if missing_ok:
            return Tail()
        raise UsageError("--results", f"cannot read {path!r}: no such file") from None
    except OSError as error:
        raise UsageError("--results", f"cannot read {path!r}: {error.strerror}") from None
    return Tail(end=end)


def _is_device(stream: IO[bytes]) -> bool:
    mode = os.fstat(stream.fileno()).st_mode
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def _last_line(number: int, raw: bytes, end: int, visit: Visit) -> Tail:
    """A last line without its newline: a whole record (or blank), or one cut short."""
    if not raw.strip():
        return Tail(end=end + len(raw), unterminated=True)
    try:
        record = _json_object(raw.decode("utf-8"))
    except UnicodeDecodeError:
        record = None
    if record is None:
        return Tail(end=end, torn=len(raw))
    visit(number, record)
    return Tail(end=end + len(raw), unterminated=True)


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def line_number(record: dict[str, Any]) -> int | None:
    """The 1-based number of the jobs file's line a record is about (0.1 wrote ``line``,
    numbered from 0); None when it names none."""
    number = record.get("line_number")
    if isinstance(number, int) and not isinstance(number, bool):
        return number
    old = record.get("line")
    if isinstance(old, int) and not isinstance(old, bool):
        return old + 1
    return None
