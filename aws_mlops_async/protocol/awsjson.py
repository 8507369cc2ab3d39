"""awsJson1_1: every request is `POST /` with the operation named in `X-Amz-Target`."""

from __future__ import annotations

from typing import Any

from ..modeling import AwsModel, parse_response, wire_json
from .spec import HttpRequest, HttpResponse, OperationSpec, ServiceDescription

__all__ = ["AwsJsonCodec"]


class AwsJsonCodec:
    """Serializes requests and reads responses of an awsJson1_1 service."""

    content_type = "application/x-amz-json-1.1"

    def __init__(self, service: ServiceDescription) -> None:
        if service.target_prefix is None:
            raise ValueError(f"{service.name}: awsJson needs a target prefix")
        self._target_prefix = service.target_prefix
        self._headers: dict[str, dict[str, str]] = {}

    def serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest:
        """`POST /` with the whole request as the JSON body.

        The headers are the same for every call of an operation, so one dict serves them all;
        callers copy it rather than change it.
        """
        body = self.body(spec, request)
        headers = self._headers.get(spec.name)
        if headers is None:
            headers = self._headers[spec.name] = {
                "Content-Type": self.content_type,
                "X-Amz-Target": f"{self._target_prefix}.{spec.name}",
            }
        return HttpRequest("POST", "/", "", headers, body, spec.host_prefix_of(request))

    def fixed(self, spec: OperationSpec[Any, Any]) -> bool:
        """Unless the host takes labels from the request: only the body varies."""
        return not spec.host_labels

    def body(self, spec: OperationSpec[Any, Any], request: AwsModel) -> bytes:
        """The whole request as JSON."""
        return wire_json(request)

    def deserialize(self, spec: OperationSpec[Any, Any], response: HttpResponse) -> Any:
        """The response model read from the JSON body."""
        return parse_response(spec.output, response.body)
