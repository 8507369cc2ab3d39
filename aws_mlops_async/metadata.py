"""What a call's HTTP exchange said beside its result: request ids, status, headers, attempts.

Every response model read from a response carries one as ``response.response_metadata``, and
every `ServiceError` as ``error.response_metadata``. It is kept outside the model's fields, so
it never appears in ``model_dump()``, ``model_dump_json()``, equality or a pickle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["ResponseMetadata", "keep_metadata", "metadata_of"]

#: Where a response model keeps its metadata: a key of its ``__dict__`` that is no field.
METADATA_KEY = "__aws_response_metadata__"


@dataclass(frozen=True, slots=True)
class ResponseMetadata:
    """The facts of a call's last HTTP response and of the attempts it took."""

    #: The id AWS support asks for: ``x-amzn-RequestId``, else ``x-amz-request-id``.
    request_id: str | None
    #: ``x-amz-id-2``, which some services send beside the request id.
    extended_request_id: str | None
    http_status_code: int
    #: The response headers, looked up case-insensitively; read-only.
    http_headers: Mapping[str, str]
    #: Attempts the call made, 1 when the first one succeeded.
    attempts: int
    #: Seconds the call spent backing off between attempts.
    retry_delay: float

    @classmethod
    def of(
        cls, status: int, headers: Mapping[str, str], attempts: int, retry_delay: float
    ) -> ResponseMetadata:
        """The metadata of a response with this status and these headers."""
        if not isinstance(headers, CIMultiDictProxy):
            headers = CIMultiDictProxy(CIMultiDict(headers))
        return cls(
            request_id=headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id"),
            extended_request_id=headers.get("x-amz-id-2"),
            http_status_code=status,
            http_headers=headers,
            attempts=attempts,
            retry_delay=retry_delay,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The header view does not pickle; its contents do.
        headers = list(self.http_headers.items())
        return (_rebuild, (self.http_status_code, headers, self.attempts, self.retry_delay))


def _rebuild(
    status: int, headers: list[tuple[str, str]], attempts: int, retry_delay: float
) -> ResponseMetadata:
    return ResponseMetadata.of(status, CIMultiDict(headers), attempts, retry_delay)


def keep_metadata(
    model: Any, status: int, headers: Mapping[str, str], attempts: int, retry_delay: float
) -> None:
    """Keep what the response model's metadata is made of (the response's status and
    headers, the call's attempts and back-off) beside its fields, not among them; the
    metadata itself is made when first read."""
    model.__dict__[METADATA_KEY] = (status, headers, attempts, retry_delay)


def metadata_of(model: Any) -> ResponseMetadata | None:
    """The metadata kept on a response model, None when it came from no response."""
    kept = model.__dict__.get(METADATA_KEY)
    if type(kept) is tuple:
        kept = model.__dict__[METADATA_KEY] = ResponseMetadata.of(*kept)
    return kept if isinstance(kept, ResponseMetadata) else None
