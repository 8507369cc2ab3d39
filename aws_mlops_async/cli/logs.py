"""`sagemaker logs` and `batch logs`: a training job's log lines, printed as they arrive.

Each line is printed (standard output, flushed) as `log_lines.log_text` shows it, made safe
for a terminal. Without ``--follow`` it prints what was written so far, and a job with no
lines yet is an error saying so; with it, it waits for the job to start and ends once the job
has ended and its last lines were printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..ext.training_logs import ENDED, TrainingJobLogs
from ..session import Session
from .log_lines import TIMESTAMPS, line_count, log_text, since
from .options import CommandParser, positive_float
from .output import out, say

__all__ = ["add_log_arguments", "service_job_logs", "training_job_logs"]

#: Seconds between two looks at a followed job, by default (as SageMaker's Python SDK).
POLL_INTERVAL = 10.0


def add_log_arguments(parser: CommandParser) -> None:
    """The options both log commands take."""
    parser.add_argument(
        "--follow",
        action="store_true",
        help="go on printing lines as they are written, until the job has ended (waiting for "
        "it to start); Ctrl-C stops",
    )
    parser.add_argument(
        "--since",
        type=since,
        metavar="WHEN",
        help="only lines written since: a time ago (30s, 10m, 2h, 1d) or an ISO-8601 time",
    )
    parser.add_argument(
        "--tail",
        type=line_count,
        metavar="N",
        help="start at the last N lines of all the instances' (at most 10000)",
    )
    parser.add_argument(
        "--timestamps",
        choices=TIMESTAMPS,
        default="local",
        help="when each line was written: local time (the default), ISO-8601 in UTC to the "
        "millisecond, or none",
    )
    parser.add_argument(
        "--poll-interval",
        type=positive_float,
        default=POLL_INTERVAL,
        metavar="SECONDS",
        help=f"seconds between two looks at a followed job ({POLL_INTERVAL:g})",
    )


#: The library's argument names, as the log commands' flags (for a usage error's message).
FLAGS = {
    "start_time": "--since",
    "tail": "--tail",
    "poll_interval": "--poll-interval",
}


async def training_job_logs(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker logs NAME`: a training job's lines."""
    name = args.name.rsplit("/", 1)[-1]  # an ARN's last part is the job's name
    reader = session.sagemaker.training_job_logs(name, **_reading(args))
    return await _print(reader, args, f"training job {name}")


async def service_job_logs(args: argparse.Namespace, session: Session) -> int:
    """`batch logs JOB_ID_OR_ARN`: the lines of the training job a service job runs as."""
    job_id = args.job.rsplit("/", 1)[-1]  # an ARN's last part is the job's id
    reader = session.batch.service_job_logs(job_id, **_reading(args))
    return await _print(reader, args, f"service job {args.job}")


def _reading(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "follow": args.follow,
        "start_time": args.since,
        "tail": args.tail,
        "poll_interval": args.poll_interval,
    }


async def _print(reader: TrainingJobLogs, args: argparse.Namespace, what: str) -> int:
    printed = 0
    async with reader:
        async for line in reader:
            out(log_text(line, args.timestamps), flush=True)
            printed += 1
    if printed or args.follow:
        return 0
    say(f"error: {_why_no_lines(reader, what)}")
    return 1


def _why_no_lines(reader: TrainingJobLogs, what: str) -> str:
    job = reader.training_job
    if job is None:
        return f"{what} has no training job (yet: --follow waits for one)"
    status = job.training_job_status
    if not reader.streams and status in ENDED:
        return f"{what} wrote no logs (status {status})"
    if not reader.streams:
        return f"{what} has written no logs yet (status {status}; --follow waits for them)"
    return f"{what} wrote no lines that --since or --tail let through (status {status})"
