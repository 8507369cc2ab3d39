"""The base of every request and response model, and the field types the services share.

Requests are strict: every constraint of the service model is checked and an unknown field
is an error. Responses are read with `parse_response`, which is lenient where AWS may move
ahead of the model: a value outside a modeled enum, pattern or range is kept as sent, and an
unknown field is dropped. The JSON form of a model (`model_dump(mode="json")`) is its wire
form: wire names, timestamps as epoch seconds, sensitive values in clear.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    Secret,
    SecretStr,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from .errors import FieldProblem, ValidationError

__all__ = [
    "LENIENT_IN_RESPONSES",
    "LENIENT_SECRET_IN_RESPONSES",
    "REVEAL_ON_WIRE",
    "AwsModel",
    "SensitiveString",
    "Timestamp",
    "items_bound",
    "parse_response",
    "sensitive_map",
    "to_validation_error",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

_RESPONSE = {"response": True}


class AwsModel(BaseModel):
    """Base of the request, response and nested structure models.

    Fields take their Python name or their wire name; nested structures take a model or a
    plain dict.
    """

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        defer_build=True,
        hide_input_in_errors=True,
        protected_namespaces=(),
    )


def _lenient_in_responses(
    value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
) -> Any:
    try:
        return handler(value)
    except pydantic.ValidationError:
        if info.context is _RESPONSE:
            return value
        raise


LENIENT_IN_RESPONSES = WrapValidator(_lenient_in_responses)
"""Marks a constrained scalar type whose constraint binds requests only: responses keep what
AWS sent."""


def _lenient_secret_in_responses(
    value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
) -> Any:
    try:
        return handler(value)
    except pydantic.ValidationError:
        if info.context is _RESPONSE:
            # Kept as sent, but still hidden: a sensitive value out of bounds is still secret.
            return SecretStr(value) if isinstance(value, str) else Secret(value)
        raise


LENIENT_SECRET_IN_RESPONSES = WrapValidator(_lenient_secret_in_responses)
"""`LENIENT_IN_RESPONSES` for a sensitive string: what AWS sent is kept in a `Secret`."""


def items_bound(
    *, min_items: int | None = None, max_items: int | None = None
) -> pydantic.AfterValidator:
    """Bounds on the entries of a list or map, binding requests only.

    A response keeps every entry AWS sent, each one read into its type (a bound checked by
    `LENIENT_IN_RESPONSES` would keep the raw entries instead, unknown members and all).
    """

    def check(value: Any, info: ValidationInfo) -> Any:
        if info.context is not _RESPONSE:
            count = len(value)
            if max_items is not None and count > max_items:
                raise PydanticCustomError(
                    "too_long",
                    "Should have at most {max_items} entries, not {count}",
                    {"max_items": max_items, "count": count},
                )
            if min_items is not None and count < min_items:
                raise PydanticCustomError(
                    "too_short",
                    "Should have at least {min_items} entries, not {count}",
                    {"min_items": min_items, "count": count},
                )
        return value

    return pydantic.AfterValidator(check)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _from_epoch_seconds(value: Any) -> Any:
    # A number is epoch seconds whatever its size, as botocore reads it; pydantic on its own
    # would take one past 2e10 (year 2603) for milliseconds.
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value  # a datetime, or text for pydantic to read
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        pass
    try:
        return _EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        raise ValueError(f"{value!r} is not a time in epoch seconds") from None


def _epoch_seconds(value: datetime) -> int | float:
    # As botocore: whole seconds as an int, else seconds with the microseconds.
    moment = _utc(value)
    whole = int(moment.replace(microsecond=0).timestamp())
    return whole if moment.microsecond == 0 else (whole * 10**6 + moment.microsecond) / 10**6


Timestamp = Annotated[
    datetime,
    pydantic.BeforeValidator(_from_epoch_seconds),
    pydantic.AfterValidator(_utc),
    PlainSerializer(_epoch_seconds, when_used="json"),
]
"""A timezone-aware datetime (naive input is taken as UTC; a number, epoch seconds), epoch
seconds on the wire."""


def _reveal(value: Secret[Any]) -> Any:
    return value.get_secret_value()


REVEAL_ON_WIRE = PlainSerializer(_reveal, when_used="json")
"""Serializes a `SecretStr` / `Secret` in clear in the JSON (wire) form, and only there."""

SensitiveString = Annotated[SecretStr, LENIENT_SECRET_IN_RESPONSES, REVEAL_ON_WIRE]
"""An unconstrained sensitive string."""


def sensitive_map(
    *, max_items: int | None = None, key_max: int | None = None, value_max: int | None = None
) -> PlainValidator:
    """Validator of a wholly sensitive map of strings (bounds bind requests only).

    The map is kept in a `Secret`, so repr and logs show ``**********``; its validation
    errors never name a key or show a value.
    """

    def check(value: Any, info: ValidationInfo) -> Secret[dict[str, str]]:
        if isinstance(value, Secret):
            value = value.get_secret_value()
        if not isinstance(value, Mapping):
            raise PydanticCustomError("mapping_type", "Input should be a mapping of strings")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise PydanticCustomError("mapping_type", "Keys and values should be strings")
        if info.context is not _RESPONSE:
            _check_map_bounds(value, max_items, key_max, value_max)
        return Secret(dict(value))

    return PlainValidator(check)


def _check_map_bounds(
    value: Mapping[str, str], max_items: int | None, key_max: int | None, value_max: int | None
) -> None:
    if max_items is not None and len(value) > max_items:
        raise PydanticCustomError(
            "too_long",
            "Should have at most {max_items} entries, not {count}",
            {"max_items": max_items, "count": len(value)},
        )
    if key_max is not None and any(len(key) > key_max for key in value):
        raise PydanticCustomError(
            "string_too_long", "Keys should have at most {n} characters", {"n": key_max}
        )
    if value_max is not None and any(len(item) > value_max for item in value.values()):
        raise PydanticCustomError(
            "string_too_long", "Values should have at most {n} characters", {"n": value_max}
        )


def to_validation_error(
    operation_name: str | None, error: pydantic.ValidationError
) -> ValidationError:
    """Our ValidationError for a pydantic one: each field path and problem, never the input."""
    return ValidationError(
        operation_name,
        [
            FieldProblem(_dotted(detail["loc"]), detail["msg"])
            for detail in error.errors(include_url=False, include_input=False)
        ],
    )


def _dotted(location: Iterable[int | str]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "(request)"


def parse_response(model: type[ModelT], body: bytes) -> ModelT:
    """Read a response body into its model, leniently (see the module docstring)."""
    payload = body or b"{}"
    try:
        # Wire names only: a member spelled as our Python name is one AWS does not send.
        return model.model_validate_json(payload, context=_RESPONSE, by_alias=True, by_name=False)
    except pydantic.ValidationError as error:
        unknown = [
            detail["loc"] for detail in error.errors() if detail["type"] == "extra_forbidden"
        ]
        if not unknown or len(unknown) != error.error_count():
            raise
    # A field AWS added after our model: drop it and read the rest.
    data = json.loads(payload)
    for location in unknown:
        _drop(data, location)
    return model.model_validate(data, context=_RESPONSE, by_alias=True, by_name=False)


def _drop(data: Any, location: tuple[int | str, ...]) -> None:
    for part in location[:-1]:
        data = data[part]
    data.pop(location[-1], None)
