"""SageMaker as the emulator speaks it (awsJson1_1): image versions, and training jobs, which
Batch service jobs start too.

Every other SageMaker operation the library binds answers ``501 NotImplemented`` naming it.
"""

from __future__ import annotations

from ....services.sagemaker import operations as ops
from ..base import ErrorCode, LocalService, bind
from . import image_versions, training_jobs
from .common import VALIDATION, token_conflict

__all__ = ["SERVICE"]

SERVICE = LocalService(
    description=ops.SERVICE,
    operations=bind(
        ops.OPERATIONS,
        {
            ops.CREATE_IMAGE_VERSION: image_versions.create_image_version,
            ops.DESCRIBE_IMAGE_VERSION: image_versions.describe_image_version,
            ops.UPDATE_IMAGE_VERSION: image_versions.update_image_version,
            ops.LIST_IMAGE_VERSIONS: image_versions.list_image_versions,
            ops.DELETE_IMAGE_VERSION: image_versions.delete_image_version,
            ops.CREATE_TRAINING_JOB: training_jobs.create_training_job,
            ops.DESCRIBE_TRAINING_JOB: training_jobs.describe_training_job,
            ops.LIST_TRAINING_JOBS: training_jobs.list_training_jobs,
            ops.STOP_TRAINING_JOB: training_jobs.stop_training_job,
            ops.UPDATE_TRAINING_JOB: training_jobs.update_training_job,
        },
    ),
    validation=VALIDATION,
    throttling=ErrorCode("ThrottlingException", 400),
    internal=ErrorCode("InternalFailure", 500),
    unavailable=ErrorCode("ServiceUnavailable", 503),
    token_conflict=token_conflict,
)
