"""Fault injection: throttling, server errors, dropped connections and lost responses, delays;
and training jobs that fail.

Rates are fractions of requests, per operation or for all of them, drawn from one seeded
random generator so a run with a seed is repeatable. `Faults.inject` queues exact faults for
the next requests, whatever the rates, for tests that need one fault at one place.

``job_failure`` is of another kind: not a fraction of requests but of the training jobs
created (by SubmitServiceJob of a SAGEMAKER_TRAINING job, or by CreateTrainingJob), which are
accepted as usual and then end FAILED (SageMaker: Failed) with an ``AlgorithmError`` reason,
as a training script that crashes would. It is drawn when the job is created, from the same
seeded generator, and only while it is set, so the other draws of a seeded run stay as they
were without it.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, fields
from typing import Literal, get_args

__all__ = ["FAULT_KINDS", "JOB_FAILURE_REASON", "Fault", "FaultKind", "FaultRule", "Faults"]

FaultKind = Literal["throttle", "server_error", "unavailable", "drop", "lost_response"]
"""What a faulty request gets.

- ``throttle``: the service's own throttling error (retryable);
- ``server_error``: the service's HTTP 500 error; ``unavailable``: HTTP 503;
- ``drop``: the connection is closed before the request is processed (nothing happens);
- ``lost_response``: the request is processed, then the connection is closed unanswered.
"""

FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)

#: The statusReason (FailureReason) of a training job that ``job_failure`` fails.
JOB_FAILURE_REASON = (
    "AlgorithmError: the training script exited with a non-zero status (a job failure "
    "injected by the emulator's job_failure setting)"
)


@dataclass(frozen=True)
class FaultRule:
    """Fractions (0..1, at most 1 in all) of requests that get each fault, and a delay in
    seconds every request waits before it is handled; ``job_failure`` (0..1, not part of that
    sum) is the fraction of the training jobs the operation creates that end FAILED."""

    throttle: float = 0.0
    server_error: float = 0.0
    unavailable: float = 0.0
    drop: float = 0.0
    lost_response: float = 0.0
    delay: float = 0.0
    job_failure: float = 0.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value < 0.0 or (field.name != "delay" and value > 1.0):
                raise ValueError(f"{field.name} must be within 0..1 (delay: >= 0), not {value}")
        if sum(getattr(self, kind) for kind in FAULT_KINDS) > 1.0 + 1e-9:
            raise ValueError("the fault fractions add up to more than 1")

    @property
    def active(self) -> bool:
        """Whether this rule does anything at all."""
        return any(getattr(self, field.name) for field in fields(self))


@dataclass(frozen=True)
class Fault:
    """The decision for one request: the fault it gets (None: none) and its delay."""

    kind: FaultKind | None
    delay: float = 0.0


class Faults:
    """The faults the emulator injects; change them at any time, even mid-run."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._rules: dict[str | None, FaultRule] = {}
        self._queued: dict[str | None, deque[FaultKind]] = {}

    def set(
        self,
        *,
        throttle: float = 0.0,
        server_error: float = 0.0,
        unavailable: float = 0.0,
        drop: float = 0.0,
        lost_response: float = 0.0,
        delay: float = 0.0,
        job_failure: float = 0.0,
        operation: str | None = None,
    ) -> FaultRule:
        """Replace the rule of ``operation`` (e.g. ``"SubmitServiceJob"``), or with None the
        rule for every operation without one of its own; the new rule.

        ``job_failure`` applies to the operations that create training jobs: SubmitServiceJob
        and CreateTrainingJob."""
        rule = FaultRule(
            throttle=throttle,
            server_error=server_error,
            unavailable=unavailable,
            drop=drop,
            lost_response=lost_response,
            delay=delay,
            job_failure=job_failure,
        )
        self._rules[operation] = rule
        return rule

    def inject(self, kind: FaultKind, *, count: int = 1, operation: str | None = None) -> None:
        """Give the next ``count`` requests (of ``operation``, or of any) the fault ``kind``,
        before any rate applies."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        self._queued.setdefault(operation, deque()).extend([kind] * count)

    def clear(self, operation: str | None = None) -> None:
        """Remove the rule and queued faults of ``operation``; with None, remove them all."""
        if operation is None:
            self._rules.clear()
            self._queued.clear()
        else:
            self._rules.pop(operation, None)
            self._queued.pop(operation, None)

    def seed(self, seed: int | None) -> None:
        """Restart the random draws from ``seed``."""
        self._random.seed(seed)

    def rule(self, operation: str) -> FaultRule:
        """The rule that applies to ``operation`` now."""
        return self._rules.get(operation) or self._rules.get(None) or FaultRule()

    def decide(self, operation: str) -> Fault:
        """The fault the next request of ``operation`` gets (one random draw per request)."""
        rule = self.rule(operation)
        draw = self._random.random()
        for key in (operation, None):
            queued = self._queued.get(key)
            if queued:
                return Fault(queued.popleft(), rule.delay)
        threshold = 0.0
        for kind in FAULT_KINDS:
            threshold += getattr(rule, kind)
            if draw < threshold:
                return Fault(kind, rule.delay)
        return Fault(None, rule.delay)

    def fails_job(self, operation: str) -> bool:
        """Whether the training job the request of ``operation`` creates is to fail, by the
        rule's ``job_failure`` (no draw at all while it is 0)."""
        share = self.rule(operation).job_failure
        return share > 0.0 and self._random.random() < share

    def __repr__(self) -> str:
        rules = {key or "*": rule for key, rule in self._rules.items() if rule.active}
        return f"<Faults {rules}>"
