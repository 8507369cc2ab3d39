"""What every command shares: its argument parser, flag value checks, usage errors, and the
options that say where calls go."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NoReturn

from ..session import Session

__all__ = [
    "CommandParser",
    "UsageError",
    "open_session",
    "positive_float",
    "positive_int",
    "target_options",
]


class UsageError(Exception):
    """A flag whose value cannot work, found before anything was sent (exit status 2)."""

    def __init__(self, flag: str, problem: str) -> None:
        super().__init__(f"argument {flag}: {problem}")


class CommandParser(argparse.ArgumentParser):
    """argparse's parser, reporting a usage error in one line (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` and a pointer to ``--help``; exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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


def target_options(*, local_by_default: bool = False) -> CommandParser:
    """Where calls go, as argparse options: ``--local``, ``--endpoint-url``, or AWS through
    ``--profile``/``--region``; add it with ``parents=[target_options()]``."""
    target = CommandParser(add_help=False)
    where = target.add_argument_group("where calls go")
    where.add_argument(
        "--local",
        action="store_true",
        default=local_by_default,
        help="an in-process local endpoint" + (" (the default)" if local_by_default else ""),
    )
    where.add_argument("--endpoint-url", help="send to this endpoint (e.g. a running emulator)")
    where.add_argument("--profile", help="AWS profile for credentials and region (real AWS)")
    where.add_argument("--region", help="AWS region (real AWS)")
    return target


@asynccontextmanager
async def open_session(args: argparse.Namespace) -> AsyncIterator[Session]:
    """A Session for the options of `target_options`: naming a profile, region or endpoint
    means real calls there; otherwise ``--local`` starts an in-process emulator."""
    if args.local and not (args.profile or args.region or args.endpoint_url):
        from ..local import LocalAws

        async with LocalAws() as endpoint, endpoint.session() as session:
            yield session
        return
    async with Session(
        region_name=args.region, profile_name=args.profile, endpoint_url=args.endpoint_url
    ) as session:
        yield session


def say(text: str) -> None:
    """One line for the person at the terminal (standard error)."""
    print(text, file=sys.stderr, flush=True)
