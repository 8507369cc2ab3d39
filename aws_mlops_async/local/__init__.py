"""An embedded emulator of the operations this library speaks, for tests, demos and offline work.

    async with LocalAws() as endpoint, endpoint.session() as session:
        job = await session.batch.submit_service_job(...)
        endpoint.clock.advance(60)           # every job moves on
        endpoint.faults.set(throttle=0.1)    # a tenth of requests throttled
        endpoint.faults.set(job_failure=0.2) # a fifth of training jobs end FAILED
        assert endpoint.stats.created["service_job"] == 1

SageMaker image versions and training jobs; Batch service environments, SAGEMAKER_TRAINING job
queues, quota shares and service jobs, each of which starts the SageMaker training job its
payload describes once it runs; DataZone notebook runs and Lookout for Vision model packaging
jobs, on one loopback port, SigV4-checked. Training jobs write their log lines to CloudWatch
Logs as they run (``/aws/sagemaker/TrainingJobs``, a stream an instance), which
DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents serve. Every other
operation the library speaks answers 501 NotImplemented, naming it. Resources are one
account's in one region, as in AWS: those of the region a request is signed for and of its
access key's account (``LocalAws(accounts=...)``). From a shell: ``python -m
aws_mlops_async.local --port 4567``; in pytest, the ``local_aws`` fixture.

Names load on first use, so importing this package (as the pytest plugin does) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .clock import Clock
    from .errors import SnapshotError
    from .faults import FAULT_KINDS, Fault, FaultKind, FaultRule, Faults
    from .pytest_plugin import LocalAwsFixture
    from .server import LocalAws
    from .settings import (
        ACCOUNT_ID,
        DEFAULT_ACCESS_KEY,
        DEFAULT_REGION,
        DEFAULT_SECRET_KEY,
        Durations,
    )
    from .state import JobKind, LocalState
    from .stats import Stats

__all__ = [
    "ACCOUNT_ID",
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_KEY",
    "FAULT_KINDS",
    "Clock",
    "Durations",
    "Fault",
    "FaultKind",
    "FaultRule",
    "Faults",
    "JobKind",
    "LocalAws",
    "LocalAwsFixture",
    "LocalState",
    "SnapshotError",
    "Stats",
]

_HOMES = {
    "ACCOUNT_ID": "settings",
    "DEFAULT_ACCESS_KEY": "settings",
    "DEFAULT_REGION": "settings",
    "DEFAULT_SECRET_KEY": "settings",
    "Durations": "settings",
    "FAULT_KINDS": "faults",
    "Fault": "faults",
    "FaultKind": "faults",
    "FaultRule": "faults",
    "Faults": "faults",
    "Clock": "clock",
    "JobKind": "state",
    "LocalAws": "server",
    "LocalAwsFixture": "pytest_plugin",
    "LocalState": "state",
    "SnapshotError": "errors",
    "Stats": "stats",
}


if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _HOMES)
