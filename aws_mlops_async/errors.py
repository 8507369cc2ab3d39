"""The errors this library raises, all under `AwsError`.

Three families stay apart so callers can tell them apart without reading messages:

- the request never left: `ValidationError`, `ConfigurationError`, `CredentialsError`
  (`NoCredentialsError`), `SessionClosedError`, `EventLoopMismatch`;
- the service answered with an error: `ServiceError` and each service's modeled subclasses;
- no answer came back: `ConnectionFailed` and `Timeout` (both `TransportError`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .metadata import ResponseMetadata

__all__ = [
    "AwsError",
    "ConfigurationError",
    "ConnectionFailed",
    "CredentialsError",
    "EndpointUnreachable",
    "ErrorCatalog",
    "EventLoopMismatch",
    "FieldProblem",
    "MalformedResponseError",
    "NoCredentialsError",
    "NoRegionError",
    "ServiceError",
    "SessionClosedError",
    "Timeout",
    "TransportError",
    "ValidationError",
    "WaiterError",
]


def _rebuild(cls: type[AwsError], args: tuple[Any, ...], state: dict[str, Any]) -> AwsError:
    error = Exception.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class AwsError(Exception):
    """Base of every error this library raises."""

    retryable: bool = False
    #: Attempts made before the error was raised (set by the retry loop).
    attempts: int = 1

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling; rebuild from state.
        return (_rebuild, (type(self), self.args, self.__dict__))


class ConfigurationError(AwsError, ValueError):
    """The Session, Config or client was set up in a way that cannot work."""


class NoRegionError(ConfigurationError):
    """No AWS region was given by argument, environment or profile."""

    def __init__(self) -> None:
        super().__init__(
            "No AWS region is set. Pass region_name= to Session (or to session.client()), "
            "set the AWS_REGION or AWS_DEFAULT_REGION environment variable, "
            "or set `region` in your AWS config profile."
        )


class CredentialsError(AwsError):
    """AWS credentials could not be resolved or refreshed (``__cause__``: the provider's
    exception); nothing was sent."""


class NoCredentialsError(CredentialsError):
    """No AWS credentials could be found by explicit keys or the provider chain."""


class EventLoopMismatch(AwsError, RuntimeError):
    """A Session was used from an event loop other than the one it was opened in."""

    def __init__(self) -> None:
        super().__init__(
            "This Session was opened in another event loop: a Session and its connection pool "
            "belong to the loop that first used them. Open one Session per event loop (for "
            "example `async with Session() as session:` inside the coroutine you run)."
        )


class SessionClosedError(AwsError, RuntimeError):
    """The Session was closed; its clients can no longer send requests."""

    def __init__(self) -> None:
        super().__init__(
            "This Session is closed and cannot send requests; create a new Session "
            "(for example `async with Session() as session:`)."
        )


@dataclass(frozen=True)
class FieldProblem:
    """One invalid request field: its dotted path and what is wrong with it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


SHOWN_PROBLEMS = 20
"""How many problems a `ValidationError`'s text shows; ``problems`` keeps them all."""

SHOWN_CHARACTERS = 500
"""How much of one problem's path, and of its message, a `ValidationError`'s text shows."""


class ValidationError(AwsError, ValueError):
    """A request parameter breaks the service's constraints; nothing was sent.

    ``problems`` holds every invalid field; the text, bound for log lines, error trackers and
    HTTP bodies, shows the first `SHOWN_PROBLEMS` of them, each cut to `SHOWN_CHARACTERS`,
    and says how many more there are.
    """

    def __init__(self, operation_name: str | None, problems: Sequence[FieldProblem]) -> None:
        self.operation_name = operation_name
        self.problems = tuple(problems)
        target = f" for {operation_name}" if operation_name else ""
        shown = [
            f"{_cut(problem.field)}: {_cut(problem.message)}"
            for problem in self.problems[:SHOWN_PROBLEMS]
        ]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        super().__init__(f"Invalid parameters{target}: {'; '.join(shown)}")

    @property
    def fields(self) -> tuple[str, ...]:
        """The paths of the invalid fields, in the order they were found."""
        return tuple(problem.field for problem in self.problems)


def _cut(text: str) -> str:
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}... ({len(text) - SHOWN_CHARACTERS} more characters)"


class TransportError(AwsError):
    """No complete HTTP response came back; the request may or may not have been processed.

    ``reason`` says what went wrong in a few words (``connection refused``, ``read timeout``);
    ``endpoint`` is the ``host:port`` the request went to.
    """

    retryable = True
    throttling = False

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        reason: str = "no response",
        endpoint: str | None = None,
    ) -> None:
        self.operation_name = operation_name
        self.reason = reason
        self.endpoint = endpoint
        super().__init__(message)


class ConnectionFailed(TransportError):
    """The connection could not be made, or broke before the whole response arrived."""


class Timeout(TransportError):
    """Connecting or reading took longer than the configured timeout."""


class EndpointUnreachable(ConnectionFailed):
    """No request reached the service, or every answer was a failure a wait outlasts
    (throttling, a 5xx), for longer than a bulk run's, a watch's or a log follower's
    ``give_up_after``; the text names the last failure."""

    retryable = False

    @classmethod
    def silent(
        cls, operation_name: str, seconds: float, endpoint: str | None = None
    ) -> EndpointUnreachable:
        """The error for ``seconds`` with requests sent to ``endpoint`` (``host:port``) and
        none answered, nor failed."""
        where = endpoint or "the service"
        return cls(
            f"No answer from {where} for {seconds:.1f} s while {operation_name} requests "
            "were in flight; giving up. Is the endpoint up and answering?",
            operation_name=operation_name,
            reason="no answer",
            endpoint=endpoint,
        )

    @classmethod
    def answered_with(cls, last: ServiceError, seconds: float) -> EndpointUnreachable:
        """The error for ``seconds`` of answers that were all failures, the last ``last``."""
        on = f" on {last.operation_name}" if last.operation_name else ""
        said = f": {last.message}" if last.message and last.message != last.code else ""
        return cls(
            f"Every answer for {seconds:.1f} s was an error (last error: {last.code}{on}, "
            f"HTTP {last.status_code}{said}); giving up. The service is up, throttling or "
            "failing these requests: slow down, or check its health and your quotas.",
            operation_name=last.operation_name,
            reason=last.code,
        )

    @classmethod
    def after(cls, last: TransportError, seconds: float) -> EndpointUnreachable:
        """The error for ``seconds`` without an answer, the last failure being ``last``."""
        where = last.endpoint or "the endpoint"
        return cls(
            f"No request reached {where} for {seconds:.1f} s (last error: {last.reason}); "
            "giving up. Is the endpoint URL right, and is the service or network up?",
            operation_name=last.operation_name,
            reason=last.reason,
            endpoint=last.endpoint,
        )


#: Bytes of an error response's body an error keeps, at most.
RAW_BODY_LIMIT = 64 * 1024


class ServiceError(AwsError):
    """The service answered with an error: its code, message, HTTP status and request id,
    the response's metadata, its raw body, and the modeled error's members."""

    #: The module of the service's error members models, and the modeled error's model in
    #: it (None for a service's base error). Set by the generated subclasses.
    members_module: ClassVar[str] = ""
    members_model: ClassVar[str | None] = None
    #: The members the error's shape binds to headers: header name -> member's wire name.
    members_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        operation_name: str | None = None,
        retryable: bool = False,
        throttling: bool = False,
        retry_after: float | None = None,
        response_metadata: ResponseMetadata | None = None,
        raw_body: bytes = b"",
        body_members: Mapping[str, Any] | None = None,
    ) -> None:
        #: The error response's request id, status, headers, and the call's attempts.
        self.response_metadata = response_metadata
        #: The response body as sent (its first 64 KiB); never shown in the error's text.
        self.raw_body = raw_body[:RAW_BODY_LIMIT]
        self._body_members = body_members or {}
        self.code = code
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.operation_name = operation_name
        self.retryable = retryable
        self.throttling = throttling
        self.retry_after = retry_after
        where = f" calling {operation_name}" if operation_name else ""
        text = f"{code} (HTTP {status_code}){where}: {message or 'no message'}"
        if request_id:
            text += f" [request id {request_id}]"
        super().__init__(text)

    @classmethod
    def members_type(cls) -> type[BaseModel] | None:
        """The model of the error shape's members (loaded now), None for an error the service
        model does not name."""
        if cls.members_model is None:
            return None
        model: type[BaseModel] = getattr(
            importlib.import_module(cls.members_module), cls.members_model
        )
        return model

    @property
    def members(self) -> BaseModel | None:
        """The modeled error's members (``resource_id``, ``quota_code``...) read with its
        shape from the body and headers; None for an error the service model does not name,
        or whose members do not fit their shape."""
        model = self.members_type()
        if model is None:
            return None
        data = dict(self._body_members)
        headers = self.response_metadata.http_headers if self.response_metadata else {}
        for header, member in self.members_headers.items():
            if header in headers:
                data[member] = headers[header]
        try:
            members: BaseModel = model.__pydantic_validator__.validate_python(
                data, strict=False, by_alias=True, by_name=False
            )
        except ValueError:  # pydantic's ValidationError
            return None
        return members


class MalformedResponseError(AwsError):
    """A 2xx response whose body does not fit the operation's response model."""

    def __init__(self, operation_name: str, detail: str, *, request_id: str | None = None) -> None:
        self.operation_name = operation_name
        self.request_id = request_id
        where = f" [request id {request_id}]" if request_id else ""
        super().__init__(f"The {operation_name} response could not be read: {detail}{where}")


class WaiterError(AwsError):
    """A waiter reached a failure state or ran out of attempts; `last_response` is what it saw."""

    def __init__(self, name: str, reason: str, last_response: object) -> None:
        self.name = name
        self.reason = reason
        self.last_response = last_response
        super().__init__(f"Waiter {name} failed: {reason}")


class ErrorCatalog:
    """A service's modeled errors, as class attributes, looked up by the code on the wire.

    Subclasses list each modeled error as a class attribute (`ClientException = ClientException`)
    and name the service's base error in `base`; `client.exceptions` is such a subclass.
    """

    base: ClassVar[type[ServiceError]] = ServiceError
    _by_code: ClassVar[dict[str, type[ServiceError]]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._by_code = {
            name: value
            for name, value in vars(cls).items()
            if isinstance(value, type) and issubclass(value, ServiceError) and name != "base"
        }

    @classmethod
    def error_class(cls, code: str) -> type[ServiceError]:
        """The class for an error code: the modeled one, else the service's base error."""
        return cls._by_code.get(code, cls.base)
