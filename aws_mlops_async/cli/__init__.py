"""The `aws-mlops-async` command: bulk Batch submission, and the state of what it started.

aws-mlops-async batch submit --queue Q --jobs jobs.jsonl [--results out.jsonl]
aws-mlops-async batch list-service-jobs --queue Q [--status S] [--json]
aws-mlops-async batch watch --results out.jsonl [--logs-on-failure N]
aws-mlops-async batch logs JOB_ID_OR_ARN [--follow] [--since WHEN] [--tail N]
aws-mlops-async sagemaker list-image-versions --image-name NAME [--json]
aws-mlops-async sagemaker logs NAME [--follow] [--since WHEN] [--tail N] [--timestamps ...]
aws-mlops-async datazone start-notebook-run | get-notebook-run | list-notebook-runs | wait
aws-mlops-async lookoutvision start-model-packaging-job | describe-model-packaging-job |
    list-model-packaging-jobs | wait

Where calls go: as AWS_ENDPOINT_URL, AWS_PROFILE and AWS_REGION configure any AWS SDK, or
--endpoint-url / --profile / --region, or --local for an emulator on this machine.
Exit status: 0 when everything succeeded, 1 when something failed, 2 for a usage error (a flag
whose value cannot work, reported before anything is sent), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from .._version import __version__
from ..errors import AwsError, ValidationError
from ..session import Session
from . import batch, datazone, lookoutvision, sagemaker
from .options import CommandParser, UsageError, open_session, target_options, translate
from .output import say

__all__ = ["main"]

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
    except ValidationError as error:
        usage = translate(error, args.flags)
        say(f"{parser.prog}: error: {usage}" if usage else f"error: {error}")
        return 2
    except AwsError as error:
        say(f"error: {error}")
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`) having read what it wanted: stop quietly, and keep
        # the interpreter's last flush of standard output from failing again on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def _with_session(args: argparse.Namespace, command: Command) -> int:
    async with open_session(args) as session:
        return await command(args, session)


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(prog="aws-mlops-async", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"aws-mlops-async {__version__}")
    target = target_options()
    services = parser.add_subparsers(dest="service", required=True)
    for service in (batch, sagemaker, datazone, lookoutvision):
        service.add_commands(services, target)
    return parser
