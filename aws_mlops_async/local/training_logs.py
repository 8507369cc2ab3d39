"""The CloudWatch Logs streams of the emulated SageMaker training jobs: one per instance, in log
group `LOG_GROUP`, named ``<TrainingJobName>/algo-<n>-<epoch seconds of its start>``, holding
the lines of that instance's `Script` (``training_script.py``), each at its own timestamp.

Computed, never stored: a stream is a pure function of its job's record, and event ``i`` of
it is ``(timestamp(i), message(i))``, so a job of 8 instances x 10,000 lines costs no more
memory than one of 10. The lines are spread evenly over the instance's share of the Training
phase as it was planned: instance 1 starts as the phase starts, each other one a little later
(within the phase's first tenth, drawn from the job's name), and its stream appears then; its
last line comes before the phase ends. A line is visible once the emulator's clock reaches its
timestamp (its ingestion time is its timestamp), so a reader that polls sees lines arrive, and
every line of a finished job is visible. A stop cuts the lines short, at their planned pace:
those up to the stop, then a line saying SIGTERM was received; an instance that had not started
has no stream. A job already stopped when its record was made (a Batch service job terminated
before anything looked at it) is taken to have been stopped halfway through its Training phase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .state import TrainingJobRecord
from .training_script import Script, draw, instance_count

__all__ = ["LOG_GROUP", "TrainingLogStream", "first_line_at", "job_streams"]

#: The log group SageMaker training jobs write to.
LOG_GROUP = "/aws/sagemaker/TrainingJobs"

# The share of the Training phase within which every instance has started.
_LATE_START = 0.1
_STOPPED = ("Stopping", "Stopped")
_FAILED_WITHOUT_REASON = "The training job failed."


@dataclass(frozen=True)
class TrainingLogStream:
    """The stream of one instance: its ``name``, its `Script`, when its first line is written
    (``start``, epoch milliseconds, its creation time too), when its planned lines end
    (``end``: each comes before it) and when it was stopped (``cut``; None: it was not)."""

    name: str
    script: Script
    start: int
    end: int
    cut: int | None = None

    @cached_property
    def length(self) -> int:
        """How many events it has once its job has ended."""
        if self.cut is None:
            return self.script.length
        cut = self.cut
        return _first(self.script.length, lambda index: self._planned(index) > cut) + 1

    def timestamp(self, index: int) -> int:
        """When event ``index`` is written (epoch milliseconds; never earlier than the one
        before it)."""
        if self.cut is not None and index == self.length - 1:
            return self.cut
        return self._planned(index)

    def message(self, index: int) -> str:
        """The text of event ``index``."""
        if self.cut is not None and index == self.length - 1:
            return self.script.sigterm()
        return self.script.line(index)

    def index_at(self, time: int) -> int:
        """The first event written at ``time`` (epoch milliseconds) or later; `length` when
        none is."""
        return _first(self.length, lambda index: self.timestamp(index) >= time)

    def visible(self, now: int) -> int:
        """How many events are visible at ``now`` (epoch milliseconds): those written by then,
        the first ones."""
        return self.index_at(now + 1)

    def _planned(self, index: int) -> int:
        return self.start + (self.end - self.start) * index // self.script.length


def first_line_at(job: TrainingJobRecord) -> int | None:
    """When ``job`` writes its first line (epoch milliseconds: its Training phase starts, and
    so does instance 1's stream); None when it never trains."""
    steps = job.lifecycle.steps
    training = _training_step(job)
    return None if training is None else int(steps[training][1] * 1000)


def job_streams(job: TrainingJobRecord, lines: int | None = None) -> tuple[TrainingLogStream, ...]:
    """The streams of ``job``'s instances, by instance (those that will appear too; none
    unless it reaches its Training phase); ``lines``: how many each writes if the job
    completes (None: as its ``epochs`` hyperparameter says, `Script.of`)."""
    steps = job.lifecycle.steps
    training = _training_step(job)
    if training is None:
        return ()
    began = steps[training][1]
    after, ended = steps[training + 1]
    cut = ended if after in _STOPPED else None
    planned = job.training_planned_end if job.training_planned_end is not None else ended
    if cut is not None and planned <= cut:
        planned = began + 2 * (cut - began)
    window = max(planned - began, 0.0)
    failing = job.failure_reason is not None or after == "Failed"
    reason = (job.failure_reason or _FAILED_WITHOUT_REASON) if failing else None
    streams = []
    for instance in range(1, instance_count(job.request) + 1):
        late = 0.0 if instance == 1 else window * _LATE_START * draw(job.name, "start", instance)
        started = began + late
        if cut is not None and started > cut:
            continue  # stopped before this instance started: it wrote nothing
        start = int(started * 1000)
        streams.append(
            TrainingLogStream(
                name=f"{job.name}/algo-{instance}-{int(started)}",
                script=Script.of(job.name, job.request, reason, instance, lines),
                start=start,
                end=max(int(planned * 1000), start),
                cut=None if cut is None else max(int(cut * 1000), start),
            )
        )
    return tuple(streams)


def _training_step(job: TrainingJobRecord) -> int | None:
    """Where the Training phase is in ``job``'s lifecycle (it is never the last step)."""
    steps = job.lifecycle.steps
    return next(
        (i for i, (status, _) in enumerate(steps[:-1]) if status == "Training"),
        None,
    )


def _first(count: int, reached: Callable[[int], bool]) -> int:
    """The first index below ``count`` where ``reached`` holds (it holds from there on), else
    ``count``: a binary search, so no event is made to find one."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if reached(middle):
            high = middle
        else:
            low = middle + 1
    return low
