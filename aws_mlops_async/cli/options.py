"""What every command shares: its argument parser, flag value checks, usage errors, and the
options that say where calls go."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import NoReturn

from ..errors import ValidationError
from ..pagination import PaginationConfig
from ..session import Session
from .output import say

__all__ = [
    "LOCAL_URL",
    "PAGE_SIZE_FLAGS",
    "CommandParser",
    "UsageError",
    "add_page_size",
    "key_value",
    "open_session",
    "pagination",
    "positive_float",
    "positive_int",
    "target_options",
    "translate",
]


class UsageError(Exception):
    """A flag whose value cannot work, found before anything was sent (exit status 2)."""

    def __init__(self, flag: str, problem: str) -> None:
        super().__init__(f"argument {flag}: {problem}")
        self.flag = flag


class CommandParser(argparse.ArgumentParser):
    """argparse's parser, reporting a usage error in one line (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` and a pointer to ``--help`` (made safe: it may quote
        an argument); exit with status 2."""
        say(f"{self.prog}: error: {message} (see {self.prog} --help)")
        self.exit(2)


def positive_int(text: str) -> int:
    """A flag value that must be a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def positive_float(text: str) -> float:
    """A flag value that must be a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, not {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text}")
    return value


def add_page_size(parser: argparse.ArgumentParser) -> None:
    """``--page-size N`` for a listing: how many items each request asks for."""
    parser.add_argument(
        "--page-size",
        type=positive_int,
        metavar="N",
        help="items each request asks for (the service's default when not given; a value "
        "above the service's maximum is refused before anything is sent); the table has one "
        "header however many pages come",
    )


def pagination(args: argparse.Namespace) -> PaginationConfig | None:
    """The `PaginationConfig` of ``--page-size`` (None: the service's default)."""
    return PaginationConfig(page_size=args.page_size) if args.page_size else None


#: The library's page-size argument, as a listing's flag (for a usage error's message).
PAGE_SIZE_FLAGS = {"max_results": "--page-size"}


LOCAL_URL = "http://127.0.0.1:4567"
"""Where `python -m aws_mlops_async.local` listens by default: what ``--local`` talks to."""


def key_value(text: str) -> tuple[str, str]:
    """A flag value of the form ``NAME=VALUE``."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name, value


def target_options() -> CommandParser:
    """Where calls go, as argparse options: ``--local``, ``--endpoint-url``, ``--profile``,
    ``--region`` (else the environment and profile decide, as for any AWS SDK); add it with
    ``parents=[target_options()]``."""
    target = CommandParser(add_help=False)
    where = target.add_argument_group(
        "where calls go (default: as AWS_ENDPOINT_URL, AWS_PROFILE and AWS_REGION configure)"
    )
    where.add_argument(
        "--local",
        action="store_true",
        help=f"the emulator running on this machine ({LOCAL_URL}, started with "
        "python -m aws_mlops_async.local), with any keys",
    )
    where.add_argument("--endpoint-url", help="send every request to this URL")
    where.add_argument("--profile", help="AWS profile for credentials, region and endpoint")
    where.add_argument("--region", help="AWS region")
    return target


@asynccontextmanager
async def open_session(args: argparse.Namespace) -> AsyncIterator[Session]:
    """A Session for the options of `target_options`."""
    if args.local:
        if args.endpoint_url or args.profile:
            raise UsageError("--local", "not with --endpoint-url or --profile: choose one")
        region = args.region or os.environ.get("AWS_REGION") or DEFAULT_LOCAL_REGION
        session = Session(
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            endpoint_url=LOCAL_URL,
        )
    else:
        session = Session(
            region_name=args.region, profile_name=args.profile, endpoint_url=args.endpoint_url
        )
    async with session:
        yield session


DEFAULT_LOCAL_REGION = "us-east-1"


def translate(error: ValidationError, flags: Mapping[str, str]) -> UsageError | None:
    """A request's ValidationError in the command line's terms: the flags its fields came
    from; None when a field did not come from a flag."""
    named = []
    for problem in error.problems:
        flag = flags.get(problem.field.split(".", 1)[0].split("[", 1)[0])
        if flag is None:
            return None
        named.append(f"{flag}: {problem.message}")
    first, *rest = named
    flag, _, message = first.partition(": ")
    return UsageError(flag, "; ".join([message, *rest]))
