"""The emulator's side of the wire: which operation a request is, its parameters read into the
library's request model, and answers in each protocol's shape."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pydantic
from aiohttp import web
from multidict import CIMultiDictProxy, MultiMapping

from ..modeling import AwsModel, wire_name
from ..protocol.answers import CONTENT_TYPES, error_answer
from .errors import LocalError, validation_message
from .services.base import LocalService, Operation
from .sigv4 import parse_scope

__all__ = ["Match", "Router", "error_response", "json_response", "read_request"]

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Match:
    """What a request was found to be: its service and operation (None when unknown) and the
    values of its URI labels."""

    service: LocalService | None
    operation: Operation | None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The operation's name, or ``(unknown)``."""
        return self.operation.spec.name if self.operation else "(unknown)"


_Route = tuple[re.Pattern[str], LocalService, dict[str, Operation]]
"""A URI pattern, its service, and its operations by HTTP method."""


class Router:
    """Finds the operation of a request: by ``X-Amz-Target`` (awsJson), by method and path
    (restJson: the routes of the service the credential scope names first, so a path two
    services share goes to the one the request is signed for), and else by the service the
    credential scope names, for the error's shape."""

    def __init__(self, services: Sequence[LocalService]) -> None:
        self._targets: dict[str, tuple[LocalService, Operation | None]] = {}
        self._routes: list[_Route] = []
        self._service_routes: dict[str, list[_Route]] = {}
        self._by_name = {service.name: service for service in services}
        for service in services:
            prefix = service.description.target_prefix
            by_uri: dict[str, dict[str, Operation]] = {}
            for operation in service.operations:
                spec = operation.spec
                if prefix is not None:
                    self._targets[f"{prefix}.{spec.name}"] = (service, operation)
                else:
                    by_uri.setdefault(spec.uri, {})[spec.http_method] = operation
            if prefix is not None:
                self._targets[prefix] = (service, None)
            routes = [(_uri_pattern(uri), service, methods) for uri, methods in by_uri.items()]
            self._service_routes[service.name] = routes
            self._routes += routes

    def match(self, method: str, raw_path: str, headers: Mapping[str, str]) -> Match:
        """The service and operation of a request."""
        target = headers.get("X-Amz-Target")
        if target is not None:
            found = self._targets.get(target) or self._targets.get(target.split(".", 1)[0])
            if found is not None:
                return Match(*found)
        scope = parse_scope(headers.get("Authorization"))
        if target is None:
            path = raw_path.split("?", 1)[0]
            signed = self._service_routes.get(scope.service, []) if scope else []
            for routes in (signed, self._routes):
                for pattern, service, methods in routes:
                    matched = pattern.fullmatch(path)
                    if matched:
                        labels = {k: unquote(v) for k, v in matched.groupdict().items()}
                        return Match(service, methods.get(method), labels)
        return Match(self._by_name.get(scope.service) if scope else None, None)


def _uri_pattern(uri: str) -> re.Pattern[str]:
    pattern = ""
    for index, piece in enumerate(_LABEL.split(uri)):
        if index % 2 == 0:
            pattern += re.escape(piece)
        elif piece.endswith("+"):  # a greedy label takes slashes too
            pattern += f"(?P<{piece[:-1]}>.+)"
        else:
            pattern += f"(?P<{piece}>[^/]+)"
    return re.compile(pattern)


def read_request(
    service: LocalService,
    operation: Operation,
    labels: Mapping[str, str],
    query: MultiMapping[str],
    headers: CIMultiDictProxy[str],
    body: bytes,
) -> AwsModel:
    """The request's parameters from its path labels, query, headers and JSON body, read into
    the library's request model; the service's validation error when they break it."""
    spec = operation.spec
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        raise service.validation.error("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise service.validation.error("The request body must be a JSON object.")
    fields = spec.input.model_fields
    for label, name in spec.path_params.items():
        data[wire_name(name, fields[name])] = labels[label]
    for key, name in spec.query_params.items():
        values = query.getall(key, [])
        if values:
            data[wire_name(name, fields[name])] = values[0] if len(values) == 1 else values
    for header, name in spec.header_params.items():
        value = headers.get(header)
        if value is not None:
            data[wire_name(name, fields[name])] = value
    try:
        # Lax: query, header and path values arrive as text, to be read as their types.
        request: AwsModel = spec.input.__pydantic_validator__.validate_python(
            data, strict=False, by_alias=True, by_name=False
        )
    except pydantic.ValidationError as error:
        raise service.validation.error(validation_message(spec.name, error, spec.input)) from None
    return request


def json_response(
    service: LocalService, status: int, body: Mapping[str, Any], request_id: str
) -> web.Response:
    """A success answer in the service's protocol."""
    return web.Response(
        status=status,
        body=json.dumps(body, separators=(",", ":")).encode(),
        headers={
            "Content-Type": CONTENT_TYPES[service.description.protocol],
            "x-amzn-RequestId": request_id,
        },
    )


def error_response(
    service: LocalService | None, error: LocalError, request_id: str
) -> web.Response:
    """An error answer, as the service writes it (`error_answer`); an unknown service gets
    the restJson shape."""
    answer = error_answer(
        service.description.protocol if service else "rest-json",
        error.status,
        error.code,
        error.message,
        request_id,
        members=error.members,
        message_key=service.message_key if service else "message",
    )
    return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
