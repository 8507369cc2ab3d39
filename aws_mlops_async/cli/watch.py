"""`batch watch` and `batch submit --wait`: a run's service jobs followed to their end.

A table of how many jobs are in each status is redrawn as they change (in place on a
terminal; a line per poll cycle otherwise), then a summary: how many succeeded, and each
failure with its line, job id and reason. The exit status is 0 only when every job SUCCEEDED.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Iterable

from ..ext.watching import ServiceJobUpdate, WatchedJob
from ..session import Session
from .options import UsageError, say

__all__ = ["follow", "watch"]

#: The columns of the status table, in the order a job goes through them.
STATUSES = (
    "SUBMITTED",
    "PENDING",
    "RUNNABLE",
    "SCHEDULED",
    "STARTING",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
)


async def watch(args: argparse.Namespace, session: Session) -> int:
    """`batch watch --results FILE`: follow the jobs a `batch submit` recorded."""
    jobs = await asyncio.to_thread(_recorded_jobs, args.results, args.queue)
    if not jobs:
        say(f"{args.results}: no submitted job to watch")
        return 0
    return await follow(session, jobs, poll_interval=args.poll_interval)


async def follow(session: Session, jobs: list[WatchedJob], *, poll_interval: float) -> int:
    """Watch ``jobs`` (their ``index`` is their line) to their end; the exit status."""
    table = _StatusTable()
    latest: dict[str, ServiceJobUpdate] = {}
    async with session.batch.watch_service_jobs(jobs, poll_interval=poll_interval) as watching:
        cycle = 0  # looks completed when the table was last shown
        async for update in watching:
            if watching.cycles != cycle and latest:  # a new look began: show the last one's
                cycle = watching.cycles
                table.show(latest.values())
            latest[update.job_id] = update
    table.show(latest.values())
    return _summary(jobs, latest)


class _StatusTable:
    """The counts per status, on standard error."""

    def __init__(self) -> None:
        self._live = sys.stderr.isatty()
        self._drawn = False

    def show(self, updates: Iterable[ServiceJobUpdate]) -> None:
        counts = Counter(update.status for update in updates)
        header = "  ".join(f"{status:>9}" for status in STATUSES)
        values = "  ".join(f"{counts.get(status, 0):>9}" for status in STATUSES)
        if self._live and self._drawn:
            print("\x1b[2F", end="", file=sys.stderr)  # back over the table drawn last
        print(f"{header}\n{values}", file=sys.stderr, flush=True)
        self._drawn = True


def _summary(jobs: list[WatchedJob], latest: dict[str, ServiceJobUpdate]) -> int:
    succeeded = sum(1 for update in latest.values() if update.status == "SUCCEEDED")
    failed = [update for update in latest.values() if update.status == "FAILED"]
    say(f"{succeeded} of {len(jobs)} succeeded, {len(failed)} failed")
    for update in sorted(failed, key=lambda u: (u.index is None, u.index or 0, u.job_id)):
        line = f"line {update.index}: " if update.index is not None else ""
        say(f"  {line}job {update.job_id}: {update.status_reason or 'no reason given'}")
    return 0 if succeeded == len(jobs) else 1


def _recorded_jobs(path: str, queue: str | None) -> list[WatchedJob]:
    """The jobs a results file says were submitted (the last record of each line wins)."""
    by_line: dict[int, WatchedJob | None] = {}
    try:
        with open(path, encoding="utf-8") as stream:
            for number, text in enumerate(stream, 1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except ValueError:
                    raise UsageError("--results", f"{path}:{number} is not JSON") from None
                if not isinstance(record, dict) or not isinstance(record.get("line_number"), int):
                    raise UsageError("--results", f"{path}:{number} is not a results record")
                line = record["line_number"]
                job_id = record.get("jobId")  # as the SubmitServiceJob response names it
                if record.get("ok") is True and isinstance(job_id, str):
                    by_line[line] = WatchedJob(job_id, record.get("job_queue") or queue, line)
                else:
                    by_line[line] = None
    except OSError as error:
        raise UsageError("--results", f"cannot read {path!r}: {error.strerror}") from None
    return [job for _, job in sorted(by_line.items()) if job is not None]
