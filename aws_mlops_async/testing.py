"""Unit tests of code that calls AWS through this library, with no network and no emulator.

A `Stubber` answers one client's calls from a queue of responses and errors, in order, and
checks each call against what you expected it to send, as botocore's ``Stubber`` does::

    async with Session(region_name="us-east-1", aws_access_key_id="k",
                       aws_secret_access_key="s") as session:
        with Stubber(session.batch) as stub:
            stub.add_response(
                "submit_service_job",
                {"job_name": "train-1", "job_id": "j-1"},
                expected_params={"job_name": "train-1", "job_queue": "ml-queue", ...},
            )
            await code_under_test(session)
            stub.assert_no_pending_responses()

The stubbed answers go through the client's real path (serialized as the service writes them,
read back by the same codecs), so what a call returns or raises is what it would against AWS.
It sits on the Session's transport (`aws_mlops_async.transport`): calls of other services pass
through to the transport underneath.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Annotated, Any, get_args, get_origin

import pydantic
from multidict import CIMultiDict
from pydantic import BaseModel

from .arguments import instance, mapping, text
from .client import BaseClient
from .config import Timeouts
from .errors import ConfigurationError, FieldProblem, ValidationError
from .modeling import AwsModel, to_validation_error, wire_dump, wire_name
from .protocol import HttpResponse, OperationSpec
from .protocol.answers import error_answer, success_answer
from .transport import AsyncTransport, TransportRequest

__all__ = ["StubAssertionError", "StubResponseError", "Stubber", "UnStubbedResponseError"]


class StubAssertionError(AssertionError):
    """A call sent other parameters than the stub expected."""


class StubResponseError(StubAssertionError):
    """A call was not the operation the next stubbed answer is for."""


class UnStubbedResponseError(StubAssertionError):
    """A call came with no stubbed answer left for it."""


@dataclass(frozen=True)
class _Stubbed:
    spec: OperationSpec[Any, Any]
    answer: HttpResponse
    expected_params: Mapping[str, Any] | None


class Stubber:
    """Answers ``client``'s calls with queued responses and errors while active (``with
    Stubber(client) as stub:``, or `activate` / `deactivate`): an `AsyncTransport` put on the
    client's Session, in front of the one it had."""

    def __init__(self, client: BaseClient) -> None:
        self.client = instance("client", client, BaseClient, "a service client")
        self._queue: deque[_Stubbed] = deque()
        self._underneath: AsyncTransport | None = None
        self._active = False
        self._endpoint: str | None = None  # the client's, when first asked

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<Stubber {type(self.client).__name__} {state}, {len(self._queue)} pending>"

    # ---- queueing answers ----------------------------------------------------------------

    def add_response(
        self,
        method: str,
        service_response: Mapping[str, Any] | AwsModel,
        expected_params: Mapping[str, Any] | None = None,
        *,
        http_status: int | None = None,
    ) -> None:
        """Queue the answer to the next call, which must be of ``method``: its response
        (a response model, or its fields by Python or wire name), validated now against the
        operation's output model (an unknown member is refused, naming it). With
        ``expected_params``, the call must send exactly those parameters (as you would pass
        them to the method; an idempotency token left out is not compared)."""
        spec = self.client.operation_spec(method)
        response = _response_model(spec, service_response)
        status = spec.success_status if http_status is None else http_status
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 299:
            raise ConfigurationError(f"http_status must be a success, 200..299, not {status!r}")
        answer = success_answer(spec, status, response, _request_id())
        self._queue.append(_Stubbed(spec, answer, _checked_params(expected_params)))

    def add_client_error(
        self,
        method: str,
        service_error_code: str = "",
        service_message: str = "",
        http_status_code: int = 400,
        expected_params: Mapping[str, Any] | None = None,
        modeled_fields: Mapping[str, Any] | None = None,
        response_meta: Mapping[str, str] | None = None,
    ) -> None:
        """Queue an error as the answer to the next call, which must be of ``method``: the
        call raises the client's modeled error for ``service_error_code`` (else its base
        error), with that message and status, and the error shape's ``modeled_fields`` (by
        wire name); ``response_meta`` adds response headers."""
        spec = self.client.operation_spec(method)
        instance("service_message", service_message, str, "a str")
        mapping("response_meta", response_meta, optional=True, values=str)
        status = http_status_code
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ConfigurationError(f"http_status_code must be 400..599, not {status!r}")
        code = text("service_error_code", service_error_code or str(http_status_code))
        _check_error_members(self.client, code, modeled_fields)
        answer = error_answer(
            spec.service.protocol,
            http_status_code,
            code,
            service_message,
            _request_id(),
            members=modeled_fields,
        )
        if response_meta:
            headers = CIMultiDict(answer.headers)
            headers.update(response_meta)
            answer = HttpResponse(answer.status, headers, answer.body)
        self._queue.append(_Stubbed(spec, answer, _checked_params(expected_params)))

    def assert_no_pending_responses(self) -> None:
        """Fail (`StubAssertionError`) when queued answers are left unused."""
        if self._queue:
            pending = ", ".join(stubbed.spec.method for stubbed in self._queue)
            raise StubAssertionError(f"{len(self._queue)} stubbed answer(s) left: {pending}")

    # ---- activation ----------------------------------------------------------------------

    def activate(self) -> None:
        """Answer the client's calls from the queue, from now on."""
        if self._active:
            return
        session = self.client.session
        if self._underneath is None:
            self._underneath = session.transport
            session.transport = self
        self._active = True

    def deactivate(self) -> None:
        """Stop answering: the client's calls go to the transport underneath again. (A
        Stubber deactivated under another one passes every call through until that one is
        deactivated too.)"""
        if not self._active:
            return
        self._active = False
        session = self.client.session
        if session.transport is self:
            underneath = self._underneath
            while isinstance(underneath, Stubber) and not underneath._active:
                underneath = underneath._underneath  # stubbers deactivated before this one
            session.transport = underneath or session.transport
            self._underneath = None

    def __enter__(self) -> Stubber:
        self.activate()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.deactivate()

    # ---- the transport -------------------------------------------------------------------

    async def send(self, request: TransportRequest, timeouts: Timeouts) -> HttpResponse:
        """The next queued answer, when the request is the client's (its service's, to its
        endpoint); else what the transport underneath answers."""
        if not await self._claims(request):
            if self._underneath is None:
                raise UnStubbedResponseError(f"{request.operation} reached a deactivated Stubber")
            return await self._underneath.send(request, timeouts)
        if not self._queue:
            raise UnStubbedResponseError(
                f"{request.operation} was called with no stubbed answer left for it"
            )
        stubbed = self._queue.popleft()
        if stubbed.spec.name != request.operation:
            raise StubResponseError(
                f"Operation mismatch: {request.operation} was called, the next stubbed answer "
                f"is for {stubbed.spec.name} ({stubbed.spec.method})"
            )
        if stubbed.expected_params is not None:
            self._compare(stubbed, request.params)
        return stubbed.answer

    async def _claims(self, request: TransportRequest) -> bool:
        if not self._active or request.service != self.client.service.name:
            return False
        if self._endpoint is None:
            self._endpoint = await self.client.endpoint()
        return str(request.url).startswith(self._endpoint)

    async def close(self) -> None:
        """Close the transport underneath (the Session closing)."""
        if self._underneath is not None:
            await self._underneath.close()

    def _compare(self, stubbed: _Stubbed, sent: AwsModel) -> None:
        spec = stubbed.spec
        token = getattr(sent, spec.idempotency_token) if spec.idempotency_token else None
        try:
            expected = self.client.build_request(spec, stubbed.expected_params, token=token)
        except ValidationError as error:
            raise StubAssertionError(f"expected_params of {spec.method}: {error}") from None
        if wire_dump(expected) != wire_dump(sent):
            raise StubAssertionError(
                f"{spec.method} sent other parameters than expected:\n"
                f"  expected: {expected!r}\n  sent:     {sent!r}"
            )


def _check_error_members(client: BaseClient, code: str, members: Mapping[str, Any] | None) -> None:
    """Refuse modeled fields the error's shape does not have (or that would rewrite the
    error's code or message)."""
    members = mapping("modeled_fields", members, optional=True)
    if members is None:
        return
    reserved = {"__type", "code", "Code", "message", "Message"} & set(members)
    if reserved:
        raise ConfigurationError(
            f"modeled_fields cannot set {', '.join(sorted(reserved))}: pass "
            "service_error_code and service_message"
        )
    error = client.exceptions.error_class(code)
    model = error.members_type()
    unknown = _unknown_members(members, model, "") if model else sorted(members)
    if unknown:
        raise ValidationError(
            code, [FieldProblem(path, f"is not a member of the {code} error") for path in unknown]
        )


def _checked_params(expected: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    checked: Mapping[str, Any] | None = mapping("expected_params", expected, optional=True)
    return checked


def _request_id() -> str:
    return f"stubbed-{uuid.uuid4()}"


def _response_model(spec: OperationSpec[Any, Any], given: Mapping[str, Any] | AwsModel) -> Any:
    """The operation's response model for a stubbed response; a ValidationError naming all
    that does not fit, unknown members included."""
    if isinstance(given, spec.output):
        return given
    wanted = f"a {spec.output.__name__} or a mapping"
    fields: Mapping[str, Any] = mapping("service_response", given, wanted=wanted)
    problems = [
        FieldProblem(path, "is not a member of the response")
        for path in _unknown_members(fields, spec.output, "")
    ]
    try:
        model = spec.output.model_validate(dict(fields), by_alias=True, by_name=True)
    except pydantic.ValidationError as error:
        problems += to_validation_error(spec.name, error).problems
    if problems:
        raise ValidationError(spec.name, problems)
    return model


def _unknown_members(given: Mapping[str, Any], model: type[BaseModel], path: str) -> list[str]:
    """The paths of ``given``'s members (at any depth) its ``model`` has no field for."""
    fields = model.model_fields
    names = {name: name for name in fields}
    names.update((wire_name(name, info), name) for name, info in fields.items())
    found: list[str] = []
    for key, item in given.items():
        name = names.get(key)
        where = f"{path}.{key}" if path else str(key)
        if name is None:
            found.append(where)
        else:
            found += _unknown_in(item, fields[name].annotation, where)
    return found


def _unknown_in(item: Any, annotation: Any, path: str) -> list[str]:
    """`_unknown_members` of a value whose type is ``annotation`` (a model, a list or dict of
    them, optional or annotated)."""
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _unknown_in(item, arguments[0], path)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _unknown_members(item, annotation, path) if isinstance(item, Mapping) else []
    if origin is list and isinstance(item, list):
        return [
            p
            for index, x in enumerate(item)
            for p in _unknown_in(x, arguments[0], f"{path}[{index}]")
        ]
    if origin is dict and isinstance(item, Mapping):
        return [p for key, x in item.items() for p in _unknown_in(x, arguments[1], f"{path}.{key}")]
    for argument in arguments:  # a union: the first model or container that applies
        found = _unknown_in(item, argument, path)
        if found:
            return found
    return []
