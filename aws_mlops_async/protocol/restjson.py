"""restJson1: members bound to the URI path, query string and headers; the rest in a JSON body."""

from __future__ import annotations

import email.utils
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from pydantic import Secret

from ..modeling import AwsModel, parse_response, wire_json
from .spec import HttpRequest, HttpResponse, OperationSpec, ServiceDescription

__all__ = ["RestJsonCodec"]

_SAFE = "-._~"


class RestJsonCodec:
    """Serializes requests and reads responses of a restJson1 service."""

    content_type = "application/json"

    def __init__(self, service: ServiceDescription) -> None:
        self.service = service

    def serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest:
        """Path labels percent-encoded (``/`` too), sorted query, bound headers, JSON body."""
        path = spec.uri if not spec.path_params else _path(spec, request)
        headers: dict[str, str] = {}
        for header, field in spec.header_params.items():
            value = getattr(request, field)
            if value is not None:
                headers[header] = _header_text(value)
        body = self.body(spec, request)
        if spec.has_body:
            headers["Content-Type"] = self.content_type
        query = _query(spec, request) if spec.query_params else ""
        return HttpRequest(spec.http_method, path, query, headers, body)

    def fixed(self, spec: OperationSpec[Any, Any]) -> bool:
        """When no member is bound to the path, the query or a header."""
        return not spec.bound_fields

    def body(self, spec: OperationSpec[Any, Any], request: AwsModel) -> bytes:
        """The members not bound elsewhere, as JSON; empty when the operation has none."""
        if not spec.has_body:
            return b""
        return wire_json(request, exclude=spec.body_exclude or None)

    def deserialize(self, spec: OperationSpec[Any, Any], response: HttpResponse) -> Any:
        """The response model read from the JSON body."""
        return parse_response(spec.output, response.body)


def _path(spec: OperationSpec[Any, Any], request: AwsModel) -> str:
    return "".join(
        text if field is None else quote(_text(getattr(request, field)), safe=safe)
        for text, field, safe in spec.uri_segments
    )


def _query(spec: OperationSpec[Any, Any], request: AwsModel) -> str:
    pairs: list[tuple[str, str]] = []
    for key, field in spec.query_params.items():
        value = getattr(request, field)
        if value is None:
            continue
        for item in value if isinstance(value, list) else (value,):
            pairs.append((quote(key, safe=_SAFE), quote(_text(item), safe=_SAFE)))
    pairs.sort()
    return "&".join(f"{key}={value}" for key, value in pairs)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, Secret):
        return str(value.get_secret_value())
    return str(value)


def _header_text(value: Any) -> str:
    if isinstance(value, datetime):
        return email.utils.format_datetime(value.astimezone(timezone.utc), usegmt=True)
    return _text(value)
