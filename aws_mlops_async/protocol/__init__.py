"""The two wire protocols the supported services speak, behind one codec interface."""

from __future__ import annotations

from typing import Any, Protocol

from ..modeling import AwsModel
from .awsjson import AwsJsonCodec
from .errors import parse_error
from .restjson import RestJsonCodec
from .spec import HttpRequest, HttpResponse, OperationSpec, ServiceDescription

__all__ = [
    "Codec",
    "HttpRequest",
    "HttpResponse",
    "OperationSpec",
    "ServiceDescription",
    "codec_for",
    "parse_error",
]


class Codec(Protocol):
    """Turns request models into HTTP requests and 2xx responses into response models."""

    def serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest: ...

    def deserialize(self, spec: OperationSpec[Any, Any], response: HttpResponse) -> Any: ...


def codec_for(service: ServiceDescription) -> Codec:
    """The codec for the service's protocol."""
    if service.protocol == "json":
        return AwsJsonCodec(service)
    return RestJsonCodec(service)
