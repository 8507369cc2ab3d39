"""The emulator's store: images and their versions, SageMaker training jobs, Batch service
environments, job queues, quota shares and service jobs, notebook runs, model packaging jobs,
and the client tokens already answered; with their state machines.

A resource's statuses are planned when it is created (each status and the time it is
entered, on the emulator's `Clock`) and read lazily, so moving the clock moves every resource;
terminating or stopping one cuts its plan short. The whole store round-trips through JSON.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, Literal, TypeVar, cast, get_args

import pydantic

from .clock import Clock
from .faults import JOB_FAILURE_REASON, Faults
from .settings import Durations
from .stats import Stats

__all__ = [
    "SNAPSHOT_FORMAT",
    "BatchResourceRecord",
    "ImageRecord",
    "ImageVersionRecord",
    "JobKind",
    "Lifecycle",
    "LocalState",
    "NotebookRunRecord",
    "PackagingJobRecord",
    "ServiceJobRecord",
    "TokenRecord",
    "TrainingJobRecord",
]

SNAPSHOT_FORMAT = "aws_mlops_async.local/1"

# How a snapshot's records are read back (`LocalState.restore`): times are finite numbers.
_RECORDS = pydantic.ConfigDict(allow_inf_nan=False)

JobKind = Literal[
    "image_version", "training_job", "service_job", "notebook_run", "model_packaging_job"
]
"""The kinds of resource that run to an end, SUCCEEDED (CREATED, Completed) or FAILED
(CREATE_FAILED, Failed)."""

_JOB_KINDS: tuple[JobKind, ...] = get_args(JobKind)
_KIND_OF_SERVICE: dict[str, JobKind] = {
    "sagemaker": "image_version",
    "batch": "service_job",
    "datazone": "notebook_run",
    "lookoutvision": "model_packaging_job",
}


@dataclass
class Lifecycle:
    """A resource's statuses over time: ``steps`` are ``(status, entered_at)``, in order."""

    __pydantic_config__ = _RECORDS

    steps: list[tuple[str, float]]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a lifecycle has at least one step")

    @classmethod
    def plan(cls, start: float, phases: Sequence[tuple[str, float]], final: str) -> Lifecycle:
        """Each phase ``(status, seconds)`` after the other from ``start``, then ``final``."""
        steps: list[tuple[str, float]] = []
        at = start
        for status, seconds in phases:
            steps.append((status, at))
            at += seconds
        steps.append((final, at))
        return cls(steps)

    def status(self, now: float) -> str:
        """The status at time ``now``."""
        current = self.steps[0][0]
        for status, at in self.steps:
            if at > now:
                break
            current = status
        return current

    def changed_at(self, now: float) -> float:
        """When the status at ``now`` was entered."""
        entered = self.steps[0][1]
        for _, at in self.steps:
            if at > now:
                break
            entered = at
        return entered

    def entered(self, status: str, now: float) -> float | None:
        """When ``status`` was entered, if it was by ``now``."""
        return next((at for name, at in self.steps if name == status and at <= now), None)

    @property
    def final(self) -> str:
        """The status this resource ends in (unless cut short)."""
        return self.steps[-1][0]

    def finished(self, now: float) -> bool:
        """Whether the final status is reached by ``now``."""
        return self.steps[-1][1] <= now

    def end(self, status: str, now: float) -> None:
        """Cut the plan short: ``status`` from ``now`` on."""
        self.steps = [step for step in self.steps if step[1] <= now] + [(status, now)]

    def replan(self, now: float, phases: Sequence[tuple[str, float]], final: str) -> None:
        """Keep the past, then go through ``phases`` from ``now`` to ``final`` (an update)."""
        past = [step for step in self.steps if step[1] < now]
        self.steps = past + Lifecycle.plan(now, phases, final).steps


@dataclass
class ImageVersionRecord:
    """One version of a SageMaker image; ``properties`` holds its settable members by wire
    name (``JobType``, ``MLFramework``, ``ReleaseNotes``...)."""

    __pydantic_config__ = _RECORDS

    image_name: str
    version: int
    base_image: str
    created: float
    modified: float
    lifecycle: Lifecycle
    aliases: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    failure_reason: str | None = None

    def last_modified(self, now: float) -> float:
        """The later of the last update and the last status change."""
        return max(self.modified, self.lifecycle.changed_at(now))


@dataclass
class ImageRecord:
    """A SageMaker image: its name and versions (by number)."""

    __pydantic_config__ = _RECORDS

    name: str
    created: float
    next_version: int = 1
    versions: dict[int, ImageVersionRecord] = field(default_factory=dict)


# A training job's secondary statuses (its lifecycle) and the TrainingJobStatus of each.
_TRAINING_STATUS = {
    "Starting": "InProgress",
    "Training": "InProgress",
    "Completed": "Completed",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}


@dataclass
class TrainingJobRecord:
    """A SageMaker training job; ``lifecycle`` runs through its secondary statuses (Starting,
    Training, then Completed or Failed; Stopping, then Stopped, once stopped), ``request`` is
    its CreateTrainingJob request by wire name (updates merged in), and ``service_job_id``
    names the Batch service job that created it (None: created by CreateTrainingJob).
    ``training_planned_end`` is when its Training phase was to end as planned when the record
    was made, kept when a stop cuts the phase short (its log lines keep the pace they had)."""

    __pydantic_config__ = _RECORDS

    name: str
    created: float
    modified: float
    lifecycle: Lifecycle
    request: dict[str, Any]
    failure_reason: str | None = None
    service_job_id: str | None = None
    training_planned_end: float | None = None

    def __post_init__(self) -> None:
        if self.training_planned_end is None:
            steps = self.lifecycle.steps
            ends = [steps[i + 1][1] for i in range(len(steps) - 1) if steps[i][0] == "Training"]
            self.training_planned_end = ends[0] if ends else None

    def secondary_status(self, now: float) -> str:
        """Starting, Training, Completed, Failed, Stopping or Stopped at ``now``."""
        return self.lifecycle.status(now)

    def status(self, now: float) -> str:
        """The TrainingJobStatus at ``now``: InProgress, Completed, Failed, Stopping or
        Stopped."""
        return _TRAINING_STATUS[self.lifecycle.status(now)]

    def last_modified(self, now: float) -> float:
        """The later of the last update and the last status change."""
        return max(self.modified, self.lifecycle.changed_at(now))


@dataclass
class BatchResourceRecord:
    """A Batch service environment, job queue or quota share: it is CREATING, then VALID
    (UPDATING, then VALID again, after an update; DELETING, then DELETED, after a delete).
    ``properties`` holds its settable members by wire name."""

    __pydantic_config__ = _RECORDS

    name: str
    arn: str
    created: float
    lifecycle: Lifecycle
    properties: dict[str, Any] = field(default_factory=dict)

    def status(self, now: float) -> str:
        """CREATING, UPDATING, VALID, DELETING or DELETED at ``now``."""
        return self.lifecycle.status(now)


@dataclass
class ServiceJobRecord:
    """A Batch service job; ``request`` is its SubmitServiceJob request by wire name,
    ``training_job`` the name of the SageMaker training job it started, once that is made."""

    __pydantic_config__ = _RECORDS

    job_id: str
    job_name: str
    job_queue: str
    created: float
    lifecycle: Lifecycle
    request: dict[str, Any]
    status_reason: str | None = None
    terminated: bool = False
    training_job: str | None = None


@dataclass
class NotebookRunRecord:
    """A DataZone notebook run; ``request`` holds its StartNotebookRun members by wire name."""

    __pydantic_config__ = _RECORDS

    run_id: str
    domain_id: str
    project_id: str
    notebook_id: str
    created: float
    created_by: str
    lifecycle: Lifecycle
    request: dict[str, Any]
    schedule_id: str | None = None
    error: str | None = None
    updated_by: str | None = None


@dataclass
class PackagingJobRecord:
    """A Lookout for Vision model packaging job; ``request`` is its start request by wire
    name."""

    __pydantic_config__ = _RECORDS

    project_name: str
    job_name: str
    created: float
    lifecycle: Lifecycle
    request: dict[str, Any]
    status_message: str | None = None


@dataclass
class TokenRecord:
    """The first answer to a client token: the request's fingerprint, status and body."""

    __pydantic_config__ = _RECORDS

    fingerprint: str
    status: int
    body: dict[str, Any]


class LocalState:
    """Everything the emulator holds, in memory; `snapshot` / `restore` for JSON.

    ``auto_create_images``: CreateImageVersion creates a missing image (SageMaker itself
    answers ResourceNotFound; `create_image` makes one explicitly). ``strict_resources``:
    SubmitServiceJob refuses a job queue never created, as Batch does (by default the
    emulator takes any queue name, for quick starts). ``faults`` holds the ``job_failure``
    share of training jobs that fail (`job_outcome`); the emulator's own, or a new one.
    ``training_log_lines``: how many log lines each instance of a training job writes if it
    completes (None: as its ``epochs`` hyperparameter says; see `training_logs`).
    """

    def __init__(
        self,
        clock: Clock | None = None,
        stats: Stats | None = None,
        durations: Durations | None = None,
        *,
        seed: int | None = None,
        auto_create_images: bool = True,
        strict_resources: bool = False,
        faults: Faults | None = None,
        training_log_lines: int | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.stats = stats or Stats()
        self.durations = durations or Durations()
        self.faults = faults or Faults(seed)
        self.auto_create_images = auto_create_images
        self.strict_resources = strict_resources
        self.training_log_lines = training_log_lines
        self.images: dict[str, ImageRecord] = {}
        #: By lowercased name: SageMaker names are unique whatever their case, as ARNs are.
        self.training_jobs: dict[str, TrainingJobRecord] = {}
        self.service_environments: dict[str, BatchResourceRecord] = {}
        self.job_queues: dict[str, BatchResourceRecord] = {}
        self.quota_shares: dict[str, BatchResourceRecord] = {}
        self.service_jobs: dict[str, ServiceJobRecord] = {}
        self.notebook_runs: dict[str, NotebookRunRecord] = {}
        self.packaging_jobs: dict[tuple[str, str], PackagingJobRecord] = {}
        self.tokens: dict[tuple[str, str], TokenRecord] = {}
        self._failures: dict[JobKind, deque[str | None]] = {}
        self._random = random.Random(seed)

    # -- test hooks --------------------------------------------------------------------------

    def fail_next(self, kind: JobKind | str, count: int = 1, reason: str | None = None) -> None:
        """Make the next ``count`` resources of ``kind`` end FAILED (image versions:
        CREATE_FAILED, training jobs: Failed) with ``reason``; ``kind`` may also be a service
        name (``"batch"``). A Batch service job's training job ends as the service job does."""
        name = _KIND_OF_SERVICE.get(kind, kind)
        if name not in _JOB_KINDS:
            known = ", ".join([*_JOB_KINDS, *_KIND_OF_SERVICE])
            raise ValueError(f"unknown kind {kind!r}; one of {known}")
        self._failures.setdefault(name, deque()).extend([reason] * count)

    def create_image(self, name: str) -> ImageRecord:
        """The SageMaker image ``name``, created now if it does not exist."""
        image = self.images.get(name)
        if image is None:
            image = self.images[name] = ImageRecord(name=name, created=self.clock.now())
            self.created("image")
        return image

    def clear(self) -> None:
        """Forget every resource and client token."""
        self.images.clear()
        self.training_jobs.clear()
        for resources in self._batch_resources().values():
            resources.clear()
        self.service_jobs.clear()
        self.notebook_runs.clear()
        self.packaging_jobs.clear()
        self.tokens.clear()

    # -- for the handlers --------------------------------------------------------------------

    def _batch_resources(self) -> dict[str, dict[str, BatchResourceRecord]]:
        """The Batch resources by kind (as in a snapshot), each by name (quota shares by ARN)."""
        return {
            "service_environments": self.service_environments,
            "job_queues": self.job_queues,
            "quota_shares": self.quota_shares,
        }

    def outcome(self, kind: JobKind) -> tuple[bool, str | None]:
        """Whether the next resource of ``kind`` fails (as `fail_next` asked), and why."""
        queued = self._failures.get(kind)
        if queued:
            return True, queued.popleft()
        return False, None

    def job_outcome(self, kind: JobKind, operation: str) -> tuple[bool, str | None]:
        """Whether the training job ``operation`` creates now fails, and why: as `fail_next`
        asked, else by the ``job_failure`` share of the operation's fault rule (an
        ``AlgorithmError``, counted in ``stats.faults``)."""
        failed, reason = self.outcome(kind)
        if failed:
            return failed, reason
        if self.faults.fails_job(operation):
            self.stats.faults["job_failure"] += 1
            return True, JOB_FAILURE_REASON
        return False, None

    def created(self, kind: str) -> None:
        """Count one created resource of ``kind`` in the stats."""
        self.stats.created[kind] += 1

    def new_uuid(self) -> str:
        """A random UUID (repeatable under a seed)."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def new_id(self, length: int = 14) -> str:
        """A random identifier of lowercase letters and digits, as DataZone's."""
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._random.choice(alphabet) for _ in range(length))

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole store as JSON-ready data."""
        return {
            "format": SNAPSHOT_FORMAT,
            "clock_offset": self.clock.offset,
            "images": [
                {**asdict(image), "versions": [asdict(v) for v in image.versions.values()]}
                for image in self.images.values()
            ],
            "training_jobs": [asdict(job) for job in self.training_jobs.values()],
            **{
                kind: [asdict(record) for record in records.values()]
                for kind, records in self._batch_resources().items()
            },
            "service_jobs": [asdict(job) for job in self.service_jobs.values()],
            "notebook_runs": [asdict(run) for run in self.notebook_runs.values()],
            "packaging_jobs": [asdict(job) for job in self.packaging_jobs.values()],
            "tokens": [
                {"operation": operation, "token": token, **asdict(record)}
                for (operation, token), record in self.tokens.items()
            ],
        }

    def restore(self, data: Any) -> None:
        """Replace the store with a `snapshot`'s content (the clock moves up to its offset).

        A ``ValueError`` saying where and what is wrong when ``data`` is not a snapshot this
        emulator can read (another format, a member missing or of the wrong type); the store is
        left as it was."""
        if not isinstance(data, dict):
            raise ValueError(
                f"not a snapshot of this emulator (a JSON {_json_kind(data)}, not an object)"
            )
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"not a snapshot of this emulator (format {data.get('format')!r})")
        offset = _load(_FINITE, data.get("clock_offset", 0.0), "clock_offset")
        images: dict[str, ImageRecord] = {}
        for index, item in enumerate(_members(data, "images")):
            where = f"images[{index}]"
            versions = _load(list[ImageVersionRecord], _get(item, "versions", where), where)
            image = _load(ImageRecord, {**item, "versions": {}}, where)
            image.versions = {version.version: version for version in versions}
            images[image.name] = image
        # Training jobs and Batch resources are absent from snapshots of earlier releases.
        training_jobs = {
            job.name.lower(): job
            for job in _records(data, "training_jobs", TrainingJobRecord, required=False)
        }
        batch = {
            kind: {
                record.arn if kind == "quota_shares" else record.name: record
                for record in _records(data, kind, BatchResourceRecord, required=False)
            }
            for kind in self._batch_resources()
        }
        service_jobs = {job.job_id: job for job in _records(data, "service_jobs", ServiceJobRecord)}
        runs = {run.run_id: run for run in _records(data, "notebook_runs", NotebookRunRecord)}
        packaging_jobs = {
            (job.project_name, job.job_name): job
            for job in _records(data, "packaging_jobs", PackagingJobRecord)
        }
        tokens = {
            (token.operation, token.token): TokenRecord(token.fingerprint, token.status, token.body)
            for token in _records(data, "tokens", _TokenItem)
        }
        self.clear()
        self.images.update(images)
        self.training_jobs.update(training_jobs)
        for kind, records in self._batch_resources().items():
            records.update(batch[kind])
        self.service_jobs.update(service_jobs)
        self.notebook_runs.update(runs)
        self.packaging_jobs.update(packaging_jobs)
        self.tokens.update(tokens)
        if offset > self.clock.offset:
            self.clock.advance(offset - self.clock.offset)

    def __repr__(self) -> str:
        versions = sum(len(image.versions) for image in self.images.values())
        return (
            f"<LocalState images={len(self.images)} image_versions={versions} "
            f"training_jobs={len(self.training_jobs)} "
            f"job_queues={len(self.job_queues)} service_jobs={len(self.service_jobs)} "
            f"notebook_runs={len(self.notebook_runs)} "
            f"model_packaging_jobs={len(self.packaging_jobs)}>"
        )


# ---- reading a snapshot back: every record checked against its type -------------------------

_FINITE = Annotated[float, pydantic.Field(allow_inf_nan=False)]
_RecordT = TypeVar("_RecordT")


@dataclass
class _TokenItem:
    """A client token's entry in a snapshot: its key, and its `TokenRecord`'s members."""

    __pydantic_config__ = _RECORDS

    operation: str
    token: str
    fingerprint: str
    status: int
    body: dict[str, Any]


@functools.cache
def _adapter(kind: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(kind)


def _load(kind: Any, value: Any, where: str) -> Any:
    """``value`` read as ``kind`` (a record class, a list of them...); a ``ValueError`` naming
    the first member that does not fit, from ``where``."""
    try:
        return _adapter(kind).validate_python(value)
    except pydantic.ValidationError as error:
        problem = error.errors()[0]
        path = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in problem["loc"]
        )
        raise ValueError(
            f"not a snapshot this emulator can read: {where}{path}: {problem['msg']}"
        ) from None


def _get(item: Any, key: str, where: str) -> Any:
    if not isinstance(item, dict):
        _load(dict[str, Any], item, where)  # says what it is instead
    if key not in item:
        raise ValueError(f"not a snapshot this emulator can read: {where}.{key}: Field required")
    return item[key]


def _members(data: dict[str, Any], kind: str, *, required: bool = True) -> list[Any]:
    """The list of ``kind`` records in a snapshot (a missing one: none, unless required)."""
    if kind not in data and not required:
        return []
    items = _load(list[Any], _get(data, kind, "snapshot"), kind)
    return cast("list[Any]", items)


def _records(
    data: dict[str, Any], kind: str, record: type[_RecordT], *, required: bool = True
) -> list[_RecordT]:
    """The ``kind`` records of a snapshot, each read as ``record``."""
    return [
        _load(record, item, f"{kind}[{index}]")
        for index, item in enumerate(_members(data, kind, required=required))
    ]


def _json_kind(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )
