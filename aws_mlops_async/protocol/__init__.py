"""The two wire protocols the supported services speak, behind one codec interface."""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import ConfigurationError
from ..modeling import AwsModel
from .awsjson import AwsJsonCodec
from .errors import ErrorFacts, read_error
from .restjson import RestJsonCodec
from .spec import HttpRequest, HttpResponse, OperationSpec, ServiceDescription

__all__ = [
    "Codec",
    "ErrorFacts",
    "HttpRequest",
    "HttpResponse",
    "OperationSpec",
    "ServiceDescription",
    "codec_for",
    "read_error",
]


class Codec(Protocol):
    """Turns request models into HTTP requests and 2xx responses into response models."""

    def serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest: ...

    def fixed(self, spec: OperationSpec[Any, Any]) -> bool:
        """Whether every request of the operation has the same method, path, query and
        headers, so that only its body varies."""
        ...

    def body(self, spec: OperationSpec[Any, Any], request: AwsModel) -> bytes:
        """The request's body alone (what `serialize` would put in it)."""
        ...

    def deserialize(self, spec: OperationSpec[Any, Any], response: HttpResponse) -> Any: ...


def codec_for(service: ServiceDescription) -> Codec:
    """The codec for the service's protocol; a ConfigurationError for one it does not speak."""
    if service.protocol == "json":
        return AwsJsonCodec(service)
    if service.protocol == "rest-json":
        return RestJsonCodec(service)
    raise ConfigurationError(
        f"{service.name}: the {service.protocol!r} protocol is not supported "
        "(awsJson1.1 'json' and restJson1 'rest-json' are)"
    )
