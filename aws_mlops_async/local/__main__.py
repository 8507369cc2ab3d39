"""Run the emulator from a shell until interrupted; it prints its URL on the first line.

    python -m aws_mlops_async.local --port 4567 [--seed 7] [--snapshot state.json]
        [--throttle 0.05] [--server-error 0.02] [--drop 0.01] [--lost-response 0.01]
        [--delay 0.05] [--fault SubmitServiceJob:throttle=0.3] [--job-failure 0.1]
        [--phase-seconds 2] [--access-key AK --secret-key SK] [--region R]
        [--clock-offset SECONDS] [--verbose] [--strict-resources] [--no-auto-create-images]

``--job-failure F`` makes a share F (0 to 1) of the training jobs created (by SubmitServiceJob
of a SAGEMAKER_TRAINING job, or by CreateTrainingJob) end FAILED with an ``AlgorithmError``
statusReason; unlike the request faults it is a share of jobs, not of requests, and it is not
counted in their sum. With ``--seed`` the same jobs fail on every run.

By default it takes requests signed with any credentials, for any region (each region keeps
its own resources, as in AWS, and its name goes in their ARNs), as LocalStack and moto do;
``--access-key`` and ``--secret-key`` switch on strict SigV4 verification for those keys and
``--region``.
Taking any credentials on a ``--host`` that is not a loopback address (``0.0.0.0``, to be
reached from outside a container) lets anyone who reaches the port do anything there: it needs
``--any-credentials`` (else it is a bad option), and the banner says so.
SIGINT or SIGTERM stops it (and writes the snapshot, when one is set). A bad option, a port
in use or a ``--snapshot`` it cannot load (not a snapshot, a directory, a folder it cannot
write to) is one line on standard error and exit status 2; a snapshot it cannot write when it
stops is one line and exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import signal
import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from .._version import __version__
from .errors import SnapshotError
from .faults import FAULT_KINDS
from .server import LocalAws, is_loopback
from .settings import DEFAULT_REGION, Durations
from .training_script import MIN_LINES

__all__ = ["UsageError", "banner", "build", "main", "parser", "serve"]

_RULE_KEYS = (*FAULT_KINDS, "delay", "job_failure")
_FAULT_HELP = {
    "throttle": "answered with the service's throttling error",
    "server_error": "answered with the service's HTTP 500 error",
    "unavailable": "answered with HTTP 503",
    "drop": "connection closed before the request is processed",
    "lost_response": "processed, then the connection closed unanswered",
}
_PROG = "python -m aws_mlops_async.local"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 to 1, not {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction from 0 to 1, not {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, not {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def parser() -> argparse.ArgumentParser:
    """The command line's options."""
    cli = _Parser(
        prog=_PROG,
        description="Emulate SageMaker image versions and training jobs, Batch service "
        "environments, job queues, quota shares and service jobs (which start training jobs), "
        "DataZone notebook runs and Lookout for Vision model packaging on one local port.",
    )
    cli.add_argument("--version", action="version", version=f"aws-mlops-async {__version__}")
    cli.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1); one that is not a loopback address needs "
        "--access-key and --secret-key, or --any-credentials",
    )
    cli.add_argument("--port", type=int, default=4567, help="port (4567; 0 picks a free one)")
    cli.add_argument(
        "--region",
        default=DEFAULT_REGION,
        help=f"the region a request without a signature is for ({DEFAULT_REGION}); with "
        "--access-key, the only region accepted",
    )
    cli.add_argument(
        "--access-key", help="verify SigV4 signatures strictly, accepting only this access key"
    )
    cli.add_argument("--secret-key", help="the secret key of --access-key")
    cli.add_argument(
        "--any-credentials",
        action="store_true",
        help="take any credentials even on a --host that is not a loopback address, where "
        "anyone who reaches the port can read and change everything the emulator holds (on "
        "a loopback address, the default)",
    )
    cli.add_argument("--seed", type=int, help="make fault draws and identifiers repeatable")
    cli.add_argument(
        "--snapshot",
        help="JSON file loaded at start (if it exists) and written at stop, owner-only (it "
        "holds what requests sent, in clear)",
    )
    cli.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="run the emulator's wall clock this far ahead of this host's (negative: behind), "
        "to test clock-skew correction (with --access-key)",
    )
    cli.add_argument(
        "--no-auto-create-images",
        action="store_true",
        help="CreateImageVersion of a missing image is ResourceNotFound, as in SageMaker",
    )
    cli.add_argument(
        "--strict-resources",
        action="store_true",
        help="SubmitServiceJob to a job queue never created is a ClientException, as in Batch "
        "(by default any queue name goes)",
    )
    cli.add_argument(
        "--verbose", action="store_true", help="one line per request: operation, status, fault"
    )
    faults = cli.add_argument_group("faults (fractions of requests, for every operation)")
    for kind, text in _FAULT_HELP.items():
        faults.add_argument(
            f"--{kind.replace('_', '-')}", type=_fraction, default=0.0, metavar="F", help=text
        )
    faults.add_argument("--delay", type=_seconds, default=0.0, help="seconds added to each request")
    faults.add_argument(
        "--job-failure",
        type=_fraction,
        default=0.0,
        metavar="F",
        help="a fraction of training jobs, not of requests (outside the sum above): that share "
        "of SAGEMAKER_TRAINING service jobs and CreateTrainingJob jobs is accepted, then ends "
        "FAILED with an AlgorithmError statusReason (repeatable with --seed)",
    )
    faults.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="[OPERATION:]KIND=VALUE",
        help=f"a fault rate for one operation; KIND is one of {', '.join(_RULE_KEYS)} "
        "(repeatable; e.g. SubmitServiceJob:throttle=0.3)",
    )
    timing = cli.add_argument_group("timing (seconds on the emulator's clock)")
    timing.add_argument("--phase-seconds", type=_seconds, help="every phase of every resource")
    timing.add_argument(
        "--duration",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="one phase: " + ", ".join(field.name for field in fields(Durations)),
    )
    logs = cli.add_argument_group("logs (what training jobs write to CloudWatch Logs)")
    logs.add_argument(
        "--training-log-lines",
        type=int,
        metavar="LINES",
        help="lines each instance of a training job writes if it completes (at least 8; "
        "default: a banner, a line per epoch, an ending)",
    )
    return cli


class UsageError(Exception):
    """An option whose value cannot work."""


def _fault_rules(args: argparse.Namespace) -> dict[str | None, dict[str, float]]:
    rules: dict[str | None, dict[str, float]] = {
        None: {key: getattr(args, key) for key in _RULE_KEYS if getattr(args, key)}
    }
    for spec in args.fault:
        target, _, setting = spec.rpartition(":")
        key, _, value = setting.partition("=")
        try:
            number = _seconds(value) if key == "delay" else _fraction(value)
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"argument --fault {spec!r}: {error}") from None
        if key not in _RULE_KEYS:
            raise UsageError(f"argument --fault {spec!r}: expected [OPERATION:]KIND=VALUE")
        rules.setdefault(target or None, {})[key] = number
    return rules


def _durations(args: argparse.Namespace) -> Durations:
    durations = (
        Durations.uniform(args.phase_seconds) if args.phase_seconds is not None else Durations()
    )
    names = {field.name for field in fields(Durations)}
    for spec in args.duration:
        name, _, value = spec.partition("=")
        try:
            seconds = _seconds(value)
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"argument --duration {spec!r}: {error}") from None
        if name not in names:
            known = ", ".join(sorted(names))
            raise UsageError(f"argument --duration {spec!r}: NAME is one of {known}")
        durations = replace(durations, **{name: seconds})
    return durations


def build(args: argparse.Namespace) -> LocalAws:
    """The emulator the parsed options describe, faults set; a `UsageError` when they clash."""
    if (args.access_key is None) != (args.secret_key is None):
        raise UsageError("argument --access-key: give --access-key and --secret-key together")
    strict = args.access_key is not None
    if strict and args.any_credentials:
        raise UsageError(
            "argument --any-credentials: not with --access-key and --secret-key, which make "
            "the emulator check signatures"
        )
    if not (strict or args.any_credentials or is_loopback(args.host)):
        raise UsageError(
            f"argument --host: {args.host} is not a loopback address and, without --access-key "
            "and --secret-key, the emulator takes any credentials: anyone who can reach it "
            "could read and change everything it holds. Give --access-key and --secret-key to "
            "check signatures, or --any-credentials to take any anyway"
        )
    if args.training_log_lines is not None and args.training_log_lines < MIN_LINES:
        raise UsageError(f"argument --training-log-lines: at least {MIN_LINES}")
    endpoint = LocalAws(
        region=args.region,
        credentials={args.access_key: args.secret_key} if strict else None,
        host=args.host,
        port=args.port,
        seed=args.seed,
        snapshot=args.snapshot,
        durations=_durations(args),
        auto_create_images=not args.no_auto_create_images,
        strict_resources=args.strict_resources,
        verify_signatures=strict,
        clock_offset=args.clock_offset,
        training_log_lines=args.training_log_lines,
    )
    try:
        for operation, rule in _fault_rules(args).items():
            if rule or operation is not None:
                settings: dict[str, Any] = dict(rule)
                endpoint.faults.set(**settings, operation=operation)
    except ValueError as error:  # fractions adding up to more than 1
        raise UsageError(f"faults: {error}") from None
    return endpoint


def banner(endpoint: LocalAws) -> str:
    """What the emulator says about itself once it listens: its mode, how to use it, and a
    warning when it takes any credentials on an address other machines may reach."""
    if endpoint.verify_signatures:
        mode = (
            f"checking SigV4 signatures: access key {endpoint.access_key}, region {endpoint.region}"
        )
        keys = f"AWS_ACCESS_KEY_ID={endpoint.access_key} AWS_SECRET_ACCESS_KEY=<its secret key>"
    else:
        mode = (
            "taking any credentials and any region (strict SigV4 checks: --access-key and "
            "--secret-key)"
        )
        keys = "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"
    lines = [
        f"aws-mlops-async {__version__} emulator on {endpoint.url}, {mode}.",
        f"Point an SDK at it: AWS_ENDPOINT_URL={endpoint.url} {keys} "
        f"AWS_DEFAULT_REGION={endpoint.region}",
    ]
    if not (endpoint.verify_signatures or endpoint.on_loopback):
        lines.append(
            f"Warning: {endpoint.host} is not a loopback address and any credentials are taken: "
            "anyone who can reach this port can read and change everything the emulator holds."
        )
    return "\n".join(lines)


async def serve(endpoint: LocalAws, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set; the URL goes to stdout, the banner to stderr."""
    async with endpoint:
        print(endpoint.url, flush=True)
        print(banner(endpoint), file=sys.stderr, flush=True)
        await stop.wait()


class _OneLine(logging.Filter):
    """aiohttp's server logs a whole traceback for a client that went away; keep one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], (ConnectionError, TimeoutError)):
            error = record.exc_info[1]
            record.msg, record.args = f"a client went away: {type(error).__name__}: {error}", ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _log_setup(verbose: bool) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if verbose:
        logging.getLogger("aws_mlops_async.local").setLevel(logging.INFO)
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access"):
        logging.getLogger(name).addFilter(_OneLine())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status (2: a bad option, a port in use or a snapshot
    that cannot be loaded; 1: a snapshot that could not be written at stop)."""
    args = parser().parse_args(argv)
    try:
        endpoint = build(args)
    except UsageError as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        return 2
    _log_setup(args.verbose)

    started = False

    async def run() -> None:
        nonlocal started
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await endpoint.start()  # the snapshot loaded, the port bound
        started = True
        await serve(endpoint, stop)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run())
    except SnapshotError as error:  # at start: a bad option; at stop: the state is not saved
        print(f"{_PROG}: error: argument --snapshot: {error.path} {error.problem}", file=sys.stderr)
        return 1 if started else 2
    except OSError as error:
        where = f"{args.host}:{args.port}"
        print(f"{_PROG}: error: cannot listen on {where}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
