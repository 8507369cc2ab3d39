"""Run the emulator from a shell until interrupted; it prints its URL on the first line.

    python -m aws_mlops_async.local --port 4567 [--seed 7] [--snapshot state.json]
        [--throttle 0.05] [--server-error 0.02] [--drop 0.01] [--lost-response 0.01]
        [--delay 0.05] [--fault SubmitServiceJob:throttle=0.3] [--phase-seconds 2]

Point any SDK at the URL with the printed keys and region. SIGINT or SIGTERM stops it (and
writes the snapshot, when one is set).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from .faults import FAULT_KINDS
from .server import LocalAws
from .settings import DEFAULT_ACCESS_KEY, DEFAULT_REGION, DEFAULT_SECRET_KEY, Durations

__all__ = ["build", "main", "parser", "serve"]

_RULE_KEYS = (*FAULT_KINDS, "delay")
_FAULT_HELP = {
    "throttle": "answered with the service's throttling error",
    "server_error": "answered with the service's HTTP 500 error",
    "unavailable": "answered with HTTP 503",
    "drop": "connection closed before the request is processed",
    "lost_response": "processed, then the connection closed unanswered",
}


def parser() -> argparse.ArgumentParser:
    """The command line's options."""
    cli = argparse.ArgumentParser(
        prog="python -m aws_mlops_async.local",
        description="Emulate SageMaker image versions, Batch service jobs, DataZone notebook "
        "runs and Lookout for Vision model packaging on one local port.",
    )
    cli.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    cli.add_argument("--port", type=int, default=4567, help="port (4567; 0 picks a free one)")
    cli.add_argument("--region", default=DEFAULT_REGION, help=f"region ({DEFAULT_REGION})")
    cli.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="accepted access key")
    cli.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="its secret key")
    cli.add_argument("--seed", type=int, help="make fault draws and identifiers repeatable")
    cli.add_argument("--snapshot", help="JSON file loaded at start and written at stop")
    cli.add_argument("--no-verify-signatures", action="store_true", help="accept unsigned requests")
    cli.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="run the emulator's wall clock this far ahead of this host's (negative: behind), "
        "to test clock-skew correction",
    )
    cli.add_argument(
        "--no-auto-create-images",
        action="store_true",
        help="CreateImageVersion of a missing image is ResourceNotFound, as in SageMaker",
    )
    faults = cli.add_argument_group("faults (fractions of requests, for every operation)")
    for kind, text in _FAULT_HELP.items():
        faults.add_argument(
            f"--{kind.replace('_', '-')}", type=float, default=0.0, metavar="F", help=text
        )
    faults.add_argument("--delay", type=float, default=0.0, help="seconds added to each request")
    faults.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="[OPERATION:]KIND=VALUE",
        help=f"a fault rate for one operation; KIND is one of {', '.join(_RULE_KEYS)} "
        "(repeatable; e.g. SubmitServiceJob:throttle=0.3)",
    )
    timing = cli.add_argument_group("timing (seconds on the emulator's clock)")
    timing.add_argument("--phase-seconds", type=float, help="every phase of every resource")
    timing.add_argument(
        "--duration",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="one phase: " + ", ".join(field.name for field in fields(Durations)),
    )
    return cli


def _fault_rules(args: argparse.Namespace) -> dict[str | None, dict[str, float]]:
    rules: dict[str | None, dict[str, float]] = {
        None: {key: getattr(args, key) for key in _RULE_KEYS if getattr(args, key)}
    }
    for spec in args.fault:
        target, _, setting = spec.rpartition(":")
        key, _, value = setting.partition("=")
        if key not in _RULE_KEYS or not value:
            raise SystemExit(f"--fault {spec!r}: expected [OPERATION:]KIND=VALUE")
        rules.setdefault(target or None, {})[key] = float(value)
    return rules


def _durations(args: argparse.Namespace) -> Durations:
    durations = (
        Durations.uniform(args.phase_seconds) if args.phase_seconds is not None else Durations()
    )
    names = {field.name for field in fields(Durations)}
    for spec in args.duration:
        name, _, value = spec.partition("=")
        if name not in names or not value:
            raise SystemExit(f"--duration {spec!r}: expected NAME=SECONDS, NAME one of {names}")
        durations = replace(durations, **{name: float(value)})
    return durations


def build(args: argparse.Namespace) -> LocalAws:
    """The emulator the parsed options describe, faults set."""
    endpoint = LocalAws(
        region=args.region,
        credentials={args.access_key: args.secret_key},
        host=args.host,
        port=args.port,
        seed=args.seed,
        snapshot=args.snapshot,
        durations=_durations(args),
        auto_create_images=not args.no_auto_create_images,
        verify_signatures=not args.no_verify_signatures,
        clock_offset=args.clock_offset,
    )
    for operation, rule in _fault_rules(args).items():
        if rule or operation is not None:
            settings: dict[str, Any] = dict(rule)
            endpoint.faults.set(**settings, operation=operation)
    return endpoint


async def serve(endpoint: LocalAws, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set; the URL goes to stdout, the keys to stderr."""
    async with endpoint:
        print(endpoint.url, flush=True)
        print(
            f"AWS_ACCESS_KEY_ID={endpoint.access_key} "
            f"AWS_SECRET_ACCESS_KEY={endpoint.secret_key} AWS_REGION={endpoint.region}",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    args = parser().parse_args(argv)
    endpoint = build(args)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await serve(endpoint, stop)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
