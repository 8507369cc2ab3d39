"""`aws-mlops-async lookoutvision ...`: Lookout for Vision model packaging jobs."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from ..services.lookoutvision.models import ModelPackagingDescription, ModelPackagingJobMetadata
from ..session import Session
from .options import (
    PAGE_SIZE_FLAGS,
    CommandParser,
    UsageError,
    add_page_size,
    pagination,
    positive_float,
    positive_int,
)
from .output import out
from .tables import Row, iso, show

__all__ = ["add_commands"]

JOB_FLAGS = {"project_name": "--project", "job_name": "--job-name"}


def add_commands(services: Any, target: CommandParser) -> None:
    """The ``lookoutvision`` commands, under ``services``."""
    lookoutvision = services.add_parser(
        "lookoutvision", help="Lookout for Vision model packaging jobs"
    ).add_subparsers(dest="command", required=True)

    start = lookoutvision.add_parser(
        "start-model-packaging-job", parents=[target], help="package a model version"
    )
    start.add_argument("--project", required=True, help="the Lookout for Vision project's name")
    start.add_argument("--model-version", required=True, help="the model version to package")
    start.add_argument(
        "--configuration",
        required=True,
        help="the ModelPackagingConfiguration as JSON, or @FILE to read it from a file",
    )
    start.add_argument("--job-name", help="a name of your own (one is made up otherwise)")
    start.add_argument("--description", help="a description of the job, kept with it")
    start.add_argument("--json", action="store_true", help="JSON, not a table")
    start.set_defaults(
        run=start_model_packaging_job,
        flags={
            "project_name": "--project",
            "model_version": "--model-version",
            "configuration": "--configuration",
            "job_name": "--job-name",
            "description": "--description",
        },
    )

    describe = lookoutvision.add_parser(
        "describe-model-packaging-job", parents=[target], help="one packaging job"
    )
    describe.add_argument("--project", required=True, help="the Lookout for Vision project's name")
    describe.add_argument("--job-name", required=True, help="the packaging job's name")
    describe.add_argument("--json", action="store_true", help="JSON, not a table")
    describe.set_defaults(run=describe_model_packaging_job, flags=JOB_FLAGS)

    listing = lookoutvision.add_parser(
        "list-model-packaging-jobs", parents=[target], help="a project's packaging jobs"
    )
    listing.add_argument("--project", required=True, help="the Lookout for Vision project's name")
    listing.add_argument("--json", action="store_true", help="JSON lines, not a table")
    add_page_size(listing)
    listing.set_defaults(
        run=list_model_packaging_jobs, flags={"project_name": "--project", **PAGE_SIZE_FLAGS}
    )

    wait = lookoutvision.add_parser(
        "wait",
        parents=[target],
        help="wait until a packaging job SUCCEEDED (exit 0) or FAILED (exit 1)",
    )
    wait.add_argument("--project", required=True, help="the Lookout for Vision project's name")
    wait.add_argument("--job-name", required=True, help="the packaging job's name")
    wait.add_argument("--delay", type=positive_float, help="seconds between polls (30)")
    wait.add_argument("--max-attempts", type=positive_int, help="polls at most (120)")
    wait.add_argument("--json", action="store_true", help="JSON, not a table")
    wait.set_defaults(run=wait_for_model_packaging_job, flags=JOB_FLAGS)


def job_row(job: ModelPackagingDescription | ModelPackagingJobMetadata) -> Row:
    """A packaging job as every lookoutvision table shows it."""
    return {
        "Job Name": job.job_name or "-",
        "Model Version": job.model_version or "-",
        "Status": str(job.status or "-"),
        "Created": iso(job.creation_timestamp),
        "Status Message": job.status_message or "-",
    }


async def _configuration(text: str) -> Any:
    source = text
    if text.startswith("@"):
        try:
            source = await asyncio.to_thread(Path(text[1:]).read_text, encoding="utf-8")
        except OSError as error:
            problem = f"cannot read {text[1:]!r}: {error.strerror}"
            raise UsageError("--configuration", problem) from None
    try:
        return json.loads(source)
    except json.JSONDecodeError as error:
        raise UsageError("--configuration", f"not valid JSON: {error.msg}") from None


async def start_model_packaging_job(args: argparse.Namespace, session: Session) -> int:
    """`lookoutvision start-model-packaging-job`: the job started."""
    started = await session.lookoutvision.start_model_packaging_job(
        project_name=args.project,
        model_version=args.model_version,
        configuration=await _configuration(args.configuration),
        job_name=args.job_name,
        description=args.description,
    )
    if args.json:
        show([started], lambda _: {}, as_json=True)
    else:
        out(f"started {started.job_name}")
    return 0


async def describe_model_packaging_job(args: argparse.Namespace, session: Session) -> int:
    """`lookoutvision describe-model-packaging-job`: one job."""
    described = await session.lookoutvision.describe_model_packaging_job(
        project_name=args.project, job_name=args.job_name
    )
    jobs = [described.model_packaging_description] if described.model_packaging_description else []
    show(jobs, job_row, as_json=args.json)
    return 0


async def list_model_packaging_jobs(args: argparse.Namespace, session: Session) -> int:
    """`lookoutvision list-model-packaging-jobs`: a project's jobs."""
    pages = session.lookoutvision.get_paginator("list_model_packaging_jobs").paginate(
        project_name=args.project, pagination_config=pagination(args)
    )
    show([job async for job in pages.items()], job_row, as_json=args.json)
    return 0


async def wait_for_model_packaging_job(args: argparse.Namespace, session: Session) -> int:
    """`lookoutvision wait`: until the job SUCCEEDED (a WaiterError, exit 1, otherwise)."""
    described = await session.lookoutvision.get_waiter("model_packaging_job_finished").wait(
        project_name=args.project,
        job_name=args.job_name,
        delay=args.delay,
        max_attempts=args.max_attempts,
    )
    jobs = [described.model_packaging_description] if described.model_packaging_description else []
    show(jobs, job_row, as_json=args.json)
    return 0
