"""`aws-mlops-async batch ...`: submit service jobs from a file, watch them, list a queue's
jobs, read a job's logs."""

from __future__ import annotations

import argparse
from typing import Any, get_args

from ..ext.training_jobs import training_job_name
from ..services.batch.models import (
    DescribeServiceJobResponse,
    ServiceJobStatus,
    ServiceJobSummary,
)
from ..session import Session
from .log_lines import line_count
from .logs import FLAGS, add_log_arguments, service_job_logs
from .options import (
    PAGE_SIZE_FLAGS,
    CommandParser,
    add_page_size,
    pagination,
    positive_float,
    positive_int,
)
from .submit import submit
from .tables import Row, epoch_ms, show
from .watch import watch

__all__ = ["add_commands"]

STATUSES: tuple[str, ...] = get_args(ServiceJobStatus)


def add_commands(services: Any, target: CommandParser) -> None:
    """The ``batch`` commands, under ``services``."""
    batch = services.add_parser("batch", help="AWS Batch service jobs").add_subparsers(
        dest="command", required=True
    )
    jobs = batch.add_parser(
        "submit",
        parents=[target],
        help="submit jobs from a JSON-lines file",
        description="Submit one SubmitServiceJob per line of --jobs, each line's client token "
        "derived from the run id and its line number. With the same --run-id and --results, a "
        "re-run skips the lines recorded as done and creates nothing twice; it refuses (exit "
        "status 2, before anything is sent) a jobs file in which a line the earlier run sent "
        "changed, moved or went (add new jobs at the end). Exit status: 0 when every job "
        "succeeded, 1 when one failed or the results could not be written (the run stops at "
        "once: nothing more is sent), 2 for a usage error.",
    )
    jobs.add_argument("--queue", required=True, help="job queue for jobs that name none")
    jobs.add_argument(
        "--jobs",
        required=True,
        help="UTF-8 JSON lines, one SubmitServiceJob per line ('-' reads standard input); "
        "blank lines are skipped, a line that is not a valid job fails alone",
    )
    jobs.add_argument("--concurrency", type=positive_int, default=32, help="requests in flight")
    jobs.add_argument(
        "--max-rate", type=positive_float, help="at most this many requests per second"
    )
    jobs.add_argument("--run-id", help="reuse to resume a run without creating jobs twice")
    jobs.add_argument(
        "--results",
        help="append one JSON line per input line here (run_id, line_number, line_digest: a "
        "digest of the line, ok, the job or the error), each line whole; not the --jobs file",
    )
    jobs.add_argument(
        "--give-up-after",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="stop when no request has reached the service for this long (60)",
    )
    jobs.add_argument(
        "--wait",
        action="store_true",
        help="then follow the jobs this run submitted to their end (a table of counts per "
        "status, then a summary); exit status 0 only when every one SUCCEEDED",
    )
    jobs.add_argument(
        "--poll-interval",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help="seconds between two looks at the queues with --wait (30)",
    )
    add_logs_on_failure(jobs, "with --wait, ")
    jobs.set_defaults(run=submit, flags={"logs_on_failure": "--logs-on-failure"})

    watching = batch.add_parser(
        "watch",
        parents=[target],
        help="follow the jobs a `batch submit --results` file recorded to their end",
        description="Follow every job every run in a results file recorded to its end, then "
        "count the lines: how many succeeded, failed, or never got a job. Exit status 0 only "
        "when every line's job SUCCEEDED.",
    )
    watching.add_argument(
        "--results",
        required=True,
        help="the results file of batch submit (a last line cut short is ignored)",
    )
    watching.add_argument(
        "--queue", help="the job queue of records that name none (older results files)"
    )
    watching.add_argument(
        "--poll-interval",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help="seconds between two looks at the queues (30)",
    )
    add_logs_on_failure(watching)
    watching.set_defaults(run=watch, flags={"logs_on_failure": "--logs-on-failure"})

    describe = batch.add_parser(
        "describe-service-job",
        parents=[target],
        help="a service job: status, times, reason, the training job it runs as",
    )
    describe.add_argument("--job", required=True, help="the service job's id or ARN")
    describe.add_argument("--json", action="store_true", help="JSON, not a table")
    describe.set_defaults(run=describe_service_job, flags={"job_id": "--job"})

    logs = batch.add_parser(
        "logs",
        parents=[target],
        help="the log lines of the training job a service job runs as",
        description="Print the log lines of the SageMaker training job a SAGEMAKER_TRAINING "
        "service job runs as (its latest attempt's), from every instance in time order, each "
        "prefixed by its instance ([algo-1]) and when it was written. Exit status 0, or 1 for "
        "a job that does not exist or (without --follow) has no lines yet.",
    )
    logs.add_argument("job", metavar="JOB_ID_OR_ARN", help="the service job's id or ARN")
    add_log_arguments(logs)
    logs.set_defaults(run=service_job_logs, flags={**FLAGS, "job_id": "JOB_ID_OR_ARN"})

    listing = batch.add_parser(
        "list-service-jobs",
        parents=[target],
        help="list a queue's service jobs, of every status unless --status says",
    )
    listing.add_argument("--queue", required=True, help="the job queue's name or ARN")
    listing.add_argument(
        "--status",
        choices=STATUSES,
        help="only jobs in this status (by default every status: Batch itself lists only "
        "RUNNING jobs when asked for none)",
    )
    add_page_size(listing)
    listing.add_argument("--json", action="store_true", help="JSON lines, not a table")
    listing.set_defaults(run=list_service_jobs, flags={"job_queue": "--queue", **PAGE_SIZE_FLAGS})


def add_logs_on_failure(parser: CommandParser, when: str = "") -> None:
    """``--logs-on-failure N``: why the failed jobs failed, from their logs."""
    parser.add_argument(
        "--logs-on-failure",
        type=line_count,
        metavar="N",
        help=f"{when}show each failed job's last N log lines (at most 10000) under its status "
        "reason in the summary, or why they could not be read (the first 50 failed jobs)",
    )


def service_job_row(job: ServiceJobSummary | DescribeServiceJobResponse) -> Row:
    """A service job as every batch table shows it (described: its queue, when it started
    and stopped, the training job it runs as too)."""
    row = {
        "Job Id": job.job_id,
        "Name": job.job_name,
        "Status": str(job.status or "-"),
        "Created": epoch_ms(job.created_at),
    }
    if isinstance(job, DescribeServiceJobResponse):
        attempt = job.latest_attempt
        resource = attempt.service_resource_id if attempt else None
        row["Queue"] = job.job_queue
        row["Started"] = epoch_ms(job.started_at)
        row["Stopped"] = epoch_ms(job.stopped_at)
        row["Training Job"] = training_job_name(resource.value if resource else None) or "-"
    row["Status Reason"] = job.status_reason or "-"
    return row


async def describe_service_job(args: argparse.Namespace, session: Session) -> int:
    """`batch describe-service-job`: one service job."""
    job_id = args.job.rsplit("/", 1)[-1]  # an ARN's last part is the job's id
    job = await session.batch.describe_service_job(job_id=job_id)
    show([job], service_job_row, as_json=args.json)
    return 0


async def list_service_jobs(args: argparse.Namespace, session: Session) -> int:
    """`batch list-service-jobs`: a queue's service jobs, newest first."""
    paginator = session.batch.get_paginator("list_service_jobs")
    if args.status is None:
        # A creation-time filter makes Batch list every status at once.
        pages = paginator.paginate(
            job_queue=args.queue,
            filters=[{"name": "AFTER_CREATED_AT", "values": ["0"]}],
            pagination_config=pagination(args),
        )
    else:
        pages = paginator.paginate(
            job_queue=args.queue, job_status=args.status, pagination_config=pagination(args)
        )
    show([job async for job in pages.items()], service_job_row, as_json=args.json)
    return 0
