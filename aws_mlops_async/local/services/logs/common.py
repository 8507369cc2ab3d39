"""What the CloudWatch Logs handlers share: their errors, the log group a request names and the
training jobs' streams it holds at the time of the call, and the size limits of a page of
events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...state import TrainingJobRecord
from ...training_logs import LOG_GROUP, TrainingLogStream, first_line_at, job_streams
from ..base import Call, ErrorCode
from ..sagemaker import training

__all__ = [
    "BAD_TOKEN",
    "INVALID",
    "NOT_FOUND",
    "LogGroup",
    "PageBudget",
    "log_group",
    "training_group",
]

INVALID = ErrorCode("InvalidParameterException", 400)
NOT_FOUND = ErrorCode("ResourceNotFoundException", 400)
BAD_TOKEN = "The specified nextToken is invalid."
_GROUP_MISSING = "The specified log group does not exist."
_STREAM_MISSING = "The specified log stream does not exist."
# A page holds at most 1 MB of events, each counted as its UTF-8 bytes and 26 more.
_PAGE_BYTES = 1_048_576
_EVENT_OVERHEAD = 26


@dataclass(frozen=True)
class LogGroup:
    """The training jobs' log group as a call finds it: its streams are those of the training
    jobs (by lowercased name) that exist at ``now`` (epoch milliseconds), made when asked for,
    each of ``lines`` lines if its job completes (None: as the job's hyperparameters say)."""

    name: str
    created: int
    now: int
    jobs: Mapping[str, TrainingJobRecord]
    arn: str
    lines: int | None = None

    def streams(self, prefix: str = "") -> list[TrainingLogStream]:
        """The streams whose names start with ``prefix``, by name (only the jobs such a name
        can belong to are looked at)."""
        head, slash, _ = prefix.partition("/")
        if slash:
            job = self.jobs.get(head.lower())
            jobs = [job] if job is not None and job.name == head else []
        else:
            jobs = [job for job in self.jobs.values() if job.name.startswith(prefix)]
        found = [
            stream
            for job in jobs
            for stream in job_streams(job, self.lines)
            if stream.start <= self.now and stream.name.startswith(prefix)
        ]
        return sorted(found, key=lambda stream: stream.name)

    def stream(self, name: str) -> TrainingLogStream:
        """The stream called ``name``; ResourceNotFoundException when there is none (yet)."""
        for stream in self.streams(name):
            if stream.name == name:
                return stream
        raise NOT_FOUND.error(_STREAM_MISSING)

    def stream_arn(self, stream: TrainingLogStream) -> str:
        """A stream's ARN."""
        return f"{self.arn}:log-stream:{stream.name}"


def training_group(call: Call) -> LogGroup | None:
    """The training jobs' log group at the time of the call; None before a training job has
    written its first line (the group does not exist until then)."""
    training.link(call.state, call.store, call.now)
    now = int(call.now * 1000)
    jobs = call.store.training_jobs
    started = [at for at in map(first_line_at, jobs.values()) if at is not None and at <= now]
    if not started:
        return None
    arn = call.arn("logs", f"log-group:{LOG_GROUP}")
    return LogGroup(LOG_GROUP, min(started), now, jobs, arn, call.state.training_log_lines)


def log_group(call: Call, name: str | None, identifier: str | None) -> LogGroup:
    """The group a request names by ``logGroupName`` or ``logGroupIdentifier`` (a name or its
    ARN), exactly one of them; ResourceNotFoundException when it does not exist."""
    if name is not None and identifier is not None:
        raise INVALID.error(
            "LogGroup name and LogGroup identifier are mutually exclusive parameters."
        )
    if name is None and identifier is None:
        raise INVALID.error("Either logGroupName or logGroupIdentifier must be specified.")
    wanted = name if name is not None else _group_name(call, str(identifier))
    group = training_group(call) if wanted == LOG_GROUP else None
    if group is None:
        raise NOT_FOUND.error(_GROUP_MISSING)
    return group


def _group_name(call: Call, identifier: str) -> str:
    """The group name a ``logGroupIdentifier`` gives: the name itself, or the one in an ARN of
    this region and account (a trailing ``:*`` tolerated); an ARN of elsewhere names none."""
    if not identifier.startswith("arn:"):
        return identifier
    prefix = call.arn("logs", "log-group:")
    if not identifier.startswith(prefix):
        return ""
    return identifier[len(prefix) :].removesuffix(":*")


@dataclass
class PageBudget:
    """What a page of events may still hold: ``limit`` events and 1 MB of them, each counted
    as CloudWatch Logs counts it (its UTF-8 bytes, and 26 more); a first event always fits."""

    limit: int
    room: int = _PAGE_BYTES
    taken: int = field(default=0, init=False)

    def take(self, message: str) -> bool:
        """Whether ``message`` fits on the page (then counted as on it)."""
        size = len(message.encode()) + _EVENT_OVERHEAD
        if self.taken >= self.limit or (self.taken and size > self.room):
            return False
        self.taken += 1
        self.room -= size
        return True
