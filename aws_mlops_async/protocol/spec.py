"""What the dispatcher needs to know about a service and each of its operations."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from ..errors import ErrorCatalog
from ..modeling import AwsModel

__all__ = ["HttpRequest", "HttpResponse", "OperationSpec", "ServiceDescription"]

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

_LABEL = re.compile(r"\{([^}]+)\}")


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
    query key, header name) to the request field bound there; every other field goes in the
    JSON body. ``idempotency_token`` names the field filled with a fresh UUID when left empty.
    The request and response models are named here (``module.Class`` in the service's models
    package), and loaded on first use.
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
        found: Callable[[str, dict[str, Any]], dict[str, Any]] = getattr(
            importlib.import_module(module), name
        )
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
        return (self.input.model_fields[token].alias or token) if token else None

    @cached_property
    def bound_fields(self) -> frozenset[str]:
        """The request fields that travel outside the JSON body."""
        return frozenset(
            [*self.path_params.values(), *self.query_params.values(), *self.header_params.values()]
        )

    @cached_property
    def uri_segments(self) -> tuple[tuple[str, str | None, str], ...]:
        """The URI template as pieces ``(text, field, safe)``: literal text has no field; a
        label's field value is percent-encoded keeping only ``safe`` (``/`` too for ``{Key+}``)."""
        pieces: list[tuple[str, str | None, str]] = []
        for index, piece in enumerate(_LABEL.split(self.uri)):
            if index % 2 == 0:
                if piece:
                    pieces.append((piece, None, ""))
            elif piece.endswith("+"):
                pieces.append(("", self.path_params[piece[:-1]], "-._~/"))
            else:
                pieces.append(("", self.path_params[piece], "-._~"))
        return tuple(pieces)

    @cached_property
    def body_exclude(self) -> set[str]:
        """`bound_fields` in the form pydantic's ``exclude=`` takes."""
        return set(self.bound_fields)

    @cached_property
    def has_body(self) -> bool:
        """Whether any request field travels in the JSON body."""
        return any(name not in self.bound_fields for name in self.input.model_fields)


@dataclass(slots=True)
class HttpRequest:
    """A serialized request, relative to the endpoint: encoded path and query, headers, body."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(slots=True)
class HttpResponse:
    """A whole HTTP response; ``headers`` look up names case-insensitively. Its repr leaves the
    body out (it may carry sensitive members)."""

    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)
    reason: str = ""
