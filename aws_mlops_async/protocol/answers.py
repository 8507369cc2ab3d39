"""What a service answers, written as the service writes it: a success with its response model,
or an error with its code. For the emulator and for stubs; the client reads these back with
the same codecs as a real answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from multidict import CIMultiDict

from ..modeling import AwsModel, wire_json
from .spec import HttpResponse, OperationSpec

__all__ = ["CONTENT_TYPES", "error_answer", "success_answer"]

#: The Content-Type each protocol answers with.
CONTENT_TYPES = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}


def success_answer(
    spec: OperationSpec[Any, Any], status: int, response: AwsModel, request_id: str
) -> HttpResponse:
    """A success answer carrying ``response`` in its JSON body (by wire name, sensitive
    members in clear); a ValueError for an operation binding response members elsewhere
    (headers, status, a payload member), which no answer of this kind could carry."""
    if spec.output_bound:
        raise ValueError(
            f"{spec.name} binds response members outside its JSON body: "
            "it cannot be answered with a JSON body alone"
        )
    headers = CIMultiDict(
        {"Content-Type": CONTENT_TYPES[spec.service.protocol], "x-amzn-RequestId": request_id}
    )
    return HttpResponse(status, headers, wire_json(response))


def error_answer(
    protocol: str,
    status: int,
    code: str,
    message: str,
    request_id: str,
    *,
    members: Mapping[str, Any] | None = None,
    message_key: str = "message",
) -> HttpResponse:
    """An error answer: awsJson puts the code in the body's ``__type``, restJson in the
    ``x-amzn-ErrorType`` header; the message and modeled members are in the body."""
    body: dict[str, Any] = {message_key: message, **(members or {})}
    headers = CIMultiDict({"Content-Type": CONTENT_TYPES[protocol], "x-amzn-RequestId": request_id})
    if protocol == "json":
        body = {"__type": code, **body}
    else:
        headers["x-amzn-ErrorType"] = code
    return HttpResponse(status, headers, json.dumps(body, separators=(",", ":")).encode())
