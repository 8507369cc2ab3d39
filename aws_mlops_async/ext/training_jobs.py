"""SageMaker training jobs are named, not found by ARN: the name in a training job's ARN, and
the preparation of the operations taking a name, which refuses an ARN with that hint."""

from __future__ import annotations

from typing import Any

from ..errors import FieldProblem, ValidationError

__all__ = ["named_not_by_arn", "training_job_name"]

_FIELD = "training_job_name"


def training_job_name(arn: str | None) -> str | None:
    """The name in a training job's ARN (``arn:aws:sagemaker:...:training-job/NAME``), None
    for anything else."""
    if arn is None or not arn.startswith("arn:"):
        return None
    kind, _, name = arn.split(":", 5)[-1].partition("/")
    return name if kind == "training-job" and name else None


def named_not_by_arn(operation: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of an operation on one training job, as given; a ValidationError saying
    so, with the name, when the job is given by its ARN (SageMaker takes only its name)."""
    given = fields.get(_FIELD, fields.get("TrainingJobName"))
    if isinstance(given, str) and given.startswith("arn:"):
        name = training_job_name(given)
        hint = f": this one's name is {name!r}" if name else ""
        raise ValidationError(
            operation,
            [
                FieldProblem(
                    _FIELD,
                    f"takes a training job's name, not an ARN{hint} (a service job's "
                    "updates carry it as training_job_name)",
                )
            ],
        )
    return fields
