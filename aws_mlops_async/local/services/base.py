"""What a service module of the emulator declares: its operations' handlers and its errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...modeling import AwsModel
from ...protocol.spec import OperationSpec, ServiceDescription
from ..errors import LocalError
from ..state import LocalState, RegionStore

__all__ = [
    "Call",
    "ErrorCode",
    "Handler",
    "LocalService",
    "Operation",
    "bind",
    "not_emulated",
    "refusal",
]


@dataclass(frozen=True)
class Call:
    """What a handler knows of the request it handles besides its parameters: the whole
    ``state`` (durations, failures, counters) and the ``store`` of the account and region the
    request is signed for, the only one whose resources it sees."""

    state: LocalState
    store: RegionStore
    now: float
    access_key: str
    request_id: str

    @property
    def region(self) -> str:
        """The region the request is signed for."""
        return self.store.region

    @property
    def account_id(self) -> str:
        """The account the request's access key belongs to."""
        return self.store.account_id

    def arn(self, service: str, resource: str) -> str:
        """An ARN of this region and account."""
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    def own_resource(self, arn: str, service: str) -> str | None:
        """The resource part of ``arn`` (``service-job/<id>``...) when it is an ARN of
        ``service`` in this region and account; None for any other."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
            return None
        if (parts[2], parts[3], parts[4]) != (service, self.region, self.account_id):
            return None
        return parts[5]

    @property
    def caller_arn(self) -> str:
        """The IAM identity the caller stands for (a user named after its access key)."""
        return f"arn:aws:iam::{self.account_id}:user/{self.access_key}"


Handler = Callable[[Call, Any], AwsModel]
"""Takes the call and the validated request model; returns the response model."""


@dataclass(frozen=True)
class Operation:
    """One operation of the service: the library's binding of it and the handler (one that
    answers 501 NotImplemented for an operation the emulator does not emulate)."""

    spec: OperationSpec[Any, Any]
    handler: Handler
    emulated: bool = True


def bind(
    modeled: Sequence[OperationSpec[Any, Any]],
    handlers: Mapping[OperationSpec[Any, Any], Handler],
) -> tuple[Operation, ...]:
    """Every modeled operation of a service, each with its handler; those without one answer
    an AWS-shaped error naming the operation (never a 404 a client would take for a wrong
    endpoint)."""
    unknown = [spec.name for spec in handlers if spec not in modeled]
    if unknown:
        raise ValueError(f"handlers for operations the service does not model: {unknown}")
    return tuple(
        Operation(spec, handlers[spec]) if spec in handlers else _not_emulated(spec)
        for spec in modeled
    )


def refusal(spec: OperationSpec[Any, Any]) -> LocalError:
    """The answer to an operation the emulator does not emulate: ``501 NotImplemented``
    naming it, whatever its parameters."""
    return LocalError(
        "NotImplemented",
        f"{spec.service.service_id} {spec.name} is not emulated by aws_mlops_async.local; "
        "it answers only the operations its documentation lists.",
        501,
    )


def _not_emulated(spec: OperationSpec[Any, Any]) -> Operation:
    def refuse(call: Call, request: Any) -> AwsModel:
        raise refusal(spec)

    return Operation(spec, refuse, emulated=False)


@dataclass(frozen=True)
class ErrorCode:
    """An error code and the HTTP status it comes with."""

    code: str
    status: int

    def error(self, message: str, **members: Any) -> LocalError:
        """This error with a message (and modeled members)."""
        return LocalError(self.code, message, self.status, **members)


@dataclass(frozen=True)
class LocalService:
    """A service as the emulator speaks it: operations and the errors the front end uses.

    ``token_conflict`` makes the error for a client token reused with other parameters;
    ``message_key`` is the member the error message goes in (``message`` or ``Message``).
    """

    description: ServiceDescription
    operations: tuple[Operation, ...]
    validation: ErrorCode
    throttling: ErrorCode
    internal: ErrorCode
    unavailable: ErrorCode
    token_conflict: Callable[[str, str], LocalError]
    message_key: str = "message"

    @property
    def name(self) -> str:
        """The service's name, as in the SigV4 credential scope."""
        return self.description.signing_name


def not_emulated(
    description: ServiceDescription, modeled: Sequence[OperationSpec[Any, Any]]
) -> LocalService:
    """A service the library speaks and the emulator has no module for: each of its
    operations answers `refusal` in the service's protocol (awsJson: the code in ``__type``;
    restJson: in ``x-amzn-ErrorType``), with the errors AWS's front ends of that protocol
    answer for throttling and failures."""
    rest = description.protocol == "rest-json"

    def token_conflict(operation: str, token: str) -> LocalError:
        return LocalError(
            "IdempotentParameterMismatchException",
            f"Client token {token} was already used by a {operation} request with other "
            "parameters.",
        )

    return LocalService(
        description=description,
        operations=bind(modeled, {}),
        validation=ErrorCode("ValidationException", 400),
        throttling=ErrorCode("ThrottlingException", 429 if rest else 400),
        internal=ErrorCode("InternalServerException" if rest else "InternalFailure", 500),
        unavailable=ErrorCode("ServiceUnavailableException" if rest else "ServiceUnavailable", 503),
        token_conflict=token_conflict,
    )
