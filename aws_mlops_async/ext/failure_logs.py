"""Why did it fail? The last lines of a failed service job's training logs, read for a watch
(``watch_service_jobs(..., logs_on_failure=N)``): a few jobs at once, for at most
`FAILED_JOBS_READ` jobs a watch, each read giving up soon rather than holding the watch."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..errors import AwsError
from .polling import gather_all
from .siblings import sibling
from .training_logs import LogLine, TrainingJobLogs

if TYPE_CHECKING:
    from ..client import BaseClient
    from .watching import ServiceJobUpdate

__all__ = ["FAILED_JOBS_READ", "FailureLogs"]

#: The failed jobs whose logs one watch reads, at most (each read costs about three
#: requests, and one more per instance).
FAILED_JOBS_READ = 50
#: Failed jobs whose logs are read at once.
READ_AT_ONCE = 4
#: Seconds a failed job's logs are tried for before the watch goes on without them (the
#: watch's ``give_up_after`` when shorter).
PATIENCE = 60.0
#: How soon a read throttled beyond the client's retries tries again.
RETRY_AFTER = 1.0


class FailureLogs:
    """Reads the last ``lines`` lines of failed jobs' training logs, within the budget."""

    def __init__(self, batch: BaseClient, lines: int, give_up_after: float | None) -> None:
        self._batch = batch
        self._lines = lines
        # A read gives up no later than the watch would.
        self._give_up_after = min(PATIENCE, give_up_after or PATIENCE)
        self._left = FAILED_JOBS_READ
        #: Requests the reads made, by operation.
        self.requests: dict[str, int] = {}

    async def attach(self, updates: list[ServiceJobUpdate]) -> list[ServiceJobUpdate]:
        """The updates, each failed one with its job's last lines (or why there are none)."""
        return await gather_all(self._attach, updates, at_once=READ_AT_ONCE)

    async def _attach(self, update: ServiceJobUpdate) -> ServiceJobUpdate:
        if update.status != "FAILED":
            return update
        name = update.training_job_name
        if name is None:
            return dataclasses.replace(update, logs_unread="it never ran as a training job")
        if self._left <= 0:
            unread = f"a watch reads the logs of its first {FAILED_JOBS_READ} failed jobs"
            return dataclasses.replace(update, logs_unread=unread)
        self._left -= 1
        try:
            lines = await self._last_lines(name)
        except AwsError as error:
            return dataclasses.replace(update, logs_unread=str(error))
        return dataclasses.replace(update, logs=lines)

    async def _last_lines(self, name: str) -> tuple[LogLine, ...]:
        from ..services.logs.client import CloudWatchLogsClient
        from ..services.sagemaker.client import SageMakerClient

        async def named() -> tuple[str | None, bool]:
            return name, False

        reader = TrainingJobLogs(
            sibling(self._batch, SageMakerClient),
            sibling(self._batch, CloudWatchLogsClient),
            named,
            follow=False,
            start_time=None,
            tail=self._lines,
            poll_interval=RETRY_AFTER,
            give_up_after=self._give_up_after,
        )
        try:
            async with reader:
                return tuple([line async for line in reader])
        finally:
            for operation, count in reader.requests.items():
                self.requests[operation] = self.requests.get(operation, 0) + count
