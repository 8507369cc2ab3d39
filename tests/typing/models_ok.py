"""Requests built from models in their Python names, as an editor sees them: `mypy --strict`
(without the pydantic plugin) and basedpyright strict must accept this file as they accept the
calls it makes at run time. The training loop as a user writes it: a typed payload without a
name, submitted, watched, and its training job described by the name its update carries."""

from __future__ import annotations

from aws_mlops_async import Session
from aws_mlops_async.ext.training_payload import TrainingPayload
from aws_mlops_async.modeling import SecretValue
from aws_mlops_async.services.batch.models import (
    ServiceJobRetryStrategy,
    ServiceJobTimeout,
    SubmitServiceJobRequest,
)
from aws_mlops_async.services.datazone.models import StartNotebookRunInput
from aws_mlops_async.services.sagemaker.models import (
    AlgorithmSpecification,
    CreateTrainingJobRequest,
    OutputDataConfig,
    ResourceConfig,
    StoppingCondition,
)

RESOURCES = ResourceConfig(instance_type="ml.g5.xlarge", instance_count=2, volume_size_in_gb=50)
TRAINING = CreateTrainingJobRequest(
    training_job_name="train-1",
    algorithm_specification=AlgorithmSpecification(
        training_image="pytorch:2.5", training_input_mode="File"
    ),
    role_arn="arn:aws:iam::123456789012:role/SageMakerTraining",
    output_data_config=OutputDataConfig(s3_output_path="s3://models-bucket/output/"),
    resource_config=RESOURCES,
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
PAYLOAD = TrainingPayload(  # no name: Batch names the training job
    algorithm_specification=AlgorithmSpecification(
        training_image="pytorch:2.5", training_input_mode="File"
    ),
    role_arn="arn:aws:iam::123456789012:role/SageMakerTraining",
    output_data_config=OutputDataConfig(s3_output_path="s3://models-bucket/output/"),
    resource_config=RESOURCES,
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
)
JOB = SubmitServiceJobRequest(
    job_name="train-1",
    job_queue="ml-queue",
    service_job_type="SAGEMAKER_TRAINING",
    service_request_payload="{}",
    retry_strategy=ServiceJobRetryStrategy(attempts=2),
    timeout_config=ServiceJobTimeout(attempt_duration_seconds=3600),
)

# Sensitive members take their plain value, as the constructor does at run time (and keeps it
# masked), or a value already in a SecretValue.
NOTEBOOK_RUN = StartNotebookRunInput(
    domain_identifier="dzd_abc123",
    owning_project_identifier="abc123",
    notebook_identifier="abc123",
    parameters={"learning_rate": "0.1"},
    metadata={"owner": "ml-team", "token": SecretValue("s3cr3t")},
)
NOTEBOOK_RUN.parameters = {"learning_rate": "0.2"}


async def train(session: Session) -> list[str]:
    """Submit, watch to the end, describe each training job: the statuses it ended in."""
    job = await session.batch.submit_service_job(
        job_name="train-1",
        job_queue="ml-queue",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload=PAYLOAD,
    )
    statuses: list[str] = []
    async with session.batch.watch_service_jobs([job], poll_interval=30) as watch:
        async for update in watch:
            if update.finished and update.training_job_name is not None:
                described = await session.sagemaker.describe_training_job(
                    training_job_name=update.training_job_name
                )
                statuses.append(str(described.training_job_status))
    return statuses


INSTANCES: int | None = RESOURCES.instance_count
NAME: str = TRAINING.training_job_name
UNNAMED: str | None = PAYLOAD.training_job_name
