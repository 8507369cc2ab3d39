"""restJson1: members bound to the URI path, query string and headers, the response's to headers
and the status code; the rest in a JSON body, or one member as the whole body (a payload)."""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Secret
from pydantic_core import to_json

from ..modeling import AwsModel, parse_fields, parse_response, timestamp_text, wire_json
from .spec import HttpRequest, HttpResponse, OperationSpec, ServiceDescription, WireFormat

__all__ = ["RestJsonCodec"]

_SAFE = "-._~"
# The format of a bound timestamp whose member names none: ISO 8601 in labels and queries,
# an HTTP date in headers.
_URI_TIME: WireFormat = "iso8601"
_HEADER_TIME: WireFormat = "rfc822"
_FLOATS = {math.inf: "Infinity", -math.inf: "-Infinity"}


class RestJsonCodec:
    """Serializes requests and reads responses of a restJson1 service."""

    content_type = "application/json"

    def __init__(self, service: ServiceDescription) -> None:
        self.service = service

    def serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest:
        """Path labels percent-encoded (``/`` too), the query in the members' order (list
        values in theirs) after the URI's own, bound headers, the body."""
        path = spec.path if not spec.path_params else _path(spec, request)
        headers = _headers(spec, request) if spec.header_params or spec.prefix_headers else {}
        body = self.body(spec, request)
        if spec.has_body:
            headers["Content-Type"] = self.content_type
        query = _query(spec, request) if spec.query_params else spec.fixed_query
        return HttpRequest(
            spec.http_method, path, query, headers, body, spec.host_prefix_of(request)
        )

    def fixed(self, spec: OperationSpec[Any, Any]) -> bool:
        """When no member is bound to the path, the query, a header or the host."""
        return not spec.bound_fields and not spec.host_labels

    def body(self, spec: OperationSpec[Any, Any], request: AwsModel) -> bytes:
        """The members bound nowhere, as JSON (empty when the operation has none); or the
        payload member: its JSON (``{}`` when unset), or its bytes or text as they are."""
        if spec.payload is not None:
            return _payload(spec, getattr(request, spec.payload))
        if not spec.has_body:
            return b""
        return wire_json(request, exclude=spec.body_exclude or None)

    def deserialize(self, spec: OperationSpec[Any, Any], response: HttpResponse) -> Any:
        """The response model read from the JSON body, and the headers, status code or
        payload its fields are bound to."""
        if not spec.output_bound:
            return parse_response(spec.output, response.body)
        return parse_fields(spec.output, _output_fields(spec, response))


def _payload(spec: OperationSpec[Any, Any], value: Any) -> bytes:
    if spec.raw_payload:
        if value is None:
            return b""
        return value if isinstance(value, bytes) else _text(value).encode()
    if value is None:
        return b"{}"
    if isinstance(value, BaseModel):
        return wire_json(value)
    return to_json(value, inf_nan_mode="strings")  # a document


def _path(spec: OperationSpec[Any, Any], request: AwsModel) -> str:
    formats = spec.formats
    return "".join(
        text
        if field is None
        else quote(_text(getattr(request, field), formats.get(field, _URI_TIME)), safe=safe)
        for text, field, safe in spec.uri_segments
    )


def _query(spec: OperationSpec[Any, Any], request: AwsModel) -> str:
    # botocore's order: the members', a map's entries replacing any of the same key.
    texts: dict[str, str | list[str]] = {}
    for key, field in spec.query_params.items():
        value = getattr(request, field)
        if value is None:
            continue
        if isinstance(value, str):
            texts[key] = value
            continue
        if isinstance(value, Secret):
            value = value.get_secret_value()
        if isinstance(value, dict):
            texts.update(value)
        elif isinstance(value, list):
            time_format = spec.formats.get(field, _URI_TIME)
            texts[key] = [_text(item, time_format) for item in value]
        else:
            texts[key] = _text(value, spec.formats.get(field, _URI_TIME))
    pairs = [spec.fixed_query] if spec.fixed_query else []
    for key, text in texts.items():
        name = quote(key, safe=_SAFE)
        if isinstance(text, str):
            pairs.append(f"{name}={quote(text, safe=_SAFE)}")
        else:
            pairs += [f"{name}={quote(item, safe=_SAFE)}" for item in text]
    return "&".join(pairs)


def _headers(spec: OperationSpec[Any, Any], request: AwsModel) -> dict[str, str]:
    headers: dict[str, str] = {}
    formats = spec.formats
    for header, field in spec.header_params.items():
        value = getattr(request, field)
        if value is None:
            continue
        wire_format = formats.get(field, _HEADER_TIME)
        if wire_format == "jsonvalue":
            text = json.dumps(value, separators=(",", ":")).encode()
            headers[header] = base64.b64encode(text).decode()
        elif isinstance(value, list):
            if value:  # an empty list sends no header
                headers[header] = ",".join(_header_item(item, wire_format) for item in value)
        else:
            headers[header] = _header_text(value, wire_format)
    for prefix, field in spec.prefix_headers.items():
        entries = getattr(request, field) or {}
        if isinstance(entries, Secret):
            entries = entries.get_secret_value()
        for key, value in entries.items():
            headers[prefix + key] = value
    return headers


def _header_text(value: Any, wire_format: WireFormat) -> str:
    if isinstance(value, datetime):  # whole seconds in a header, as botocore sends them
        value = value.replace(microsecond=0)
    return _text(value, wire_format)


def _header_item(item: Any, wire_format: WireFormat) -> str:
    # A list's text with a comma or a quote in it goes in quotes (botocore's escaping).
    if isinstance(item, str) and ("," in item or '"' in item):
        return '"' + item.replace('"', '\\"') + '"'
    return _header_text(item, wire_format)


def _text(value: Any, wire_format: WireFormat = _URI_TIME) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return _FLOATS.get(value, "NaN")
    if isinstance(value, datetime) and wire_format != "jsonvalue":
        return timestamp_text(value, wire_format)
    if isinstance(value, Secret):
        return str(value.get_secret_value())
    return str(value)


def _output_fields(spec: OperationSpec[Any, Any], response: HttpResponse) -> dict[str, Any]:
    """The response's fields by wire name, from wherever they are bound."""
    aliases = spec.output_aliases
    body = response.body
    payload = spec.output_payload
    fields: dict[str, Any]
    if payload is None:
        fields = _json_object(body)
    elif not body:
        fields = {}
    else:
        fields = {aliases[payload]: body if spec.output_raw_payload else json.loads(body)}
    headers = response.headers
    for header, field in spec.output_headers.items():
        value = headers.get(header)
        if value is not None:
            fields[aliases[field]] = value
    for prefix, field in spec.output_prefix_headers.items():
        start = len(prefix)
        lowered = prefix.lower()
        fields[aliases[field]] = {
            name[start:]: value
            for name, value in headers.items()
            if name.lower().startswith(lowered)
        }
    if spec.output_status is not None:
        fields[aliases[spec.output_status]] = response.status
    return fields


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    document = json.loads(body)
    if not isinstance(document, dict):
        raise ValueError("the body is not a JSON object")
    return document
