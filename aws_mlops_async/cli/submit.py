"""`aws-mlops-async batch submit`: every line of a jobs file submitted once, resumably.

Each line's client token derives from the run id and its line number, so running the same file
again with the same ``--run-id`` creates nothing twice; with the same ``--results`` file it
does not even send the lines recorded as done, and refuses a jobs file that no longer holds
the lines the earlier run sent (`resume`). A line that is not a job fails alone: it is
reported (standard error, and the results file) with its number, and the others still go.
Everything that can be refused is refused before anything is sent: results that are the jobs
file, files that are not UTF-8, a changed jobs file. A results file that cannot be written
stops the run at once: its records are what makes a run resumable.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..bulk import BulkProgress, Outcome, derive_token
from ..ext.watching import WatchedJob
from ..session import Session
from .jobs_file import BadLine, JobLine, JobsFile
from .options import UsageError
from .output import Progress, say
from .results_file import ResultsFile
from .resume import EarlierRun
from .watch import InputLine, follow

__all__ = ["submit"]

_REFRESH = 0.5  # seconds between redraws of the progress bar, so its clock keeps running


async def submit(args: argparse.Namespace, session: Session) -> int:
    """Submit every job of ``--jobs``; exit status 0 only when every one succeeded."""
    jobs = await JobsFile.open(args.jobs)
    try:
        if args.results is not None and await jobs.is_at(args.results):
            raise UsageError(
                "--results",
                f"{args.results!r} is the file --jobs reads: the results would be read back "
                "as jobs, without end; give them a file of their own",
            )
        run_id: str = args.run_id or uuid.uuid4().hex
        earlier, tail = await asyncio.to_thread(EarlierRun.read, args.results, run_id)
        warning = tail.warning(args.results) if args.results is not None else None
        if warning is not None:
            say(f"{warning} (and cut off before this run appends)")
        total = await jobs.scan(earlier)  # a file that would be refused, before anything is sent
        async with await ResultsFile.open(args.results, tail) as results:
            return await _Submission(args, session, jobs, results, earlier, total).run()
    finally:
        jobs.close()


class _Submission:
    """One `batch submit`: the jobs file in, outcomes out to the bar, stderr and results."""

    def __init__(
        self,
        args: argparse.Namespace,
        session: Session,
        jobs: JobsFile,
        results: ResultsFile,
        earlier: EarlierRun,
        total: int | None,
    ) -> None:
        self._args = args
        self._session = session
        self._jobs = jobs
        self._results = results
        self._earlier = earlier
        self._total = total
        self._run_id = earlier.run_id
        self._line_of: dict[int, JobLine] = {}  # the run's index of each job -> its line
        self._skipped = 0
        self._failed = 0
        self._bar: Progress | None = None
        self._lines: list[InputLine] = []  # what --wait follows

    async def run(self) -> int:
        run_id = self._run_id
        say(f"run id {run_id} (pass --run-id {run_id} to resume)")
        if self._earlier.done:
            done = len(self._earlier.done)
            say(f"resuming: lines an earlier run got through ({done}) are skipped")
        run = self._session.batch.submit_service_jobs(
            self._read(),
            concurrency=self._args.concurrency,
            max_rate=self._args.max_rate,
            run_id=run_id,
            give_up_after=self._args.give_up_after,
        )
        # Results that cannot be written: not one job more, since no resume could skip it.
        self._results.on_failure(run.aclose)
        self._bar = bar = Progress("submitting", self._total, unit="job")
        redraw = asyncio.create_task(self._redraw(bar, lambda: run.progress))
        try:
            async with run:
                async for outcome in run:
                    self._record(self._line_of.pop(outcome.index), outcome)
                    bar.update()
            await self._results.close()
        finally:
            redraw.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await redraw
            bar.close()
        if self._results.failure is not None:
            say(self._not_written(self._results.failure))
            return 1
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
            return await follow(
                self._session,
                self._lines,
                poll_interval=self._args.poll_interval,
                logs_on_failure=self._args.logs_on_failure,
            )
        return 1 if self._failed else 0

    def _not_written(self, failure: OSError) -> str:
        return (
            f"error: cannot write --results {self._args.results!r}: "
            f"{failure.strerror or failure}; the run stopped and sent nothing more "
            f"({self._results.written} lines recorded): once it can be written, run the same "
            f"command with --run-id {self._run_id} to resume"
        )

    async def _read(self) -> AsyncIterator[dict[str, Any]]:
        """The jobs to send: lines not done before, as jobs with their line's token."""
        assert self._bar is not None
        position = 0
        async for line in self._jobs.lines(self._args.queue, self._earlier):
            if line.number in self._earlier.done:
                self._skipped += 1
                self._bar.update()
                continue
            job = line.job
            if isinstance(job, BadLine):
                self._fail(line, job.reason, {"type": "InvalidLine"})
                self._bar.update()
                continue
            if job.get("client_token") is None and job.get("clientToken") is None:
                # As 0.1 derived it, from the 0-based line number.
                job["client_token"] = derive_token(self._run_id, line.number - 1)
            self._line_of[position] = line
            position += 1
            yield job

    def _record(self, line: JobLine, outcome: Outcome[Any, Any]) -> None:
        if outcome.error is not None:
            error = outcome.error
            details = {"type": type(error).__name__, "code": getattr(error, "code", None)}
            self._fail(line, str(error), details, attempts=outcome.attempts)
            return
        record = self._start_record(line, ok=True, attempts=outcome.attempts)
        queue = getattr(outcome.request, "job_queue", None)  # the request as validated
        record["job_queue"] = queue
        if outcome.response is not None:
            record.update(outcome.response.model_dump(mode="json", exclude_none=True))
            job = WatchedJob(outcome.response.job_id, queue, line.number)
            self._lines.append(InputLine(line.number, job))
        self._results.record(record)

    def _fail(self, line: JobLine, reason: str, details: dict[str, Any], attempts: int = 0) -> None:
        self._failed += 1
        assert self._bar is not None
        self._bar.write(f"line {line.number}: {reason}")
        record = self._start_record(line, ok=False, attempts=attempts)
        record["error"] = {**details, "message": reason}
        self._results.record(record)
        self._lines.append(InputLine(line.number, None, reason))

    def _start_record(self, line: JobLine, *, ok: bool, attempts: int) -> dict[str, Any]:
        """A results line's first fields: which run, which line (and what it held), how."""
        return {
            "run_id": self._run_id,
            "line_number": line.number,
            "line_digest": line.digest,
            "ok": ok,
            "attempts": attempts,
        }

    async def _redraw(self, bar: Progress, progress: Callable[[], BulkProgress]) -> None:
        while True:
            await asyncio.sleep(_REFRESH)
            bar.status(_postfix(progress(), self._failed))
            bar.refresh()


def _postfix(progress: BulkProgress, failed: int) -> str:
    text = f"ok={progress.succeeded} failed={failed} retries={progress.retries}"
    if progress.last_retry_reason:
        text += f" last retry: {progress.last_retry_reason}"
    return text
