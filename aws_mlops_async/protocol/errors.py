"""The facts of an error response in either JSON protocol: code, message, status, request id,
retry-after. What they mean (retry? throttled?) is the retry layer's to say."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .spec import HttpResponse

__all__ = ["ErrorFacts", "read_error"]


@dataclass(frozen=True, slots=True)
class ErrorFacts:
    """What a non-2xx response says, whatever its body holds."""

    code: str
    message: str
    status: int
    request_id: str | None
    #: Seconds the service asked to wait (``x-amz-retry-after``), if it did.
    retry_after: float | None
    headers: Mapping[str, str]
    #: The body read as a JSON object ({} when it is not one): the modeled error's members.
    members: Mapping[str, Any]


def read_error(response: HttpResponse) -> ErrorFacts:
    """The facts of a non-2xx response; never fails, whatever the body holds.

    The code comes from the ``x-amzn-ErrorType`` header, else the body's ``code``, ``Code``
    or ``__type``, with any namespace (``aws.protocols#``) and ``:`` suffix cut off; without
    any, the HTTP status stands in, as in botocore. The message is the body's ``message`` or
    ``Message``: ``""`` when a JSON body has neither, or when the body is empty (below 500);
    the HTTP reason phrase when the body is not a JSON object or a server error sent none.
    """
    document = _json_object(response.body)
    body = document or {}
    headers = response.headers
    raw_code = headers.get("x-amzn-ErrorType") or _first_text(body, "code", "Code", "__type")
    code = raw_code.split(":", 1)[0].rsplit("#", 1)[-1].strip() or str(response.status)
    message = _first_text(body, "message", "Message")
    generic = document is None if response.body.strip() else response.status >= 500
    if generic and not message:
        message = response.reason or _reason_phrase(response.status)
    return ErrorFacts(
        code=code,
        message=message,
        status=response.status,
        request_id=headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id"),
        retry_after=_retry_after(headers.get("x-amz-retry-after")),
        headers=headers,
        members=body,
    )


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object; None when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        return None
    return data if isinstance(data, dict) else None


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
    """Seconds from ``x-amz-retry-after`` (milliseconds); None for a value that is no
    count of milliseconds a day could hold."""
    if value is None or len(value) > _RETRY_AFTER_DIGITS:
        return None
    try:
        milliseconds = int(value)
    except ValueError:
        return None
    return milliseconds / 1000 if milliseconds >= 0 else None


_RETRY_AFTER_DIGITS = 9  # up to about 11 days, in milliseconds
