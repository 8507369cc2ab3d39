"""The emulator's fixed identity (account, default keys and region) and its phase durations."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = [
    "ACCOUNT_ID",
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_KEY",
    "MAX_CLOCK_SKEW",
    "Durations",
]

#: The account every ARN the emulator makes belongs to.
ACCOUNT_ID = "123456789012"
#: The access key the emulator accepts unless given others.
DEFAULT_ACCESS_KEY = "AKIDLOCAL"
#: The secret key that goes with `DEFAULT_ACCESS_KEY`.
DEFAULT_SECRET_KEY = "local-secret"
#: The region the emulator answers for unless given another.
DEFAULT_REGION = "us-east-1"
#: How far (seconds) a request's X-Amz-Date may be from the emulator's wall clock, as in AWS.
MAX_CLOCK_SKEW = 300.0


@dataclass(frozen=True)
class Durations:
    """Seconds each phase of each emulated resource lasts, on the emulator's clock.

    Short by default, so a demo finishes within seconds; ``endpoint.clock.advance(seconds)``
    moves everything forward without waiting. A training job created with CreateTrainingJob is
    Starting, then Training (``training_job_starting``, ``training_job_running``); one a Batch
    service job starts lasts as long as that job's RUNNING phase. A stopped one is Stopping for
    ``training_job_stopping``.
    """

    image_version_creating: float = 0.5
    batch_resource_changing: float = 0.3
    service_job_submitted: float = 0.2
    service_job_runnable: float = 0.2
    service_job_running: float = 0.6
    notebook_run_queued: float = 0.3
    notebook_run_running: float = 0.7
    packaging_job_created: float = 0.3
    packaging_job_running: float = 0.7
    training_job_starting: float = 0.2
    training_job_running: float = 0.6
    training_job_stopping: float = 0.2

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError(f"Durations.{field.name} must be >= 0")

    @classmethod
    def uniform(cls, seconds: float) -> Durations:
        """Durations with every phase lasting ``seconds``."""
        return cls(**{field.name: seconds for field in fields(cls)})

    def scaled(self, factor: float) -> Durations:
        """These durations multiplied by ``factor``."""
        return replace(self, **{f.name: getattr(self, f.name) * factor for f in fields(self)})
