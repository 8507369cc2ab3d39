"""The `aws-mlops-async` command: bulk Batch submission and listings from a shell.

aws-mlops-async batch submit --queue Q --jobs jobs.jsonl [--results out.jsonl] [--local]
aws-mlops-async batch list-service-jobs --queue Q [--json]
aws-mlops-async sagemaker list-image-versions --image-name NAME [--json]

Exit status: 0 when everything succeeded, 1 when something failed, 2 for a usage error (a flag
whose value cannot work, reported before anything is sent), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import get_args

from ..errors import AwsError
from ..session import Session
from .listings import list_image_versions, list_service_jobs
from .options import (
    CommandParser,
    UsageError,
    open_session,
    positive_float,
    positive_int,
    say,
    target_options,
)
from .submit import submit

__all__ = ["main", "open_session", "target_options"]

Command = Callable[[argparse.Namespace, Session], Awaitable[int]]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the process exit status (0 only when everything succeeded)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_with_session(args, args.run))
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except UsageError as error:
        say(f"{parser.prog}: error: {error}")
        return 2
    except AwsError as error:
        say(f"error: {error}")
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter's last
        # flush of standard output from failing again on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


async def _with_session(args: argparse.Namespace, command: Command) -> int:
    async with open_session(args) as session:
        return await command(args, session)


def _parser() -> argparse.ArgumentParser:
    from ..services.batch.models import ServiceJobStatus

    parser = CommandParser(prog="aws-mlops-async", description=__doc__.splitlines()[0])
    target = target_options()
    services = parser.add_subparsers(dest="service", required=True)

    batch = services.add_parser("batch", help="AWS Batch service jobs").add_subparsers(
        dest="command", required=True
    )
    jobs = batch.add_parser("submit", parents=[target], help="submit jobs from a JSON-lines file")
    jobs.add_argument("--queue", required=True, help="job queue for jobs that name none")
    jobs.add_argument(
        "--jobs",
        required=True,
        help="JSON lines, one SubmitServiceJob per line ('-' reads standard input); "
        "blank lines are skipped, a line that is not a valid job fails alone",
    )
    jobs.add_argument("--concurrency", type=positive_int, default=32, help="requests in flight")
    jobs.add_argument(
        "--max-rate", type=positive_float, help="at most this many requests per second"
    )
    jobs.add_argument("--run-id", help="reuse to resume a run without creating jobs twice")
    jobs.add_argument("--results", help="append one JSON line per input line here")
    jobs.add_argument(
        "--give-up-after",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="stop when no request has reached the service for this long (60)",
    )
    jobs.set_defaults(run=submit)
    listing = batch.add_parser("list-service-jobs", parents=[target], help="list service jobs")
    listing.add_argument("--queue", required=True)
    listing.add_argument(
        "--status", choices=get_args(get_args(ServiceJobStatus)[0]), help="only jobs in this status"
    )
    listing.add_argument("--json", action="store_true", help="print JSON lines, not a table")
    listing.set_defaults(run=list_service_jobs)

    sagemaker = services.add_parser("sagemaker", help="SageMaker images").add_subparsers(
        dest="command", required=True
    )
    versions = sagemaker.add_parser(
        "list-image-versions", parents=[target], help="list an image's versions"
    )
    versions.add_argument("--image-name", required=True)
    versions.add_argument("--json", action="store_true", help="print JSON lines, not a table")
    versions.set_defaults(run=list_image_versions)
    return parser
