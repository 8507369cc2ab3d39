"""The model of a SAGEMAKER_TRAINING service job's payload (loaded only when a typed payload is
used: SageMaker's CreateTrainingJob models are large)."""

from __future__ import annotations

from pydantic import Field

from ..services.sagemaker.models import CreateTrainingJobRequest, TrainingJobName

__all__ = ["TrainingPayload"]


class TrainingPayload(CreateTrainingJobRequest):
    """SageMaker's CreateTrainingJob request as a SAGEMAKER_TRAINING service job's payload:
    every member as CreateTrainingJob takes it, but the training job's name may be left out,
    since Batch names the training job itself (``AWSBatch...``; the service job's updates carry
    that name)."""

    training_job_name: TrainingJobName | None = Field(  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleVariableOverride]
        default=None, validation_alias="TrainingJobName", serialization_alias="TrainingJobName"
    )
