"""The `aws-mlops-async` command: bulk Batch submission and listings from a shell.

aws-mlops-async batch submit --queue Q --jobs jobs.jsonl [--results out.jsonl] [--local]
aws-mlops-async batch list-service-jobs --queue Q [--json]
aws-mlops-async sagemaker list-image-versions --image-name NAME [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from .bulk import BulkProgress, Outcome, derive_token
from .errors import AwsError
from .session import Session

__all__ = ["main", "open_session", "target_options"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the process exit status (0 only when everything succeeded)."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_with_session(args, args.run))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except AwsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aws-mlops-async", description=__doc__.splitlines()[0])
    target = target_options()
    services = parser.add_subparsers(dest="service", required=True)

    batch = services.add_parser("batch", help="AWS Batch service jobs").add_subparsers(
        dest="command", required=True
    )
    submit = batch.add_parser("submit", parents=[target], help="submit jobs from a JSON-lines file")
    submit.add_argument("--queue", required=True, help="job queue for jobs that name none")
    submit.add_argument("--jobs", required=True, help="JSON lines, one SubmitServiceJob per line")
    submit.add_argument("--concurrency", type=int, default=32)
    submit.add_argument("--max-rate", type=float, help="at most this many requests per second")
    submit.add_argument("--run-id", help="reuse to resume a run without creating jobs twice")
    submit.add_argument("--results", help="append one JSON line per outcome here")
    submit.set_defaults(run=_submit)
    jobs = batch.add_parser("list-service-jobs", parents=[target], help="list service jobs")
    jobs.add_argument("--queue", required=True)
    jobs.add_argument("--status", help="only jobs in this status")
    jobs.add_argument("--json", action="store_true", help="print JSON lines, not a table")
    jobs.set_defaults(run=_list_service_jobs)

    sagemaker = services.add_parser("sagemaker", help="SageMaker images").add_subparsers(
        dest="command", required=True
    )
    versions = sagemaker.add_parser(
        "list-image-versions", parents=[target], help="list an image's versions"
    )
    versions.add_argument("--image-name", required=True)
    versions.add_argument("--json", action="store_true", help="print JSON lines, not a table")
    versions.set_defaults(run=_list_image_versions)
    return parser


def target_options(*, local_by_default: bool = False) -> argparse.ArgumentParser:
    """Where calls go, as argparse options: ``--local``, ``--endpoint-url``, or AWS through
    ``--profile``/``--region``; add it with ``parents=[target_options()]``."""
    target = argparse.ArgumentParser(add_help=False)
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
        from .local import LocalAws

        async with LocalAws() as endpoint, endpoint.session() as session:
            yield session
        return
    async with Session(
        region_name=args.region, profile_name=args.profile, endpoint_url=args.endpoint_url
    ) as session:
        yield session


Command = Callable[[argparse.Namespace, Session], Awaitable[int]]


async def _with_session(args: argparse.Namespace, command: Command) -> int:
    async with open_session(args) as session:
        return await command(args, session)


async def _submit(args: argparse.Namespace, session: Session) -> int:
    from tqdm import tqdm

    run_id = args.run_id or uuid.uuid4().hex
    done = await asyncio.to_thread(_succeeded_lines, args.results, run_id)
    line_of: dict[int, int] = {}  # the run's index of each job in flight -> its line number
    position = itertools.count()

    async def jobs() -> AsyncIterator[dict[str, Any]]:
        async for line, job in _read_jobs(args.jobs, args.queue):
            if line in done:
                continue
            if job.get("client_token") is None and job.get("clientToken") is None:
                job["client_token"] = derive_token(run_id, line)  # per line: resumable
            line_of[next(position)] = line
            yield job

    print(f"run id {run_id} (pass --run-id {run_id} to resume)", file=sys.stderr)
    bar = tqdm(initial=len(done), unit="job", desc="submitting", file=sys.stderr)

    def show(progress: BulkProgress) -> None:
        bar.set_postfix(
            ok=progress.succeeded, retries=progress.retries, failed=progress.failed, refresh=False
        )

    run = session.batch.submit_service_jobs(
        jobs(),
        concurrency=args.concurrency,
        max_rate=args.max_rate,
        run_id=run_id,
        on_progress=show,
    )
    failed = 0
    try:
        async with run, _ResultsFile(args.results) as results:
            async for outcome in run:
                failed += not outcome.ok
                results.append(_result_line(run_id, line_of.pop(outcome.index), outcome))
                bar.update()
    finally:
        bar.close()
    print(
        f"{run.progress.succeeded + len(done)} succeeded, {failed} failed, "
        f"{run.progress.retries} retries absorbed",
        file=sys.stderr,
    )
    return 1 if failed else 0


async def _list_service_jobs(args: argparse.Namespace, session: Session) -> int:
    pages = session.batch.get_paginator("list_service_jobs").paginate(
        job_queue=args.queue, job_status=args.status
    )
    rows = [
        {
            "jobId": job.job_id,
            "jobName": job.job_name,
            "status": job.status,
            "createdAt": job.created_at,
        }
        async for job in pages.items()
    ]
    _print_rows(rows, as_json=args.json)
    return 0


async def _list_image_versions(args: argparse.Namespace, session: Session) -> int:
    pages = session.sagemaker.get_paginator("list_image_versions").paginate(
        image_name=args.image_name
    )
    rows = [
        {
            "Version": version.version,
            "Status": version.image_version_status,
            "Created": version.creation_time.isoformat(),
            "Arn": version.image_version_arn,
        }
        async for version in pages.items()
    ]
    _print_rows(rows, as_json=args.json)
    return 0


def _print_rows(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        for row in rows:
            print(json.dumps(row, default=str))
        return
    if not rows:
        print("(none)")
        return
    columns = list(rows[0])
    widths = [max(len(name), *(len(str(row[name])) for row in rows)) for name in columns]
    print("  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)))
    for row in rows:
        cells = (str(row[name]).ljust(width) for name, width in zip(columns, widths, strict=True))
        print("  ".join(cells))


async def _read_jobs(path: str, queue: str) -> AsyncIterator[tuple[int, dict[str, Any]]]:
    """Line number and job of each line of a JSON-lines file, read in chunks off the loop.

    A job that names no queue goes to ``queue``.
    """
    with open(path, encoding="utf-8") as lines:  # noqa: ASYNC230 - read below in a thread
        number = 0
        while chunk := await asyncio.to_thread(_read_chunk, lines):
            for text in chunk:
                job = json.loads(text)
                if "job_queue" not in job and "jobQueue" not in job:
                    job["job_queue"] = queue
                yield number, job
                number += 1


def _read_chunk(lines: Any, size: int = 1000) -> list[str]:
    return [line for _, line in zip(range(size), lines, strict=False)]


def _succeeded_lines(path: str | None, run_id: str) -> set[int]:
    """Lines an earlier run with this run id already got through, from its results file."""
    done: set[int] = set()
    if not path:
        return done
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as results:
        for line in results:
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if record.get("run_id") == run_id and record.get("ok"):
                    done.add(int(record["line"]))
    return done


def _result_line(run_id: str, line: int, outcome: Outcome[Any, Any]) -> str:
    record: dict[str, Any] = {"run_id": run_id, "line": line, "ok": outcome.ok}
    record["attempts"] = outcome.attempts
    if outcome.response is not None:
        record.update(outcome.response.model_dump(mode="json", by_alias=True, exclude_none=True))
    if outcome.error is not None:
        record["error"] = {
            "type": type(outcome.error).__name__,
            "code": getattr(outcome.error, "code", None),
            "message": str(outcome.error),
        }
    return json.dumps(record)


class _ResultsFile:
    """JSON lines appended as outcomes arrive, written in batches off the event loop."""

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._pending: list[str] = []
        self._writer: asyncio.Task[None] | None = None

    def append(self, line: str) -> None:
        if self._path is None:
            return
        self._pending.append(line)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            await asyncio.to_thread(_append_lines, self._path, batch)

    async def __aenter__(self) -> _ResultsFile:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._writer is not None:
            await asyncio.shield(self._writer)
        await self._flush()


def _append_lines(path: str | None, lines: list[str]) -> None:
    if path is not None:
        with open(path, "a", encoding="utf-8") as results:
            results.write("".join(line + "\n" for line in lines))
