"""Reading an error response of either JSON protocol into a typed `ServiceError`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from ..errors import ServiceError
from ..retries import is_throttling, is_transient
from .spec import HttpResponse, OperationSpec

__all__ = ["parse_error"]


def parse_error(spec: OperationSpec[Any, Any], response: HttpResponse) -> ServiceError:
    """The service error a non-2xx response stands for; never fails, whatever the body holds.

    The code comes from the ``x-amzn-ErrorType`` header, else the body's ``code``, ``Code``
    or ``__type``, with any namespace (``aws.protocols#``) and ``:`` suffix cut off; without
    any, the HTTP status stands in, as in botocore.
    """
    body = _json_object(response.body)
    headers = response.headers
    raw_code = headers.get("x-amzn-ErrorType") or _first_text(body, "code", "Code", "__type")
    code = raw_code.split(":", 1)[0].rsplit("#", 1)[-1].strip() or str(response.status)
    message = _first_text(body, "message", "Message")
    if not body and not message:
        message = response.reason or _reason_phrase(response.status)
    error_class = spec.service.errors.error_class(code)
    throttling = is_throttling(code, response.status)
    return error_class(
        code,
        message,
        status_code=response.status,
        request_id=headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id"),
        operation_name=spec.name,
        retryable=throttling or is_transient(code, response.status),
        throttling=throttling,
        retry_after=_retry_after(headers.get("x-amz-retry-after")),
    )


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        return {}
    return data if isinstance(data, dict) else {}


def _first_text(body: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        milliseconds = int(value)
    except ValueError:
        return None
    return milliseconds / 1000 if milliseconds >= 0 else None
