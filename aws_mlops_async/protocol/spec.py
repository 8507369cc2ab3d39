"""What the dispatcher needs to know about a service and each of its operations."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from ..errors import ConfigurationError, ErrorCatalog
from ..modeling import AwsModel, wire_name

__all__ = ["HttpRequest", "HttpResponse", "OperationSpec", "ServiceDescription", "WireFormat"]

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

_LABEL = re.compile(r"\{([^}]+)\}")

WireFormat = Literal["unixTimestamp", "iso8601", "rfc822", "jsonvalue"]
"""How a request field bound outside the body is written: a timestamp format, or
``jsonvalue`` (a JSON value, in base64)."""


@dataclass(frozen=True)
class ServiceDescription:
    """A service's wire identity: protocol, signing name, JSON target prefix, modeled errors,
    and the package its models load from (on first use)."""

    name: str
    service_id: str
    api_version: str
    protocol: Literal["json", "rest-json"]
    signing_name: str
    errors: type[ErrorCatalog]
    models: str
    target_prefix: str | None = None

    def model(self, where: str) -> type[AwsModel]:
        """The model class at ``where`` (``module.Class`` in the models package), its module
        loaded now if need be."""
        module, _, name = where.rpartition(".")
        model: type[AwsModel] = getattr(importlib.import_module(f"{self.models}.{module}"), name)
        return model


@dataclass(frozen=True, eq=False)
class OperationSpec(Generic[RequestT, ResponseT]):
    """One operation's HTTP binding and models.

    ``path_params``, ``query_params`` and ``header_params`` map a wire location (URI label,
    query key, header name) to the request field bound there; a map field in
    ``query_params`` adds its entries to the query, one in ``prefix_headers`` adds a header
    per entry (its name after the prefix). ``payload`` names the field that is the whole body
    (as JSON, or as it is when ``raw_payload``: bytes or text); otherwise every field bound
    nowhere goes in the JSON body. ``formats`` says how a bound timestamp (or each of a list
    of them) is written, when not in its location's default, and names the ``jsonvalue``
    header fields (JSON in base64). ``host_prefix`` goes before the endpoint's host, its
    ``{field}`` labels filled from the request. The ``output_`` bindings say where response
    fields come from other than the JSON body: headers, headers by prefix, the status code,
    the whole body. ``idempotency_token`` names the field filled with a fresh UUID when left
    empty. The request and response models are named here (``module.Class`` in the service's
    models package), and loaded on first use.
    """

    service: ServiceDescription
    name: str
    #: The client method that calls it (``submit_service_job``).
    method: str
    http_method: str
    uri: str
    input_name: str
    output_name: str
    success_status: int = 200
    path_params: Mapping[str, str] = field(default_factory=dict)
    query_params: Mapping[str, str] = field(default_factory=dict)
    header_params: Mapping[str, str] = field(default_factory=dict)
    prefix_headers: Mapping[str, str] = field(default_factory=dict)
    payload: str | None = None
    raw_payload: bool = False
    formats: Mapping[str, WireFormat] = field(default_factory=dict)
    host_prefix: str | None = None
    output_headers: Mapping[str, str] = field(default_factory=dict)
    output_prefix_headers: Mapping[str, str] = field(default_factory=dict)
    output_status: str | None = None
    output_payload: str | None = None
    output_raw_payload: bool = False
    idempotency_token: str | None = None
    #: The hand-written preparation of the request's fields before validation, as
    #: ``module.function`` (loaded on first use; see `prepare`).
    prepare_with: str | None = None

    @cached_property
    def prepare(self) -> Callable[[str, dict[str, Any]], dict[str, Any]] | None:
        """The preparation of the request's fields (None when the operation has none): called
        with the operation's name and the fields (a dict), it returns the fields to validate."""
        if self.prepare_with is None:
            return None
        module, _, name = self.prepare_with.rpartition(".")
        try:
            found: Callable[[str, dict[str, Any]], dict[str, Any]] = getattr(
                importlib.import_module(module), name
            )
        except (ImportError, AttributeError) as error:
            raise ConfigurationError(
                f"{self.name}: its preparation {self.prepare_with} cannot be loaded ({error}); "
                "the generated code and tools/registry.py disagree: run make generate"
            ) from error
        return found

    @cached_property
    def input(self) -> type[RequestT]:
        """The request model."""
        return self.service.model(self.input_name)  # type: ignore[return-value]

    @cached_property
    def output(self) -> type[ResponseT]:
        """The response model."""
        return self.service.model(self.output_name)  # type: ignore[return-value]

    @cached_property
    def token_alias(self) -> str | None:
        """The wire name of the idempotency token field, if the operation has one."""
        token = self.idempotency_token
        return wire_name(token, self.input.model_fields[token]) if token else None

    @cached_property
    def bound_fields(self) -> frozenset[str]:
        """The request fields that travel outside the JSON body."""
        return frozenset(
            [
                *self.path_params.values(),
                *self.query_params.values(),
                *self.header_params.values(),
                *self.prefix_headers.values(),
            ]
        )

    @cached_property
    def path(self) -> str:
        """The URI template's path (what comes before any ``?``)."""
        return self.uri.partition("?")[0]

    @cached_property
    def fixed_query(self) -> str:
        """The query the URI template itself holds (``foo=bar&hello``), before any bound."""
        return self.uri.partition("?")[2]

    @cached_property
    def uri_segments(self) -> tuple[tuple[str, str | None, str], ...]:
        """The path template as pieces ``(text, field, safe)``: literal text has no field; a
        label's field value is percent-encoded keeping only ``safe`` (``/`` too for ``{Key+}``)."""
        pieces: list[tuple[str, str | None, str]] = []
        for index, piece in enumerate(_LABEL.split(self.path)):
            if index % 2 == 0:
                if piece:
                    pieces.append((piece, None, ""))
            elif piece.endswith("+"):
                pieces.append(("", self.path_params[piece[:-1]], "-._~/"))
            else:
                pieces.append(("", self.path_params[piece], "-._~"))
        return tuple(pieces)

    @cached_property
    def host_labels(self) -> tuple[str, ...]:
        """The fields ``host_prefix`` is filled from."""
        return tuple(_LABEL.findall(self.host_prefix or ""))

    def host_prefix_of(self, request: AwsModel) -> str:
        """The prefix of the host this request goes to (``""`` for none): ``host_prefix``
        with its labels filled (validated, as the request was: letters, digits, ``.``, ``-``)."""
        if not self.host_labels:
            return self.host_prefix or ""
        assert self.host_prefix is not None
        return self.host_prefix.format_map({f: getattr(request, f) for f in self.host_labels})

    @cached_property
    def body_exclude(self) -> set[str]:
        """`bound_fields` in the form pydantic's ``exclude=`` takes."""
        return set(self.bound_fields)

    @cached_property
    def has_body(self) -> bool:
        """Whether any request field travels in the JSON body (or the body is a payload's
        JSON, sent even when unset, as ``{}``)."""
        if self.payload is not None:
            return not self.raw_payload
        return any(name not in self.bound_fields for name in self.input.model_fields)

    @cached_property
    def output_bound(self) -> bool:
        """Whether any response field comes from elsewhere than the JSON body."""
        return bool(
            self.output_headers
            or self.output_prefix_headers
            or self.output_status
            or self.output_payload
        )

    @cached_property
    def output_aliases(self) -> Mapping[str, str]:
        """The wire name of each response field (the key `parse_fields` reads it by)."""
        return {name: wire_name(name, info) for name, info in self.output.model_fields.items()}


@dataclass(slots=True)
class HttpRequest:
    """A serialized request, relative to the endpoint: encoded path and query, headers, body,
    and what goes before the endpoint's host (an operation's host prefix)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    host_prefix: str = ""


@dataclass(slots=True)
class HttpResponse:
    """A whole HTTP response; ``headers`` look up names case-insensitively. Its repr leaves the
    body out (it may carry sensitive members)."""

    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)
    reason: str = ""
