"""What the generator can write code for, checked before it writes any: the protocols, shape
types and traits of the service models it implements. Anything else in what a service binds
(its operations, and every shape they reach) fails generation with an `UnsupportedModel`
naming the service, the operation or shape (and member), and the trait: never silently
wrong code.

Traits with no effect on the JSON protocols' wire (documentation, deprecation, ``box``) are
accepted and left out of the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aws_mlops_async.client import BaseClient

from . import GenerationError
from .naming import python_name
from .source import ServiceData

__all__ = ["PROTOCOLS", "UnsupportedModel", "check_model"]

PROTOCOLS = ("json", "rest-json")
TIMESTAMP_FORMATS = ("unixTimestamp", "iso8601", "rfc822")
# What every shape or member may carry without changing what goes on the wire.
NOTES = {"documentation", "documentationUrl", "deprecated", "deprecatedMessage", "box"}
METADATA = {
    "apiVersion",
    "auth",
    "endpointPrefix",
    "jsonVersion",
    "protocol",
    "protocols",
    "serviceAbbreviation",
    "serviceFullName",
    "serviceId",
    "signatureVersion",
    "signingName",
    "targetPrefix",
    "uid",
}
OPERATION = NOTES | {
    "name",
    "http",
    "input",
    "output",
    "errors",
    "idempotent",
    "readonly",
    "endpoint",
}
HTTP = {"method", "requestUri", "responseCode"}
SHAPES: dict[str, set[str]] = {
    "structure": {"members", "required", "payload", "union", "document", "exception", "error"}
    | {"fault", "retryable"},
    "list": {"member", "min", "max"},
    "map": {"key", "value", "min", "max", "sensitive"},
    "string": {"min", "max", "pattern", "enum", "sensitive"},
    "integer": {"min", "max"},
    "long": {"min", "max"},
    "double": {"min", "max"},
    "float": {"min", "max"},
    "boolean": set(),
    "blob": {"min", "max"},
    "timestamp": {"timestampFormat"},
}
MEMBER = NOTES | {"shape", "location", "locationName", "idempotencyToken", "hostLabel"}
MEMBER |= {"jsonvalue", "timestampFormat"}
SCALARS = {"string", "integer", "long", "double", "float", "boolean", "timestamp", "blob"}


class UnsupportedModel(GenerationError, ValueError):
    """The model holds something the generator cannot write code for."""


def check_model(data: ServiceData) -> None:
    """Fail on anything of the service's protocol, bound operations or the shapes they reach
    that the generator does not implement."""
    problems = list(_problems(data))
    if problems:
        service = data.metadata.get("serviceId") or data.service.name
        raise UnsupportedModel(f"cannot generate {service!r}: " + "; ".join(problems))


def _problems(data: ServiceData) -> Iterator[str]:
    metadata = data.metadata
    protocol = metadata.get("protocol")
    if protocol not in PROTOCOLS:
        yield f"the {protocol!r} protocol is not supported (only {', '.join(PROTOCOLS)})"
        return
    for key in sorted(set(metadata) - METADATA):
        yield f"metadata: the {key!r} trait is not supported"
    if protocol == "json" and metadata.get("jsonVersion", "1.1") != "1.1":
        yield f"metadata: jsonVersion {metadata['jsonVersion']!r} is not supported (only 1.1)"
    if metadata.get("signatureVersion", "v4") != "v4":
        yield f"metadata: signatureVersion {metadata['signatureVersion']!r} is not supported"
    if "aws.auth#sigv4" not in metadata.get("auth", ["aws.auth#sigv4"]):
        yield f"metadata: auth {metadata['auth']} is not supported (only aws.auth#sigv4)"
    roles: dict[str, set[str]] = {}  # shape -> how operations use it: input, output, error
    for name in data.service.operations:
        operation = data.operation(name)
        yield from _operation_problems(data, name, operation)
        roles.setdefault(operation["input"]["shape"], set()).add("input")
        roles.setdefault(operation["output"]["shape"], set()).add("output")
        for error in operation.get("errors", []):
            roles.setdefault(error["shape"], set()).add("error")
    reached: dict[str, str] = {}  # shape -> the member it was first reached by
    for root in roles:
        _reach(data, root, "", reached)
    nested = {reference["shape"] for shape in reached for reference in _references(data, shape)}
    for shape, via in sorted(reached.items()):
        # A shape also used inside another structure is read and written whole there.
        uses = roles.get(shape, set()) | ({"nested"} if shape in nested else set())
        where = f"shape {shape}" + (f" (member {via})" if via else "")
        yield from _shape_problems(data, shape, where, uses, protocol)


def _operation_problems(data: ServiceData, name: str, operation: dict[str, Any]) -> Iterator[str]:
    where = f"operation {name}"
    if hasattr(BaseClient, python_name(name)):
        yield f"{where}: its method {python_name(name)} would hide the client's own"
    for key in sorted(set(operation) - OPERATION):
        yield f"{where}: the {key!r} trait is not supported"
    for key in sorted(set(operation["http"]) - HTTP):
        yield f"{where}: the http {key!r} trait is not supported"
    endpoint = operation.get("endpoint", {})
    for key in sorted(set(endpoint) - {"hostPrefix"}):
        yield f"{where}: the endpoint {key!r} trait is not supported"
    labels = {
        member
        for member, reference in data.shapes[operation["input"]["shape"]]["members"].items()
        if reference.get("hostLabel")
    }
    prefix = endpoint.get("hostPrefix", "")
    named = {part.partition("}")[0] for part in prefix.split("{")[1:]}
    if named != labels:
        yield f"{where}: the hostPrefix {prefix!r} does not name its hostLabel members {labels}"


def _references(data: ServiceData, name: str) -> list[dict[str, Any]]:
    """The member references of a shape: a structure's members, a list's, a map's."""
    shape = data.shapes[name]
    references = list(shape.get("members", {}).values())
    return references + [shape[part] for part in ("member", "key", "value") if part in shape]


def _reach(data: ServiceData, name: str, via: str, reached: dict[str, str]) -> None:
    if name in reached:
        return
    reached[name] = via
    shape = data.shapes[name]
    for member, reference in shape.get("members", {}).items():
        _reach(data, reference["shape"], f"{name}.{member}", reached)
    for part in ("member", "key", "value"):
        if part in shape:
            _reach(data, shape[part]["shape"], f"{name}.{part}", reached)


def _shape_problems(
    data: ServiceData, name: str, where: str, roles: set[str], protocol: str
) -> Iterator[str]:
    shape = data.shapes[name]
    kind = shape["type"]
    if kind not in SHAPES:
        yield f"{where}: the type {kind!r} is not supported"
        return
    for key in sorted(set(shape) - SHAPES[kind] - NOTES - {"type"}):
        yield f"{where} ({kind}): the {key!r} trait is not supported"
    if (
        kind == "timestamp"
        and shape.get("timestampFormat", "unixTimestamp") not in TIMESTAMP_FORMATS
    ):
        yield f"{where}: the timestampFormat {shape['timestampFormat']!r} is not supported"
    if kind == "map" and shape.get("sensitive"):
        value = data.shapes[shape["value"]["shape"]]["type"]
        if data.shapes[shape["key"]["shape"]]["type"] != "string" or value != "string":
            yield f"{where}: the 'sensitive' trait is supported on maps of strings only"
    for part in ("member", "key", "value"):
        for key in sorted(set(shape.get(part, {})) - NOTES - {"shape"}):
            yield f"{where}, {part}: the {key!r} trait is not supported"
    if kind != "structure":
        return
    if "error" in shape and shape["error"].get("code", name) != name:
        yield f"{where}: an error code other than the shape's name ({shape['error']['code']!r})"
    if shape.get("document") and shape.get("members"):
        yield f"{where}: a document with members is not supported"
    payload = shape.get("payload")
    if payload is not None:
        target = data.shapes[shape["members"][payload]["shape"]]["type"]
        if not roles or roles - {"input", "output"}:
            yield f"{where}: the 'payload' trait is supported on operations' input and output only"
        elif protocol != "rest-json":
            yield f"{where}: the 'payload' trait is supported by restJson only"
        elif target not in ("structure", "blob", "string"):
            yield f"{where}, member {payload}: a {target} payload is not supported"
    for member, reference in shape["members"].items():
        at = f"shape {name}, member {member}"
        yield from _member_problems(data, at, reference, roles, protocol)


def _member_problems(
    data: ServiceData, where: str, reference: dict[str, Any], roles: set[str], protocol: str
) -> Iterator[str]:
    for key in sorted(set(reference) - MEMBER):
        yield f"{where}: the {key!r} trait is not supported"
    target = data.shapes[reference["shape"]]
    kind = target["type"]
    time_format = reference.get("timestampFormat")
    if time_format is not None and (kind != "timestamp" or time_format not in TIMESTAMP_FORMATS):
        yield f"{where}: the timestampFormat {time_format!r} is not supported on a {kind}"
    top_input = roles == {"input"}
    if reference.get("hostLabel") and (not top_input or kind != "string" or "pattern" in target):
        yield f"{where}: the 'hostLabel' trait is supported on input strings without a pattern only"
    if reference.get("jsonvalue") and kind != "string":
        yield f"{where}: the 'jsonvalue' trait is supported on strings only"
    location = reference.get("location")
    if location is None:
        return
    if protocol != "rest-json":
        yield f"{where}: the location {location!r} is supported by restJson only"
        return
    # In a response, a member bound to the URI or the query is read from the body, as
    # botocore reads it (the fixture IgnoreQueryParamsInResponse).
    allowed = {
        "uri": {"input", "output"},
        "querystring": {"input", "output"},
        "header": {"input", "output", "error"},
        "headers": {"input", "output", "error"},
        "statusCode": {"output"},
    }
    if location not in allowed:
        yield f"{where}: the location {location!r} is not supported"
    elif not roles or roles - allowed[location]:
        yield f"{where}: the location {location!r} is supported on {allowed[location]} only"
    elif not _fits(data, location, target):
        yield f"{where}: a {kind} bound to {location!r} is not supported"


def _fits(data: ServiceData, location: str, target: dict[str, Any]) -> bool:
    """Whether a member of this shape can be bound to this location."""
    kind: str = target["type"]
    texts = SCALARS - {"blob"}  # what a label, a query value or a header can spell
    if location == "statusCode":
        return kind == "integer"
    if location == "headers":
        return kind == "map" and _kind(data, target["value"]) == "string"
    if location == "uri":
        return kind in texts
    if kind == "list":
        return _kind(data, target["member"]) in texts
    if kind == "map" and location == "querystring":
        value = data.shapes[target["value"]["shape"]]
        return (
            _kind(data, value["member"]) if value["type"] == "list" else value["type"]
        ) == "string"
    return kind in texts


def _kind(data: ServiceData, reference: dict[str, Any]) -> str:
    """The type of the shape a member reference names."""
    kind: str = data.shapes[reference["shape"]]["type"]
    return kind
