"""`batch watch` and `batch submit --wait`: a run's service jobs followed to their end.

A table of how many lines' jobs are in each status is redrawn as they change (in place on a
terminal; a line per poll cycle otherwise), then a summary that counts input lines, not job
ids (two lines sharing a client token share a job): how many succeeded, failed, or never got
a job, and each line that did not succeed, with its job id and reason. The exit status is 0
only when every line's job SUCCEEDED.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..ext.watching import ServiceJobUpdate, WatchedJob
from ..session import Session
from .log_lines import log_text
from .options import UsageError
from .output import Board, say
from .records import Tail, line_number, read_records

__all__ = ["InputLine", "follow", "watch"]


@dataclass(frozen=True)
class InputLine:
    """A line of a jobs file, and the job it got (None: it got none, and ``reason`` says why)."""

    number: int
    job: WatchedJob | None
    reason: str | None = None
    #: The run that recorded it, when the results file names one.
    run_id: str | None = None


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
    """`batch watch --results FILE`: follow every job every run in the file recorded."""
    lines, tail = await asyncio.to_thread(_recorded_lines, args.results, args.queue)
    warning = tail.warning(args.results)
    if warning:
        say(warning)
    if not lines:
        say(f"{args.results}: no submitted job to watch")
        return 0
    return await follow(
        session, lines, poll_interval=args.poll_interval, logs_on_failure=args.logs_on_failure
    )


async def follow(
    session: Session,
    lines: list[InputLine],
    *,
    poll_interval: float,
    logs_on_failure: int | None = None,
) -> int:
    """Watch the jobs of ``lines`` to their end; the exit status (0: every line's job
    SUCCEEDED). With ``logs_on_failure``, the summary shows each failed job's last lines."""
    jobs = list({line.job.job_id: line.job for line in lines if line.job is not None}.values())
    latest: dict[str, ServiceJobUpdate] = {}
    if jobs:
        table = _StatusTable()
        watching = session.batch.watch_service_jobs(
            jobs, poll_interval=poll_interval, logs_on_failure=logs_on_failure
        )
        async with watching:
            cycle = 0  # looks completed when the table was last shown
            async for update in watching:
                if watching.cycles != cycle and latest:  # a new look began: show the last
                    cycle = watching.cycles
                    table.show(_statuses(lines, latest))
                latest[update.job_id] = update
        table.show(_statuses(lines, latest))
    return _summary(lines, latest)


def _statuses(lines: list[InputLine], latest: dict[str, ServiceJobUpdate]) -> list[str]:
    """The status of each line's job, as last seen."""
    return [
        latest[line.job.job_id].status
        for line in lines
        if line.job is not None and line.job.job_id in latest
    ]


class _StatusTable:
    """The counts per status, on standard error."""

    def __init__(self) -> None:
        self._board = Board()

    def show(self, statuses: Iterable[str]) -> None:
        counts = Counter(statuses)
        header = "  ".join(f"{status:>9}" for status in STATUSES)
        values = "  ".join(f"{counts.get(status, 0):>9}" for status in STATUSES)
        self._board.show([header, values])


def _summary(lines: list[InputLine], latest: dict[str, ServiceJobUpdate]) -> int:
    def status(line: InputLine) -> str | None:
        update = latest.get(line.job.job_id) if line.job is not None else None
        return update.status if update is not None else None

    succeeded = sum(1 for line in lines if status(line) == "SUCCEEDED")
    failed = sum(1 for line in lines if status(line) == "FAILED")
    jobless = sum(1 for line in lines if line.job is None)
    summary = f"{succeeded} of {len(lines)} succeeded, {failed} failed"
    say(summary + (f", {jobless} never got a job" if jobless else ""))
    runs = list(dict.fromkeys(line.run_id for line in lines))
    for line in sorted(lines, key=lambda line: (runs.index(line.run_id), line.number)):
        if status(line) == "SUCCEEDED":
            continue
        label = f"line {line.number}"
        if len(runs) > 1:
            label = f"run {line.run_id} {label}"
        if line.job is None:
            say(f"  {label}: no job: {line.reason or 'no reason given'}")
        else:
            update = latest.get(line.job.job_id)
            reason = update.status_reason if update is not None else None
            training = update.training_job_name if update is not None else None
            job = f"job {line.job.job_id}" + (f" (training job {training})" if training else "")
            say(f"  {label}: {job}: {reason or 'no reason given'}")
            if update is not None:
                _say_logs(update)
    return 0 if succeeded == len(lines) else 1


def _say_logs(update: ServiceJobUpdate) -> None:
    """A failed job's last lines (or why they could not be read), when they were asked for."""
    if update.logs_unread is not None:
        say(f"      (its logs could not be read: {update.logs_unread})")
    elif update.logs is not None and not update.logs:
        say("      (its logs have no lines)")
    elif update.logs is not None:
        say(*(f"      {log_text(line)}" for line in update.logs))


def _recorded_lines(path: str, queue: str | None) -> tuple[list[InputLine], Tail]:
    """Every line every run in a results file recorded (a run's line submitted once counts
    as submitted, else its last record wins), and how the file ends."""
    by_line: dict[tuple[str | None, int], InputLine] = {}

    def visit(number: int, record: dict[str, Any] | None) -> None:
        line = line_number(record) if record is not None else None
        if record is None or line is None:
            raise UsageError(
                "--results",
                f"{path}:{number} is not a results record (not JSON, or no line number)",
            )
        run_id = record.get("run_id")
        run_id = run_id if isinstance(run_id, str) else None
        job_id = record.get("jobId")  # as the SubmitServiceJob response names it
        if record.get("ok") is True and isinstance(job_id, str):
            job = WatchedJob(job_id, record.get("job_queue") or queue, line)
            by_line[run_id, line] = InputLine(line, job, run_id=run_id)
        elif (earlier := by_line.get((run_id, line))) is None or earlier.job is None:
            by_line[run_id, line] = InputLine(line, None, _reason(record), run_id)

    tail = read_records(path, visit)
    return list(by_line.values()), tail


def _reason(record: dict[str, Any]) -> str | None:
    error = record.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else None
