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

__all__ = ["SERVICES", "Preparation", "Service", "service"]


@dataclass(frozen=True)
class Preparation:
    """Hand-written handling of one operation's request fields, run before validation (on a
    call's fields and on each bulk job's alike), and what it changes in the client method."""

    #: The function (``module.function``) taking the operation's name and its fields.
    function: str
    #: Method parameters taking more than their modeled type: Python name -> annotation.
    widened: dict[str, str] = field(default_factory=dict)
    #: Keyword parameters the method adds, passed on among the fields when not their
    #: default: name -> (annotation, default, documentation).
    added: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: The names the annotations spell, imported for type checking: (module, name).
    names: tuple[tuple[str, str], ...] = ()
    #: The documentation of the widened parameters, in place of the model's: name -> text.
    documentation: dict[str, str] = field(default_factory=dict)


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
    #: Error codes the service's published waiters wait for and its model does not have:
    #: published code -> (the code the service answers, why). Every generated waiter's error
    #: matcher on that code waits for the answered one instead (the same code, when the
    #: service does answer it unmodeled); the generator refuses a matcher on a code the model
    #: lacks that no correction explains, and a correction no waiter needs.
    waiter_error_corrections: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: A folder holding service-2.json, paginators-1.json and endpoint-rule-set-1.json, for
    #: a service botocore no longer ships; relative to the project's root.
    model_dir: str | None = None
    #: The class the client extends (``module.Class``), when it adds hand-written methods to
    #: the generated ones; else the library's BaseClient.
    client_base: str = "aws_mlops_async.client.BaseClient"
    #: Hand-written request preparation, by operation.
    preparations: dict[str, Preparation] = field(default_factory=dict)


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
        client_base="aws_mlops_async.service_jobs.ServiceJobs",  # submit_service_jobs
        preparations={
            "SubmitServiceJob": Preparation(
                function="aws_mlops_async.training_payload.prepare_submission",
                widened={
                    "service_request_payload": "str | CreateTrainingJobRequest | Mapping[str, Any]"
                },
                added={
                    "validate_payload": (
                        "bool",
                        "False",
                        "Validate a JSON string payload as a CreateTrainingJob request too "
                        "(it is then sent unchanged).",
                    )
                },
                names=(("aws_mlops_async.services.sagemaker.models", "CreateTrainingJobRequest"),),
                documentation={
                    "service_request_payload": (
                        "The request for the service the job is queued for: a JSON string, "
                        "passed as it is, or for ``SAGEMAKER_TRAINING`` a "
                        "``CreateTrainingJobRequest`` or a mapping of its fields, validated "
                        "before anything is sent (an error names the nested field, as in "
                        "``service_request_payload.resource_config.instance_count``) and "
                        "written as SageMaker's CreateTrainingJob JSON body. Batch names the "
                        "training job it creates itself (its service-linked role may create "
                        "only ``AWSBatch*`` training jobs): find it by "
                        "``latest_attempt.service_resource_id`` of DescribeServiceJob, not by "
                        "``TrainingJobName``; put tags in ``tags``, which Batch applies, as "
                        "SageMaker's own SDK moves a payload's ``Tags`` there."
                    )
                },
            )
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
)


def service(name: str) -> Service:
    """The registry's entry for ``name``."""
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(name)
