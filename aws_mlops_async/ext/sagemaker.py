"""The SageMaker client a Session hands out: the generated operations, plus a training job's
logs, read or followed as they are written (`SageMakerClient.training_job_logs`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..arguments import text
from ..services.sagemaker import client as generated
from ..services.sagemaker import operations
from .polling import GIVE_UP_AFTER
from .siblings import sibling

if TYPE_CHECKING:
    from .training_logs import TrainingJobLogs

__all__ = ["SageMakerClient"]

#: How often a followed job's logs are looked at, by default (as SageMaker's Python SDK).
LOGS_POLL_INTERVAL = 10.0


class SageMakerClient(generated.SageMakerClient):
    """The Amazon SageMaker client: every operation of the generated client, and training
    jobs' logs."""

    def training_job_logs(
        self,
        training_job_name: str,
        *,
        follow: bool = False,
        start_time: float | datetime | None = None,
        tail: int | None = None,
        poll_interval: float = LOGS_POLL_INTERVAL,
        give_up_after: float | None = GIVE_UP_AFTER,
    ) -> TrainingJobLogs:
        """A training job's log lines from every instance, in time order: an async
        iterator of `LogLine` (instance, stream, timestamp, message).

        Without ``follow``, what the job has written so far; with it, on as it is written,
        streams of instances that start late included, until the job has ended and its last
        lines were read. ``start_time`` (epoch seconds or an aware datetime) skips earlier
        lines; ``tail`` starts at the last ``tail`` lines (at most 10,000). Use it as ``async
        with sagemaker.training_job_logs(name, follow=True) as logs: async for line in
        logs:``. Raises the `ServiceError` of a job that does not exist or a caller refused,
        or `EndpointUnreachable` after ``give_up_after`` seconds (None: never) in which no
        line could be read; throttling and passing failures slow it down until then. See
        `aws_mlops_async.ext.training_logs` for the requests it makes.
        """
        from ..services.logs.client import CloudWatchLogsClient
        from .training_logs import TrainingJobLogs

        text("training_job_name", training_job_name)
        # Checked now, as any call's arguments: an ARN or a bad name fails here, nothing sent.
        self.build_request(
            operations.DESCRIBE_TRAINING_JOB, {"training_job_name": training_job_name}
        )

        async def named() -> tuple[str | None, bool]:
            return training_job_name, False

        return TrainingJobLogs(
            self,
            sibling(self, CloudWatchLogsClient),
            named,
            follow=follow,
            start_time=start_time,
            tail=tail,
            poll_interval=poll_interval,
            give_up_after=give_up_after,
        )
