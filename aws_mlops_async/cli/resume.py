"""What an earlier `batch submit` with the same run id recorded, and whether the jobs file
still holds the lines it sent.

A line's client token comes from the run id and the line's number, and each results record
keeps a digest of the line it is about (``line_digest``). A resume skips the lines recorded
as done, and sends the others with their line's token: that creates nothing twice and loses
nothing only while every line the earlier run sent is still where it was. So a jobs file in
which such a line changed, moved or went is refused, naming the first one; lines added at the
end are new jobs, and a line that never reached the service (not JSON, not a valid job) may
be fixed in place. Records without a digest (written before 0.3) are trusted as they are.
"""

from __future__ import annotations

import os
import stat
from typing import Any

from .options import UsageError
from .records import Tail, line_number, read_records

__all__ = ["EarlierRun", "JobsFileChanged"]


class JobsFileChanged(UsageError):
    """The jobs file no longer holds a line the earlier run with this run id sent."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(
            "--jobs",
            f"{problem}: resuming would skip or resend the wrong jobs; put the file back as "
            "it was, and add new jobs at its end",
        )
        #: The first line that changed.
        self.line = line


class EarlierRun:
    """What a results file says about one run id: the lines done, and the lines sent."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        #: Lines recorded as submitted (1-based): skipped by a resume.
        self.done: set[int] = set()
        #: The digest of each line as it was when it reached the service.
        self.sent: dict[int, str] = {}

    @classmethod
    def read(cls, path: str | None, run_id: str) -> tuple[EarlierRun, Tail]:
        """What ``path`` (None: no results file) records of ``run_id``, and how it ends; on a
        worker thread."""
        earlier = cls(run_id)
        if path is None or not _regular_or_missing(path):
            # Not a file (/dev/stdout, a pipe): nothing to resume from, and nothing to read,
            # which could wait for ever.
            return earlier, Tail()
        return earlier, read_records(path, earlier._visit, missing_ok=True)

    def _visit(self, _: int, record: dict[str, Any] | None) -> None:
        if record is None or record.get("run_id") != self.run_id:
            return
        line = line_number(record)
        if line is None:
            return
        ok = record.get("ok") is True
        if ok:
            self.done.add(line)
        digest = record.get("line_digest")
        # A line that failed before it was sent (0 attempts) holds no token yet.
        if isinstance(digest, str) and (ok or record.get("attempts") != 0):
            self.sent.setdefault(line, digest)

    def check(self, line: int, digest: str) -> None:
        """Raise `JobsFileChanged` when ``line`` is not what the earlier run sent."""
        sent = self.sent.get(line)
        if sent is not None and sent != digest:
            raise JobsFileChanged(
                line,
                f"line {line} is not the line run {self.run_id!r} sent, as --results records it",
            )

    def check_end(self, last: int) -> None:
        """Raise `JobsFileChanged` when the file, ``last`` lines long, lost a line sent."""
        gone = [line for line in self.sent if line > last]
        if gone:
            first = min(gone)
            raise JobsFileChanged(
                first,
                f"line {first}, which run {self.run_id!r} sent as --results records, is gone "
                f"(the file ends at line {last})",
            )


def _regular_or_missing(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # missing, or unreadable: read_records says which
