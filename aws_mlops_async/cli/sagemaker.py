"""`aws-mlops-async sagemaker ...`: an image's versions, training jobs and their logs."""

from __future__ import annotations

import argparse
from typing import Any, get_args

from ..services.sagemaker.models import (
    DescribeTrainingJobResponse,
    ImageVersion,
    TrainingJobStatus,
    TrainingJobSummary,
)
from ..session import Session
from .logs import FLAGS, add_log_arguments, training_job_logs
from .options import PAGE_SIZE_FLAGS, CommandParser, add_page_size, pagination
from .tables import Row, iso, show

__all__ = ["add_commands"]

TRAINING_STATUSES: tuple[str, ...] = get_args(TrainingJobStatus)


def add_commands(services: Any, target: CommandParser) -> None:
    """The ``sagemaker`` commands, under ``services``."""
    sagemaker = services.add_parser(
        "sagemaker", help="SageMaker images and training jobs"
    ).add_subparsers(dest="command", required=True)
    versions = sagemaker.add_parser(
        "list-image-versions", parents=[target], help="list an image's versions"
    )
    versions.add_argument("--image-name", required=True, help="the SageMaker image's name")
    add_page_size(versions)
    versions.add_argument("--json", action="store_true", help="JSON lines, not a table")
    versions.set_defaults(
        run=list_image_versions, flags={"image_name": "--image-name", **PAGE_SIZE_FLAGS}
    )

    describe = sagemaker.add_parser(
        "describe-training-job",
        parents=[target],
        help="a training job: status, times, failure reason (a service job's "
        "serviceResourceId names it)",
    )
    describe.add_argument("--name", required=True, help="the training job's name or ARN")
    describe.add_argument("--json", action="store_true", help="JSON, not a table")
    describe.set_defaults(run=describe_training_job, flags={"training_job_name": "--name"})

    logs = sagemaker.add_parser(
        "logs",
        parents=[target],
        help="a training job's log lines from every instance, in time order",
        description="Print a training job's log lines from every instance in time order, each "
        "prefixed by its instance ([algo-1]) and when it was written. Exit status 0, or 1 for "
        "a job that does not exist or (without --follow) has no lines yet.",
    )
    logs.add_argument("name", metavar="NAME", help="the training job's name or ARN")
    add_log_arguments(logs)
    logs.set_defaults(run=training_job_logs, flags={**FLAGS, "training_job_name": "NAME"})

    training = sagemaker.add_parser(
        "list-training-jobs", parents=[target], help="list training jobs, newest first"
    )
    training.add_argument("--status", choices=TRAINING_STATUSES, help="only jobs in this status")
    training.add_argument("--name-contains", help="only jobs whose name contains this")
    add_page_size(training)
    training.add_argument("--json", action="store_true", help="JSON lines, not a table")
    training.set_defaults(
        run=list_training_jobs,
        flags={"status_equals": "--status", "name_contains": "--name-contains", **PAGE_SIZE_FLAGS},
    )


def image_version_row(version: ImageVersion) -> Row:
    """An image version as the sagemaker tables show it."""
    return {
        "Version": str(version.version),
        "Status": str(version.image_version_status),
        "Created": iso(version.creation_time),
        "Arn": version.image_version_arn,
    }


async def list_image_versions(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker list-image-versions`: an image's versions."""
    pages = session.sagemaker.get_paginator("list_image_versions").paginate(
        image_name=args.image_name, pagination_config=pagination(args)
    )
    show([version async for version in pages.items()], image_version_row, as_json=args.json)
    return 0


def training_job_row(job: TrainingJobSummary | DescribeTrainingJobResponse) -> Row:
    """A training job as the sagemaker tables show it."""
    row = {
        "Name": job.training_job_name or "-",
        "Status": str(job.training_job_status or "-"),
        "Created": iso(job.creation_time),
        "Ended": iso(job.training_end_time),
    }
    if isinstance(job, DescribeTrainingJobResponse):
        row["Secondary Status"] = str(job.secondary_status or "-")
        row["Failure Reason"] = job.failure_reason or "-"
    row["Arn"] = job.training_job_arn or "-"
    return row


async def describe_training_job(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker describe-training-job`: one training job."""
    name = args.name.rsplit("/", 1)[-1]  # an ARN's last part is the job's name
    job = await session.sagemaker.describe_training_job(training_job_name=name)
    show([job], training_job_row, as_json=args.json)
    return 0


async def list_training_jobs(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker list-training-jobs`: training jobs, newest first."""
    pages = session.sagemaker.get_paginator("list_training_jobs").paginate(
        status_equals=args.status,
        name_contains=args.name_contains,
        pagination_config=pagination(args),
    )
    show([job async for job in pages.items()], training_job_row, as_json=args.json)
    return 0
