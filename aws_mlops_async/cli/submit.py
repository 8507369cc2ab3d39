"""`aws-mlops-async batch submit`: every line of a jobs file submitted once, resumably.

Each line's client token derives from the run id and its line number, so running the same file
again with the same ``--run-id`` creates nothing twice; with the same ``--results`` file it
does not even send the lines recorded as done. A line that is not a job fails alone: it is
reported (standard error, and the results file) with its number, and the others still go.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ..bulk import BulkProgress, Outcome, derive_token
from ..ext.watching import WatchedJob
from ..session import Session
from .jobs_file import BadLine, JobsFile
from .options import say
from .results_file import ResultsFile
from .watch import InputLine, follow

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["submit"]

_REFRESH = 0.5  # seconds between redraws of the progress bar, so its clock keeps running


async def submit(args: argparse.Namespace, session: Session) -> int:
    """Submit every job of ``--jobs``; exit status 0 only when every one succeeded."""
    jobs = await JobsFile.open(args.jobs)
    try:
        async with ResultsFile(args.results) as results:
            return await _Submission(args, session, jobs, results).run()
    finally:
        jobs.close()


class _Submission:
    """One `batch submit`: the jobs file in, outcomes out to the bar, stderr and results."""

    def __init__(
        self, args: argparse.Namespace, session: Session, jobs: JobsFile, results: ResultsFile
    ) -> None:
        self._args = args
        self._session = session
        self._jobs = jobs
        self._results = results
        self._run_id: str = args.run_id or uuid.uuid4().hex
        self._line_of: dict[int, int] = {}  # the run's index of each job -> its line number
        self._done: set[int] = set()
        self._skipped = 0
        self._failed = 0
        self._bar: tqdm[Any] | None = None
        self._lines: list[InputLine] = []  # what --wait follows

    async def run(self) -> int:
        from tqdm import tqdm

        run_id = self._run_id
        self._done = await self._results.succeeded_lines(run_id)
        total = await self._jobs.count()
        say(f"run id {run_id} (pass --run-id {run_id} to resume)")
        if self._done:
            say(f"resuming: lines an earlier run got through ({len(self._done)}) are skipped")
        run = self._session.batch.submit_service_jobs(
            self._read(),
            concurrency=self._args.concurrency,
            max_rate=self._args.max_rate,
            run_id=run_id,
            give_up_after=self._args.give_up_after,
        )
        self._bar = bar = tqdm(total=total, unit="job", desc="submitting", file=sys.stderr)
        redraw = asyncio.create_task(self._redraw(bar, lambda: run.progress))
        try:
            async with run:
                async for outcome in run:
                    self._record(self._line_of.pop(outcome.index), outcome)
                    bar.update()
        finally:
            redraw.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await redraw
            bar.close()
        progress = run.progress
        skipped = f" ({self._skipped} done earlier)" if self._skipped else ""
        say(
            f"{progress.succeeded + self._skipped} succeeded{skipped}, {self._failed} failed, "
            f"{progress.retries} retries absorbed"
        )
        if self._args.wait and self._lines:
            submitted = sum(1 for line in self._lines if line.job is not None)
            if submitted:
                say(f"watching the jobs of the {submitted} lines submitted")
            return await follow(self._session, self._lines, poll_interval=self._args.poll_interval)
        return 1 if self._failed else 0

    async def _read(self) -> AsyncIterator[dict[str, Any]]:
        """The jobs to send: lines not done before, as jobs with their line's token."""
        assert self._bar is not None
        position = 0
        async for line, job in self._jobs.lines(self._args.queue):
            if line in self._done:
                self._skipped += 1
                self._bar.update()
                continue
            if isinstance(job, BadLine):
                self._fail(line, job.reason, {"type": "InvalidLine"})
                self._bar.update()
                continue
            if job.get("client_token") is None and job.get("clientToken") is None:
                job["client_token"] = derive_token(self._run_id, line - 1)  # as 0.1 derived it
            self._line_of[position] = line
            position += 1
            yield job

    def _record(self, line: int, outcome: Outcome[Any, Any]) -> None:
        if outcome.error is not None:
            error = outcome.error
            details = {"type": type(error).__name__, "code": getattr(error, "code", None)}
            self._fail(line, str(error), details, attempts=outcome.attempts)
            return
        record: dict[str, Any] = {"run_id": self._run_id, "line_number": line, "ok": True}
        record["attempts"] = outcome.attempts
        queue = getattr(outcome.request, "job_queue", None)  # the request as validated
        record["job_queue"] = queue
        if outcome.response is not None:
            record.update(outcome.response.model_dump(mode="json", exclude_none=True))
            job = WatchedJob(outcome.response.job_id, queue, line)
            self._lines.append(InputLine(line, job))
        self._results.record(record)

    def _fail(self, line: int, reason: str, details: dict[str, Any], attempts: int = 0) -> None:
        self._failed += 1
        assert self._bar is not None
        self._bar.write(f"line {line}: {reason}", file=sys.stderr)
        self._results.record(
            {
                "run_id": self._run_id,
                "line_number": line,
                "ok": False,
                "attempts": attempts,
                "error": {**details, "message": reason},
            }
        )
        self._lines.append(InputLine(line, None, reason))

    async def _redraw(self, bar: tqdm[Any], progress: Callable[[], BulkProgress]) -> None:
        while True:
            await asyncio.sleep(_REFRESH)
            bar.set_postfix_str(_postfix(progress(), self._failed), refresh=False)
            bar.refresh()


def _postfix(progress: BulkProgress, failed: int) -> str:
    text = f"ok={progress.succeeded} failed={failed} retries={progress.retries}"
    if progress.last_retry_reason:
        text += f" last retry: {progress.last_retry_reason}"
    return text
