"""A SAGEMAKER_TRAINING service job's payload, typed: SageMaker's CreateTrainingJob request,
validated before the job is queued and written as SageMaker's JSON body.

Batch passes ``serviceRequestPayload`` through unchecked (its user guide, "Submit a service
job": "The serviceRequestPayload is passed through without validation"), so a mistake in it
surfaces only when the queued job reaches SageMaker. `prepare_submission` is the hook the
SubmitServiceJob operation runs on its fields before validation (the registry names it), for a
call, a bulk run and the command line alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic_core import PydanticSerializationError

from .._lazy import lazy_exports
from ..errors import FieldProblem, ValidationError
from ..modeling import to_validation_error, unencodable_fields, wire_json

if TYPE_CHECKING:
    from ..services.sagemaker.models import CreateTrainingJobRequest
    from .training_model import TrainingPayload
else:  # the payload's model loads when first asked for (SageMaker's models are large)
    __getattr__, __dir__ = lazy_exports(
        __name__, {"TrainingPayload": "training_model"}, package=__package__
    )

__all__ = ["TrainingPayload", "prepare_submission"]

PAYLOAD = "service_request_payload"
_WIRE_PAYLOAD = "serviceRequestPayload"
_VALIDATE = "validate_payload"
_TRAINING = "SAGEMAKER_TRAINING"


def prepare_submission(operation: str, fields: dict[str, Any]) -> dict[str, Any]:
    """SubmitServiceJob's fields with a typed payload (a `TrainingPayload`, a
    `CreateTrainingJobRequest` or a mapping of their fields) validated and written as JSON, and
    a JSON payload validated too when ``validate_payload`` is set; a ValidationError naming
    the nested field otherwise."""
    key = PAYLOAD if PAYLOAD in fields else _WIRE_PAYLOAD
    payload = fields.get(key)
    if type(payload) is str and _VALIDATE not in fields:
        return fields  # the plain path: passed through unchanged, as Batch takes it
    fields = dict(fields)  # the caller's own dict (a bulk job's) stays as it was
    validate = fields.pop(_VALIDATE, False)
    if type(validate) is not bool:  # no 0 or 1 for a bool, as every member's type is kept
        raise _refused(operation, _VALIDATE, "must be True or False")
    if isinstance(payload, str) and validate is False:
        return fields
    if fields.get("service_job_type", fields.get("serviceJobType")) != _TRAINING:
        if not isinstance(payload, str):
            raise _refused(
                operation, PAYLOAD, f"a typed payload needs service_job_type {_TRAINING}"
            )
        raise _refused(operation, _VALIDATE, f"payloads are known only for {_TRAINING} jobs")
    request = _training_request(operation, payload)
    if not isinstance(payload, str):
        try:
            fields[key] = wire_json(request).decode()
        except PydanticSerializationError:  # a lone surrogate: no UTF-8 body carries it
            paths = [_nested(path) for path in unencodable_fields(request)] or [PAYLOAD]
            raise ValidationError(
                operation, [FieldProblem(path, "cannot be encoded as UTF-8") for path in paths]
            ) from None
    return fields


def _training_request(operation: str, payload: object) -> CreateTrainingJobRequest:
    from ..services.sagemaker.models import CreateTrainingJobRequest
    from .training_model import TrainingPayload

    # A CreateTrainingJobRequest given is held to its own class (the name required); anything
    # else is read as a TrainingPayload, whose name Batch gives.
    model = type(payload) if isinstance(payload, CreateTrainingJobRequest) else TrainingPayload
    validator = model.__pydantic_validator__
    try:
        if isinstance(payload, str):
            # As SageMaker reads the JSON body: by wire name, each member its exact type.
            parsed: CreateTrainingJobRequest = validator.validate_json(
                payload, strict=True, by_alias=True, by_name=False
            )
        elif isinstance(payload, (CreateTrainingJobRequest, Mapping)):
            # A model is validated again: it may have changed since it was made.
            parsed = validator.validate_python(
                payload if isinstance(payload, CreateTrainingJobRequest) else dict(payload)
            )
        else:
            raise _refused(
                operation,
                PAYLOAD,
                "must be a JSON string, a TrainingPayload, a CreateTrainingJobRequest or a "
                f"mapping of their fields, not {type(payload).__name__}",
            )
    except pydantic.ValidationError as error:
        problems = to_validation_error(operation, error).problems
        raise ValidationError(
            operation,
            [FieldProblem(_nested(problem.field), problem.message) for problem in problems],
        ) from None
    return parsed


def _nested(field: str) -> str:
    """The path of a payload's field under the job's (pydantic names it in Python)."""
    return PAYLOAD if field == "(request)" else f"{PAYLOAD}.{field}"


def _refused(operation: str, field: str, message: str) -> ValidationError:
    return ValidationError(operation, [FieldProblem(field, message)])
