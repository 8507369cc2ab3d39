"""botocore as the oracle: its service models, serializers and parsers, and our operations.

Every operation of the registry (tools/registry.py) is in `OPERATIONS`, paired with botocore's
model of it; the conformance tests iterate over that list, so every generated operation is
held to botocore.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from botocore import xform_name
from botocore.awsrequest import HeadersDict
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence
from pydantic import Secret, SecretStr
from registry import SERVICES
from support import Received, service_document

from aws_mlops_async import Config, Session
from aws_mlops_async.client import BaseClient
from aws_mlops_async.protocol import HttpRequest, OperationSpec

REGISTERED = {entry.name: entry for entry in SERVICES}
SUPPORTED: dict[str, tuple[str, ...]] = {entry.name: entry.operations for entry in SERVICES}
"""The registry's services and operations (tools/registry.py)."""

# The seeds' bounds the service models lack (the issue's words; botocore cannot be the oracle
# for these), as the registry declares them: (service, shape) or (service, structure, member).
SEED_BOUNDS: dict[tuple[str, ...], dict[str, Any]] = {
    (entry.name, *key): bounds for entry in SERVICES for key, bounds in entry.bounds.items()
}


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of the service (from the registry's ``model_dir`` for one botocore
    no longer ships)."""
    return ServiceModel(service_document(service, "service-2"), service_name=service)


@cache
def paginator_configs(service: str) -> dict[str, dict[str, Any]]:
    """botocore's paginators-1.json of the service, and the paginators the registry adds
    where botocore has none, by operation name."""
    configs: dict[str, dict[str, Any]] = service_document(service, "paginators-1")["pagination"]
    return {**configs, **REGISTERED[service].paginators}


def primary_result_key(config: dict[str, Any]) -> str:
    """The result key a paginator's items are counted in (botocore's first)."""
    keys = config["result_key"]
    return keys if isinstance(keys, str) else str(keys[0])


@dataclass(frozen=True)
class Operation:
    """One supported operation: botocore's model of it and our binding and client method."""

    service: str
    name: str

    def __str__(self) -> str:
        return f"{self.service}.{self.name}"

    @property
    def model(self) -> OperationModel:
        return service_model(self.service).operation_model(self.name)

    @property
    def output_shape(self) -> StructureShape:
        """botocore's output shape; for an operation without one (StopTrainingJob, which
        botocore answers with ``{}``), an empty structure, as our generator gives it."""
        shape = self.model.output_shape
        if shape is None:
            return StructureShape(f"{self.name}Response", {"type": "structure", "members": {}})
        assert isinstance(shape, StructureShape)
        return shape

    @property
    def protocol(self) -> str:
        return service_model(self.service).metadata["protocol"]

    @property
    def spec(self) -> OperationSpec[Any, Any]:
        module = importlib.import_module(f"aws_mlops_async.services.{self.service}.operations")
        spec: OperationSpec[Any, Any] = getattr(module, xform_name(self.name).upper())
        return spec

    @property
    def method_name(self) -> str:
        return xform_name(self.name)

    def client(self, session: Session) -> BaseClient:
        client: BaseClient = getattr(session, self.service)
        return client


OPERATIONS = tuple(
    Operation(service, name) for service, names in SUPPORTED.items() for name in names
)


def offline_session(config: Config | None = None) -> Session:
    """A Session with static keys; one never used to send needs no closing."""
    return Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=config,
    )


def botocore_request(operation: Operation, params: Mapping[str, Any]) -> dict[str, Any]:
    """botocore's serialized request for wire-named params (with its own param validation),
    given in the order of the model's members, as our client methods pass them (botocore
    writes the query in the order it is given the parameters)."""
    serializer = create_serializer(operation.protocol)
    members = operation.model.input_shape.members
    ordered = {name: params[name] for name in members if name in params}
    ordered.update(params)  # any other name too, for botocore's validation to refuse
    request: dict[str, Any] = serializer.serialize_to_request(ordered, operation.model)
    return request


def botocore_parse(
    operation: Operation, status: int, headers: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """botocore's parse of a response (success or error) to the operation."""
    parser = create_parser(operation.protocol)
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    parsed: dict[str, Any] = parser.parse(response, operation.model.output_shape)
    return parsed


def query_pairs(query: dict[str, Any] | str) -> list[tuple[str, str]]:
    if isinstance(query, str):
        return parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    # botocore leaves numbers as they are in its dict; the wire form is their str().
    return [
        (key, str(item))
        for key, value in query.items()
        for item in (value if isinstance(value, list) else [value])
    ]


def lower_keys(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def assert_same_request(ours: HttpRequest, theirs: dict[str, Any]) -> None:
    assert ours.method == theirs["method"]
    assert ours.path == theirs["url_path"]
    their_pairs = query_pairs(theirs["query_string"])
    assert sorted(query_pairs(ours.query)) == sorted(their_pairs)
    # The query as sent: each key and value encoded as botocore encodes them, in its order.
    their_encoded = percent_encode_sequence(their_pairs).split("&") if their_pairs else []
    ours_encoded = ours.query.split("&") if ours.query else []
    assert ours_encoded == their_encoded
    assert lower_keys(ours.headers) == lower_keys(theirs["headers"])
    their_body = theirs["body"]
    assert bool(ours.body) == bool(their_body)
    if their_body:
        assert json.loads(ours.body) == json.loads(their_body)


ADDED_HEADERS = {
    "host",
    "x-amz-date",
    "authorization",
    "user-agent",
    "accept",
    "accept-encoding",
    "content-length",
}
"""What signing and the transport add to the serializer's headers."""


def assert_sent_as_botocore_serializes(sent: Received, theirs: dict[str, Any]) -> None:
    """The request a server received is the one botocore serialized, plus the transport's
    and the signer's headers."""
    assert sent.method == theirs["method"]
    path, _, query = sent.raw_path.partition("?")
    assert path == theirs["url_path"]
    their_query = percent_encode_sequence(theirs["query_string"]) if theirs["query_string"] else ""
    assert sorted(query.split("&")) == sorted(their_query.split("&"))
    headers = lower_keys(sent.headers)
    their_headers = lower_keys(theirs["headers"])
    assert {name: headers.get(name) for name in their_headers} == their_headers
    assert set(headers) - set(their_headers) <= ADDED_HEADERS
    if theirs["body"]:
        assert json.loads(sent.body) == json.loads(theirs["body"])
    else:
        assert sent.body == b""


def comparable(shape: Shape, value: Any, *, ours: bool) -> Any:
    """A value both sides can be compared by, checking each side's types on the way:
    timestamps aware datetimes (compared in UTC), integers and longs (Batch's epoch
    milliseconds) ints, and, on our side, sensitive members kept in a Secret."""
    if ours and shape.metadata.get("sensitive"):
        assert isinstance(value, (Secret, SecretStr)), f"{shape.name} is sensitive: {value!r}"
    if isinstance(value, (Secret, SecretStr)):
        value = value.get_secret_value()
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict)
        assert set(value) <= set(shape.members), set(value) - set(shape.members)
        return {
            name: comparable(shape.members[name], item, ours=ours) for name, item in value.items()
        }
    if isinstance(shape, ListShape):
        assert isinstance(value, list)
        return [comparable(shape.member, item, ours=ours) for item in value]
    if isinstance(shape, MapShape):
        assert isinstance(value, dict)
        return {key: comparable(shape.value, item, ours=ours) for key, item in value.items()}
    kind = shape.type_name
    if kind == "timestamp":
        assert isinstance(value, datetime) and value.tzinfo is not None, value
        return value.astimezone(timezone.utc)
    if kind in ("integer", "long"):
        assert type(value) is int, f"{shape.name}: {value!r} is not an int"
    elif kind in ("double", "float"):
        assert isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        assert type(value) is bool
    elif kind == "string":
        assert isinstance(value, str)
    return value
