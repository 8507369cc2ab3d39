"""The emulator's store: images and their versions, SageMaker training jobs, Batch service
environments, job queues, quota shares and service jobs, notebook runs, model packaging jobs,
and the client tokens already answered; with their state machines.

Resources are separate per account and region, as in AWS: each (account, region) has a
`RegionStore` of its own, and a request sees only the one it is signed for (its access key's
account, its credential scope's region). A resource's statuses are planned when it is created
(each status and the time it is entered, on the emulator's `Clock`) and read lazily, so moving
the clock moves every resource; terminating or stopping one cuts its plan short. The whole store
round-trips through JSON.
"""

from __future__ import annotations

import functools
import random
import re
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any, Literal, TypeVar, cast, get_args

import pydantic

from .clock import Clock
from .faults import JOB_FAILURE_REASON, Faults
from .settings import ACCOUNT_ID, DEFAULT_REGION, Durations
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
    "RegionStore",
    "ServiceJobRecord",
    "TokenRecord",
    "TrainingJobRecord",
    "is_region",
]

SNAPSHOT_FORMAT = "aws_mlops_async.local/2"
# The format of earlier releases: one store, without accounts or regions (loaded into the
# emulator's own account and region).
_SINGLE_STORE_FORMAT = "aws_mlops_async.local/1"
_ACCOUNT = re.compile(r"\d{12}", re.ASCII)
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)

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


class RegionStore:
    """What one account holds in one region: every kind of resource, and the client tokens
    answered there (a token is one account's, in one region, as in AWS)."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self.images: dict[str, ImageRecord] = {}
        #: By lowercased name: SageMaker names are unique whatever their case, as ARNs are.
        self.training_jobs: dict[str, TrainingJobRecord] = {}
        self.service_environments: dict[str, BatchResourceRecord] = {}
        self.job_queues: dict[str, BatchResourceRecord] = {}
        #: By ARN (a share's name is unique only within its queue).
        self.quota_shares: dict[str, BatchResourceRecord] = {}
        self.service_jobs: dict[str, ServiceJobRecord] = {}
        self.notebook_runs: dict[str, NotebookRunRecord] = {}
        self.packaging_jobs: dict[tuple[str, str], PackagingJobRecord] = {}
        self.tokens: dict[tuple[str, str], TokenRecord] = {}

    def batch_resources(self) -> dict[str, dict[str, BatchResourceRecord]]:
        """The Batch resources by kind (as in a snapshot), each by name (quota shares by ARN)."""
        return {
            "service_environments": self.service_environments,
            "job_queues": self.job_queues,
            "quota_shares": self.quota_shares,
        }

    def clear(self) -> None:
        """Forget every resource and client token."""
        self.images.clear()
        self.training_jobs.clear()
        for resources in self.batch_resources().values():
            resources.clear()
        self.service_jobs.clear()
        self.notebook_runs.clear()
        self.packaging_jobs.clear()
        self.tokens.clear()

    def __bool__(self) -> bool:
        return any(
            (
                self.images,
                self.training_jobs,
                *self.batch_resources().values(),
                self.service_jobs,
                self.notebook_runs,
                self.packaging_jobs,
                self.tokens,
            )
        )

    def snapshot(self) -> dict[str, Any]:
        """This store as JSON-ready data: its records by kind."""
        return {
            "images": [
                {**asdict(image), "versions": [asdict(v) for v in image.versions.values()]}
                for image in self.images.values()
            ],
            "training_jobs": [asdict(job) for job in self.training_jobs.values()],
            **{
                kind: [asdict(record) for record in records.values()]
                for kind, records in self.batch_resources().items()
            },
            "service_jobs": [asdict(job) for job in self.service_jobs.values()],
            "notebook_runs": [asdict(run) for run in self.notebook_runs.values()],
            "packaging_jobs": [asdict(job) for job in self.packaging_jobs.values()],
            "tokens": [
                {"operation": operation, "token": token, **asdict(record)}
                for (operation, token), record in self.tokens.items()
            ],
        }

    @classmethod
    def restore(cls, account_id: str, region: str, data: dict[str, Any], where: str) -> RegionStore:
        """A store of a snapshot's records (`snapshot`'s form; ``where`` names it in errors);
        a ``ValueError`` naming the first record that does not fit."""
        store = cls(account_id, region)
        for index, item in enumerate(_members(data, "images", where=where)):
            spot = f"{_at(where, 'images')}[{index}]"
            versions = _load(list[ImageVersionRecord], _get(item, "versions", spot), spot)
            image = _load(ImageRecord, {**item, "versions": {}}, spot)
            image.versions = {version.version: version for version in versions}
            store.images[image.name] = image
        # Training jobs and Batch resources are absent from snapshots of earlier releases.
        store.training_jobs = {
            job.name.lower(): job
            for job in _records(data, "training_jobs", TrainingJobRecord, where, required=False)
        }
        for kind, records in store.batch_resources().items():
            records.update(
                (record.arn if kind == "quota_shares" else record.name, record)
                for record in _records(data, kind, BatchResourceRecord, where, required=False)
            )
        store.service_jobs = {
            job.job_id: job for job in _records(data, "service_jobs", ServiceJobRecord, where)
        }
        store.notebook_runs = {
            run.run_id: run for run in _records(data, "notebook_runs", NotebookRunRecord, where)
        }
        store.packaging_jobs = {
            (job.project_name, job.job_name): job
            for job in _records(data, "packaging_jobs", PackagingJobRecord, where)
        }
        store.tokens = {
            (token.operation, token.token): TokenRecord(token.fingerprint, token.status, token.body)
            for token in _records(data, "tokens", _TokenItem, where)
        }
        return store

    def __repr__(self) -> str:
        versions = sum(len(image.versions) for image in self.images.values())
        return (
            f"<RegionStore {self.account_id} {self.region} images={len(self.images)} "
            f"image_versions={versions} training_jobs={len(self.training_jobs)} "
            f"job_queues={len(self.job_queues)} service_jobs={len(self.service_jobs)} "
            f"notebook_runs={len(self.notebook_runs)} "
            f"model_packaging_jobs={len(self.packaging_jobs)}>"
        )


class LocalState:
    """Everything the emulator holds, in memory, a `RegionStore` per account and region;
    `snapshot` / `restore` for JSON.

    ``account_id`` and ``region`` name the emulator's own store (`home`), which ``images``,
    ``service_jobs`` and the other collections here are, and which a snapshot of an earlier
    release (one store) loads into. ``auto_create_images``: CreateImageVersion creates a
    missing image (SageMaker itself answers ResourceNotFound; `create_image` makes one
    explicitly). ``strict_resources``: SubmitServiceJob refuses a job queue never created, as
    Batch does (by default the emulator takes any queue name, for quick starts). ``faults``
    holds the ``job_failure`` share of training jobs that fail (`job_outcome`); the emulator's
    own, or a new one.
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
        account_id: str = ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        training_log_lines: int | None = None,
    ) -> None:
        _check_account(account_id)
        _check_region(region)
        self.clock = clock or Clock()
        self.stats = stats or Stats()
        self.durations = durations or Durations()
        self.faults = faults or Faults(seed)
        self.auto_create_images = auto_create_images
        self.strict_resources = strict_resources
        self.training_log_lines = training_log_lines
        self.account_id = account_id
        self.region = region
        #: Every store, by (account, region); one is made when a request first names its pair.
        self.regions: dict[tuple[str, str], RegionStore] = {}
        self._failures: dict[JobKind, deque[str | None]] = {}
        self._random = random.Random(seed)

    # -- the stores --------------------------------------------------------------------------

    def store(self, account_id: str | None = None, region: str | None = None) -> RegionStore:
        """What ``account_id`` holds in ``region`` (by default the emulator's own)."""
        key = (account_id or self.account_id, region or self.region)
        found = self.regions.get(key)
        if found is None:
            found = self.regions[key] = RegionStore(*key)
        return found

    @property
    def home(self) -> RegionStore:
        """The emulator's own account and region (what `LocalAws.session` signs for)."""
        return self.store()

    @property
    def images(self) -> dict[str, ImageRecord]:
        """The images of the emulator's own account and region (`home`)."""
        return self.home.images

    @property
    def training_jobs(self) -> dict[str, TrainingJobRecord]:
        """The training jobs of `home`, by lowercased name."""
        return self.home.training_jobs

    @property
    def service_environments(self) -> dict[str, BatchResourceRecord]:
        """The Batch service environments of `home`, by name."""
        return self.home.service_environments

    @property
    def job_queues(self) -> dict[str, BatchResourceRecord]:
        """The Batch job queues of `home`, by name."""
        return self.home.job_queues

    @property
    def quota_shares(self) -> dict[str, BatchResourceRecord]:
        """The Batch quota shares of `home`, by ARN."""
        return self.home.quota_shares

    @property
    def service_jobs(self) -> dict[str, ServiceJobRecord]:
        """The Batch service jobs of `home`, by job id."""
        return self.home.service_jobs

    @property
    def notebook_runs(self) -> dict[str, NotebookRunRecord]:
        """The DataZone notebook runs of `home`, by run id."""
        return self.home.notebook_runs

    @property
    def packaging_jobs(self) -> dict[tuple[str, str], PackagingJobRecord]:
        """The Lookout for Vision model packaging jobs of `home`, by project and job name."""
        return self.home.packaging_jobs

    @property
    def tokens(self) -> dict[tuple[str, str], TokenRecord]:
        """The client tokens answered in `home`, by operation and token."""
        return self.home.tokens

    # -- test hooks --------------------------------------------------------------------------

    def fail_next(self, kind: JobKind | str, count: int = 1, reason: str | None = None) -> None:
        """Make the next ``count`` resources of ``kind`` end FAILED (image versions:
        CREATE_FAILED, training jobs: Failed) with ``reason``, in whichever account and region
        they are made; ``kind`` may also be a service name (``"batch"``). A Batch service job's
        training job ends as the service job does."""
        name = _KIND_OF_SERVICE.get(kind, kind)
        if name not in _JOB_KINDS:
            known = ", ".join([*_JOB_KINDS, *_KIND_OF_SERVICE])
            raise ValueError(f"unknown kind {kind!r}; one of {known}")
        self._failures.setdefault(name, deque()).extend([reason] * count)

    def create_image(
        self, name: str, *, account_id: str | None = None, region: str | None = None
    ) -> ImageRecord:
        """The SageMaker image ``name`` of ``account_id`` in ``region`` (by default the
        emulator's own), created now if it does not exist."""
        images = self.store(account_id, region).images
        image = images.get(name)
        if image is None:
            image = images[name] = ImageRecord(name=name, created=self.clock.now())
            self.created("image")
        return image

    def clear(self) -> None:
        """Forget every resource and client token, in every account and region."""
        for store in self.regions.values():
            store.clear()
        self.regions.clear()

    # -- for the handlers --------------------------------------------------------------------

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
        """The whole store as JSON-ready data: each account's region that holds anything,
        with its account and region, in their order."""
        return {
            "format": SNAPSHOT_FORMAT,
            "clock_offset": self.clock.offset,
            "regions": [
                {"account_id": account_id, "region": region, **store.snapshot()}
                for (account_id, region), store in sorted(self.regions.items())
                if store
            ],
        }

    def restore(self, data: Any) -> None:
        """Replace the store with a `snapshot`'s content (the clock moves up to its offset); a
        snapshot of an earlier release (one store, format ``aws_mlops_async.local/1``) loads
        into the emulator's own account and region.

        A ``ValueError`` saying where and what is wrong when ``data`` is not a snapshot this
        emulator can read (another format, a member missing or of the wrong type, an account
        and region twice); the store is left as it was."""
        if not isinstance(data, dict):
            raise ValueError(
                f"not a snapshot of this emulator (a JSON {_json_kind(data)}, not an object)"
            )
        form = data.get("format")
        if form not in (SNAPSHOT_FORMAT, _SINGLE_STORE_FORMAT):
            raise ValueError(f"not a snapshot of this emulator (format {form!r})")
        offset = _load(_FINITE, data.get("clock_offset", 0.0), "clock_offset")
        stores: dict[tuple[str, str], RegionStore] = {}
        if form == _SINGLE_STORE_FORMAT:
            stores[(self.account_id, self.region)] = RegionStore.restore(
                self.account_id, self.region, data, ""
            )
        else:
            for index, item in enumerate(_members(data, "regions")):
                where = f"regions[{index}]"
                account_id = _load(str, _get(item, "account_id", where), f"{where}.account_id")
                region = _load(str, _get(item, "region", where), f"{where}.region")
                for check, value, member in (
                    (_check_account, account_id, "account_id"),
                    (_check_region, region, "region"),
                ):
                    try:
                        check(value)
                    except ValueError as error:
                        raise ValueError(
                            f"not a snapshot this emulator can read: {where}.{member}: {error}"
                        ) from None
                if (account_id, region) in stores:
                    raise ValueError(
                        f"not a snapshot this emulator can read: {where}: account {account_id} "
                        f"in {region} is there twice"
                    )
                stores[(account_id, region)] = RegionStore.restore(account_id, region, item, where)
        self.clear()
        self.regions.update(stores)
        if offset > self.clock.offset:
            self.clock.advance(offset - self.clock.offset)

    def __repr__(self) -> str:
        stores = list(self.regions.values())
        versions = sum(len(i.versions) for s in stores for i in s.images.values())
        return (
            f"<LocalState regions={sum(1 for s in stores if s)} "
            f"images={sum(len(s.images) for s in stores)} image_versions={versions} "
            f"training_jobs={sum(len(s.training_jobs) for s in stores)} "
            f"job_queues={sum(len(s.job_queues) for s in stores)} "
            f"service_jobs={sum(len(s.service_jobs) for s in stores)} "
            f"notebook_runs={sum(len(s.notebook_runs) for s in stores)} "
            f"model_packaging_jobs={sum(len(s.packaging_jobs) for s in stores)}>"
        )


def _check_account(account_id: str) -> None:
    if not _ACCOUNT.fullmatch(account_id):
        raise ValueError(f"an account id is 12 digits, not {account_id!r}")


def is_region(name: str) -> bool:
    """Whether ``name`` has a region's form (``eu-central-1``: lowercase letters and digits in
    words joined by hyphens)."""
    return _REGION.fullmatch(name) is not None


def _check_region(region: str) -> None:
    if not is_region(region):
        raise ValueError(
            f"a region is lowercase letters and digits in words joined by hyphens, not {region!r}"
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


def _members(
    data: dict[str, Any], kind: str, *, where: str = "", required: bool = True
) -> list[Any]:
    """The list of ``kind`` records in a snapshot, or in its part ``where`` (a missing one:
    none, unless required)."""
    if kind not in data and not required:
        return []
    items = _load(list[Any], _get(data, kind, where or "snapshot"), _at(where, kind))
    return cast("list[Any]", items)


def _records(
    data: dict[str, Any],
    kind: str,
    record: type[_RecordT],
    where: str = "",
    *,
    required: bool = True,
) -> list[_RecordT]:
    """The ``kind`` records of a snapshot (or of its part ``where``), each read as ``record``."""
    return [
        _load(record, item, f"{_at(where, kind)}[{index}]")
        for index, item in enumerate(_members(data, kind, where=where, required=required))
    ]


def _at(where: str, kind: str) -> str:
    return f"{where}.{kind}" if where else kind


def _json_kind(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )
