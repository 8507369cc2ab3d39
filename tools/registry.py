"""The services and operations aws-mlops-async speaks: the one declaration everything else is
generated from (``make generate``: tools/generate_services.py) and the tests read.

Adding an operation is one line in its service's ``operations``; adding a service is one
`Service` entry (its model comes from botocore, or from ``model_dir``). What no AWS model says
is declared here too: the seeds' tighter bounds, the waiters the models lack (in the models'
own waiters-2.json form), and the error codes the published waiters get wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SERVICES", "Service", "service"]


@dataclass(frozen=True)
class Service:
    """One service: where its model is, what of it the library speaks, and what it adds."""

    #: Python package and client name (``session.<name>``), and botocore's name for it.
    name: str
    #: The service's name in prose ("AWS Batch").
    title: str
    #: The client class's name.
    client: str
    #: What the client is for, in a few words (its docstrings and the Session's).
    summary: str
    #: The operations, by their model names.
    operations: tuple[str, ...]
    #: Bounds the model lacks: ``("Shape",)`` for every use of a shape, or
    #: ``("Structure", "member")`` for one member; keys ``min``, ``max``, ``pattern``.
    bounds: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    #: Waiters the model lacks, in waiters-2.json's form, by name.
    waiters: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Paginators the model lacks, in paginators-1.json's form, by operation; one may add
    #: ``"last_page_has_previous_token": True`` (the AWS SDK for Java's name for it): the
    #: operation hands back the token it was sent when there is nothing more *yet*, so that
    #: token ends the listing instead of being taken for a loop.
    paginators: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Error codes the service's published waiters wait for and its model does not have:
    #: published code -> (the code the service answers, why). Every generated waiter's error
    #: matcher on that code waits for the answered one instead (the same code, when the
    #: service does answer it unmodeled); the generator refuses a matcher on a code the model
    #: lacks that no correction explains, and a correction no waiter needs.
    waiter_error_corrections: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: A folder holding service-2.json, paginators-1.json and endpoint-rule-set-1.json, for
    #: a service botocore no longer ships; relative to the project's root.
    model_dir: str | None = None
    #: The client class a Session hands out (``module.Class``), when a hand-written subclass
    #: of the generated one adds methods (in aws_mlops_async/ext/, which generated code never
    #: imports: it is loaded on first use); else the generated class.
    extension: str | None = None
    #: Hand-written preparation of an operation's request fields before validation, by
    #: operation: ``module.function`` taking the operation's name and the fields.
    preparations: dict[str, str] = field(default_factory=dict)

    @property
    def handed_out(self) -> tuple[str, str]:
        """The module and name of the client class a Session hands out."""
        if self.extension is not None:
            module, _, name = self.extension.rpartition(".")
            return module, name
        return f"aws_mlops_async.services.{self.name}.client", self.client


SERVICES: tuple[Service, ...] = (
    Service(
        name="sagemaker",
        title="Amazon SageMaker",
        client="SageMakerClient",
        summary="image versions, training jobs",
        operations=(
            "CreateImageVersion",
            "DeleteImageVersion",
            "DescribeImageVersion",
            "ListImageVersions",
            "UpdateImageVersion",
            # The training jobs Batch service jobs run as, and their own lifecycle.
            "CreateTrainingJob",
            "DescribeTrainingJob",
            "ListTrainingJobs",
            "StopTrainingJob",
            "UpdateTrainingJob",
        ),
        # A training job's logs: aws_mlops_async/ext/.
        extension="aws_mlops_async.ext.sagemaker.SageMakerClient",
        # A training job is named, never found by ARN: say so, with the name, when given one.
        preparations=dict.fromkeys(
            ("DescribeTrainingJob", "StopTrainingJob", "UpdateTrainingJob"),
            "aws_mlops_async.ext.training_jobs.named_not_by_arn",
        ),
        bounds={
            # The UpdateImageVersion seed: a version is 0..1152921504606846976.
            ("ImageVersionNumber",): {"max": 1152921504606846976},
        },
        waiter_error_corrections={
            "ResourceNotFoundException": (
                "ResourceNotFound",
                "SageMaker answers a missing resource with ResourceNotFound, the one not-found "
                "error of its model.",
            ),
            "ValidationException": (
                "ValidationException",
                "SageMaker answers a request it refuses so; its model lists none of the "
                "errors common to every service.",
            ),
        },
    ),
    Service(
        name="batch",
        title="AWS Batch",
        client="BatchClient",
        summary="service jobs (SageMaker Training queued through Batch), container jobs, "
        "job queues, compute and service environments, quota shares",
        operations=(
            "CancelJob",
            "CancelJobs",
            "CreateComputeEnvironment",
            "CreateConsumableResource",
            "CreateJobQueue",
            "CreateQuotaShare",
            "CreateSchedulingPolicy",
            "CreateServiceEnvironment",
            "DeleteComputeEnvironment",
            "DeleteConsumableResource",
            "DeleteJobQueue",
            "DeleteQuotaShare",
            "DeleteSchedulingPolicy",
            "DeleteServiceEnvironment",
            "DeregisterJobDefinition",
            "DescribeComputeEnvironments",
            "DescribeConsumableResource",
            "DescribeJobDefinitions",
            "DescribeJobQueues",
            "DescribeJobs",
            "DescribeQuotaShare",
            "DescribeSchedulingPolicies",
            "DescribeServiceEnvironments",
            "DescribeServiceJob",
            "GetJobQueueSnapshot",
            "ListConsumableResources",
            "ListJobs",
            "ListJobsByConsumableResource",
            "ListQuotaShares",
            "ListSchedulingPolicies",
            "ListServiceJobs",
            "ListTagsForResource",
            "RegisterJobDefinition",
            "SubmitJob",
            "SubmitServiceJob",
            "TagResource",
            "TerminateJob",
            "TerminateJobs",
            "TerminateServiceJob",
            "TerminateServiceJobs",
            "UntagResource",
            "UpdateComputeEnvironment",
            "UpdateConsumableResource",
            "UpdateJobQueue",
            "UpdateQuotaShare",
            "UpdateSchedulingPolicy",
            "UpdateServiceEnvironment",
            "UpdateServiceJob",
        ),
        bounds={
            # The SubmitServiceJob seed: up to 128 letters, digits, hyphens and underscores,
            # and a scheduling priority of 0..9999.
            ("SubmitServiceJobRequest", "jobName"): {
                "min": 1,
                "max": 128,
                "pattern": "[a-zA-Z0-9_-]+",
            },
            ("SubmitServiceJobRequest", "schedulingPriority"): {"min": 0, "max": 9999},
            # What the model's documentation states and its shapes leave out.
            ("UpdateServiceJobRequest", "schedulingPriority"): {"min": 0, "max": 9999},
            ("TerminateServiceJobsRequest", "jobs"): {"min": 1, "max": 50},
        },
        # Bulk submission, watching and a typed training payload: aws_mlops_async/ext/.
        extension="aws_mlops_async.ext.batch.BatchClient",
        preparations={
            "SubmitServiceJob": "aws_mlops_async.ext.training_payload.prepare_submission",
        },
        waiters={
            "ServiceJobFinished": {
                "operation": "DescribeServiceJob",
                "delay": 30,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "status",
                        "state": "success",
                        "expected": "SUCCEEDED",
                    },
                    {
                        "matcher": "path",
                        "argument": "status",
                        "state": "failure",
                        "expected": "FAILED",
                    },
                ],
            },
        },
    ),
    Service(
        name="datazone",
        title="Amazon DataZone",
        client="DataZoneClient",
        summary="SageMaker Unified Studio notebook runs",
        operations=("GetNotebookRun", "ListNotebookRuns", "StartNotebookRun", "StopNotebookRun"),
        waiters={
            "NotebookRunFinished": {
                "operation": "GetNotebookRun",
                "delay": 30,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "status",
                        "state": "success",
                        "expected": "SUCCEEDED",
                    },
                    {
                        "matcher": "path",
                        "argument": "status",
                        "state": "failure",
                        "expected": "FAILED",
                    },
                    {
                        "matcher": "path",
                        "argument": "status",
                        "state": "failure",
                        "expected": "STOPPED",
                    },
                ],
            },
        },
    ),
    Service(
        name="lookoutvision",
        title="Amazon Lookout for Vision",
        client="LookoutVisionClient",
        summary="model packaging jobs",
        operations=(
            "DescribeModelPackagingJob",
            "ListModelPackagingJobs",
            "StartModelPackagingJob",
        ),
        waiters={
            "ModelPackagingJobFinished": {
                "operation": "DescribeModelPackagingJob",
                "delay": 30,
                "maxAttempts": 120,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "ModelPackagingDescription.Status",
                        "state": "success",
                        "expected": "SUCCEEDED",
                    },
                    {
                        "matcher": "path",
                        "argument": "ModelPackagingDescription.Status",
                        "state": "failure",
                        "expected": "FAILED",
                    },
                ],
            },
        },
        # AWS ended Lookout for Vision on 2025-10-31 and botocore dropped its model.
        model_dir="tests/data/service-models/lookoutvision-2020-11-20",
    ),
    Service(
        name="logs",
        title="Amazon CloudWatch Logs",
        client="CloudWatchLogsClient",
        summary="log groups, streams and events (where training jobs write their output)",
        operations=("DescribeLogGroups", "DescribeLogStreams", "FilterLogEvents", "GetLogEvents"),
        paginators={
            # botocore has none for GetLogEvents: reading a stream forward never runs out of
            # pages, it catches up, and a caught-up stream hands back the token it was sent.
            "GetLogEvents": {
                "input_token": "nextToken",
                "output_token": "nextForwardToken",
                "limit_key": "limit",
                "result_key": "events",
                "last_page_has_previous_token": True,
            },
        },
    ),
)


def service(name: str) -> Service:
    """The registry's entry for ``name``."""
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(name)
