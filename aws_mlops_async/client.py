"""The dispatcher every service client shares: validate, serialize, sign, send, retry, parse.

Every call goes through `BaseClient.invoke`: the generated client methods, bulk submission,
paginators, waiters and watches alike (these depend only on the `Invoker` protocol it
satisfies). A call is a retry loop (`BaseClient._send`) of attempts: signed (`_signed`), sent
on the Session's transport and read (`_outcome`); the signing clock corrects itself when a
service refuses a request for its time, and the request is signed again.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import platform
import re
import time
import uuid
from collections.abc import Awaitable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol, TypeVar

import aiohttp
import pydantic
from pydantic_core import PydanticSerializationError
from yarl import URL

from . import retries
from ._version import __version__
from .arguments import http_url, known_name, region
from .config import UNSET, Config, RetryMode, _Unset
from .credentials import CredentialProvider, Credentials, StaticCredentialProvider
from .endpoints import EndpointRules, resolve_endpoint
from .errors import (
    AwsError,
    ConfigurationError,
    ErrorCatalog,
    FieldProblem,
    MalformedResponseError,
    ServiceError,
    SessionClosedError,
    Timeout,
    TransportError,
    ValidationError,
)
from .interceptors import CallContext, Hooks, Interceptor, check_interceptors
from .metadata import ResponseMetadata, keep_metadata, metadata_of
from .modeling import (
    AwsModel,
    to_validation_error,
    unencodable_fields,
    wire_name,
    wire_path,
)
from .options import CallOptions
from .protocol import (
    ErrorFacts,
    HttpRequest,
    HttpResponse,
    OperationSpec,
    ServiceDescription,
    codec_for,
    read_error,
)
from .signing import SigningClock, SigningTemplate, SigV4Signer, signing_template
from .transport import AsyncTransport, TransportRequest

__all__ = ["BaseClient", "SessionLike"]

ClientT = TypeVar("ClientT", bound="BaseClient")
RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

logger = logging.getLogger("aws_mlops_async")

USER_AGENT = (
    f"aws-mlops-async/{__version__} Python/{platform.python_version()} "
    f"aiohttp/{aiohttp.__version__}"
)
_UNENCODABLE = "cannot be encoded as UTF-8 (it holds a lone surrogate)"


class SessionLike(Protocol):
    """What a client needs of the Session it belongs to (`aws_mlops_async.Session` is one)."""

    config: Config
    endpoint_url: str | None
    credentials: CredentialProvider
    interceptors: tuple[Interceptor, ...]
    #: The time requests are signed at, corrected when a service says it is off.
    clock: SigningClock
    #: What every client of the Session sends its requests with.
    transport: AsyncTransport

    @property
    def closed(self) -> bool:
        """Whether the Session was closed (nothing may be sent any more)."""
        ...

    async def region(self) -> str:
        """The Session's region."""
        ...

    async def configured_endpoint(self, service: str) -> str | None:
        """The endpoint the environment or profile configures for ``service``, if any."""
        ...

    async def pause(self, seconds: float) -> None:
        """A call's back-off, ended by `SessionClosedError` when the Session closes."""
        ...

    async def signing_credentials(self) -> Credentials:
        """The credentials to sign an attempt with, the wait for them ended by
        `SessionClosedError` when the Session closes."""
        ...


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A request as it is sent, but its body and signature: made on an operation's first call
    and kept when only its requests' bodies vary."""

    method: str
    url: URL
    headers: dict[str, str]  # what is sent but the signature; copied for each attempt
    signer: SigV4Signer
    template: SigningTemplate | None  # None: the request sets SigV4's own headers itself
    path: str
    query: str
    unsigned: tuple[tuple[str, str], ...]  # the headers signed

    def signed(
        self,
        body: bytes,
        credentials: Credentials,
        now: float,
        added: dict[str, str] | None,
    ) -> dict[str, str]:
        """The attempt's headers, signed at ``now`` (with the interceptors' ``added`` ones)."""
        headers = self.headers.copy()  # the one header dict of this attempt
        if self.template is not None and added is None:
            self.signer.sign_into(headers, self.template, body, credentials, now=now)
            return headers
        signed = self.unsigned
        if added is not None:
            headers.update(added)
            signed += tuple(added.items())
        headers.update(
            self.signer.sign(self.method, self.path, self.query, signed, body, credentials, now=now)
        )
        return headers


@dataclass(frozen=True)
class _Target:
    """Where a client's requests go and how they are signed, resolved on first use."""

    region: str
    origin: str
    host: str
    base_path: str
    signer: SigV4Signer


class BaseClient:
    """Machinery shared by the service clients; get clients from a `Session`, not from here."""

    service: ClassVar[ServiceDescription]
    #: Every operation the client's methods call.
    operation_specs: ClassVar[tuple[OperationSpec[Any, Any], ...]]
    endpoint_rules: ClassVar[EndpointRules]
    exceptions: ClassVar[type[ErrorCatalog]]

    def __init__(
        self,
        session: SessionLike,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self._session = session
        self._region_name: str | None = region("region_name", region_name)
        self._endpoint_url: str | None = (
            http_url("endpoint_url", endpoint_url, optional=True) or session.endpoint_url
        )
        config = session.config
        if self._endpoint_url is not None:
            self.endpoint_rules.check_custom_endpoint(
                use_fips=config.use_fips_endpoint, use_dualstack=config.use_dualstack_endpoint
            )
        self._codec = codec_for(self.service)
        self._config = config
        self._own_interceptors: tuple[Interceptor, ...] = ()
        self._options = CallOptions.from_config(config, session.interceptors)
        self._target: _Target | None = None
        self._urls: dict[str, URL] = {}
        self._prepared: dict[OperationSpec[Any, Any], _Prepared] = {}

    def __repr__(self) -> str:
        region = self._target.region if self._target else self._region_name or "unresolved"
        return f"<{type(self).__name__} region={region}>"

    @property
    def session(self) -> SessionLike:
        """The Session this client belongs to (and whose transport it sends on)."""
        return self._session

    @property
    def region_name(self) -> str | None:
        """The region this client was made for (None: the Session's)."""
        return self._region_name

    @property
    def options(self) -> CallOptions:
        """How this client's calls are made: retry policy and timeouts."""
        return self._options

    def with_options(
        self: ClientT,
        *,
        max_attempts: int | None = None,
        retry_mode: RetryMode | None = None,
        connect_timeout: float | _Unset | None = UNSET,
        read_timeout: float | _Unset | None = UNSET,
        total_timeout: float | _Unset | None = UNSET,
        call_timeout: float | _Unset | None = UNSET,
        interceptors: Sequence[Interceptor] | None = None,
    ) -> ClientT:
        """A client of the same service whose calls use these options, on the same Session
        and connection pool (made in microseconds: nothing is opened or resolved again).

        Options left out keep this client's values; a timeout of None means no limit.
        Changing ``max_attempts`` or ``retry_mode`` gives the new client a retry quota of its
        own; otherwise it shares this client's. ``interceptors`` run after the Session's,
        in place of this client's own. A ConfigurationError names an invalid option.
        """
        retry = {"max_attempts": max_attempts, "retry_mode": retry_mode}
        timeouts = {
            "connect_timeout": connect_timeout,
            "read_timeout": read_timeout,
            "total_timeout": total_timeout,
            "call_timeout": call_timeout,
        }
        changes: dict[str, Any] = {
            name: value for name, value in retry.items() if value is not None
        }
        changes.update((name, value) for name, value in timeouts.items() if value is not UNSET)
        config = replace(self._config, **changes)
        own = self._own_interceptors if interceptors is None else check_interceptors(interceptors)
        options = CallOptions.from_config(config, self._session.interceptors + own)
        if max_attempts is None and retry_mode is None:
            options = options.with_retry(self._options.retry)
        clone = copy.copy(self)
        clone._config, clone._own_interceptors, clone._options = config, own, options
        return clone

    @property
    def retry_policy(self) -> retries.RetryPolicy:
        """This client's retry state: attempts allowed, retry quota and adaptive rate limiter."""
        return self._options.retry

    @classmethod
    def operation_spec(cls, method: str) -> OperationSpec[Any, Any]:
        """The operation the client method ``method`` (``submit_service_job``) calls; a
        ConfigurationError naming the methods there are when it has none of that name."""
        specs = {spec.method: spec for spec in cls.operation_specs}
        return specs[known_name("method", method, specs, f"{cls.__name__} has no operation")]

    async def region(self) -> str:
        """The region this client signs for (resolved from the Session on first use)."""
        return (await self._resolve_target()).region

    async def endpoint(self) -> str:
        """The base URL this client sends to."""
        target = await self._resolve_target()
        return target.origin + target.base_path

    @property
    def sent_to(self) -> str | None:
        """The ``host:port`` this client's requests go to, as a `TransportError` names it;
        None until the first request resolved it."""
        if self._target is None:
            return None
        url = URL(self._target.origin)
        return f"{url.host}:{url.port}"

    def build_request(
        self,
        spec: OperationSpec[RequestT, Any],
        request: RequestT | Mapping[str, Any] | object,
        *,
        token: str | None = None,
    ) -> RequestT:
        """The operation's request model for these fields (or this model), its idempotency
        token filled when there is none (with ``token``, else a fresh UUID): the one place a
        token is filled, so every attempt carries the same. A ValidationError naming every
        invalid field when they break the model; nothing is sent."""
        field = spec.idempotency_token
        if type(request) is not dict:  # the generated methods pass a dict: the fast path
            if isinstance(request, spec.input):
                # Validated again, nested models too: it may have changed since it was made.
                model: RequestT = self._validated(spec, request)
                if field is not None and getattr(model, field) is None:
                    return model.model_copy(update={field: token or str(uuid.uuid4())})
                return model
            if isinstance(request, Mapping):
                request = dict(request)
        if spec.prepare is not None and type(request) is dict:
            try:
                request = spec.prepare(spec.name, request)
            except ValidationError as refused:
                raise self._with_the_rest(spec, request, refused) from None
        if field is not None and type(request) is dict:
            alias = spec.token_alias or field
            if request.get(field) is None and request.get(alias) is None:
                request = {key: value for key, value in request.items() if key != alias}
                request[field] = token or str(uuid.uuid4())
        return self._validated(spec, request)

    def _with_the_rest(
        self, spec: OperationSpec[Any, Any], fields: dict[str, Any], refused: ValidationError
    ) -> ValidationError:
        """``refused`` (by the operation's preparation) with the problems of the request's
        other fields, so that one error names every invalid field at once."""
        named = {problem.field.split(".", 1)[0].split("[", 1)[0] for problem in refused.problems}
        members = spec.input.model_fields
        known = {*members, *(wire_name(name, info) for name, info in members.items())}
        # What the preparation takes besides the members (validate_payload) is its own.
        rest = {key: value for key, value in fields.items() if key in known and key not in named}
        try:
            self._validated(spec, rest)
        except ValidationError as more:
            others = [p for p in more.problems if p.field.split(".", 1)[0] not in named]
            return ValidationError(spec.name, [*refused.problems, *others])
        return refused

    @staticmethod
    def _validated(spec: OperationSpec[RequestT, Any], request: object) -> RequestT:
        try:
            model: RequestT = spec.input.__pydantic_validator__.validate_python(request)
        except pydantic.ValidationError as error:
            raise to_validation_error(spec.name, error) from None
        return model

    def invoke(
        self,
        spec: OperationSpec[RequestT, ResponseT],
        request: RequestT | Mapping[str, Any],
        *,
        options: CallOptions | None = None,
        validated: bool = False,
    ) -> Coroutine[Any, Any, ResponseT]:
        """Make one call of an operation (a request model, or its fields): validated and its
        token filled (`build_request`), serialized, signed and sent with retries, and its
        answer read into the response model, under the interceptors and the call timeout
        (``options``, else the client's).

        Without interceptors or a call timeout, validation happens here, as it is called, and
        the rest when the call is awaited (one coroutine fewer on every call's way); with
        them, everything happens inside their scope, a call refused as invalid included.
        ``validated`` says the request is a model `build_request` made, changed since only by
        what the service handed back (a paginator's next token), which is sent as it is.
        """
        if spec.service.name != self.service.name:
            raise ConfigurationError(
                f"{spec.name} is an operation of {spec.service.service_id}, not of "
                f"{self.service.service_id}: call it with that service's client"
            )
        options = options or self._options
        if options.observed:
            return self._observed(spec, request, options, validated)
        if not validated or not isinstance(request, spec.input):
            request = self.build_request(spec, request)
        return self._send(spec, request, options, None)

    def _request_of(
        self,
        spec: OperationSpec[RequestT, Any],
        request: RequestT | Mapping[str, Any],
        validated: bool,
    ) -> RequestT:
        if validated and isinstance(request, spec.input):
            return request
        return self.build_request(spec, request)

    async def _observed(
        self,
        spec: OperationSpec[RequestT, ResponseT],
        request: RequestT | Mapping[str, Any],
        options: CallOptions,
        validated: bool,
    ) -> ResponseT:
        """The call inside the interceptors' hooks and within the call timeout: a call refused
        (an invalid request, no region) runs the hooks too."""
        context: CallContext | None = None
        unresolved: AwsError | None = None
        if self._target is None:
            try:
                await self._resolve_target()
            except AwsError as error:
                unresolved = error  # raised inside the hooks' scope

        async def call() -> ResponseT:
            if unresolved is not None:
                raise unresolved
            model = self._request_of(spec, request, validated)
            if context is not None:
                context.request = model
            return await self._send(spec, model, options, context)

        seconds = options.call_timeout

        def bound(calling: Awaitable[ResponseT]) -> Awaitable[ResponseT]:
            return calling if seconds is None else _within(seconds, calling, spec.name)

        hooks = options.hooks
        if not hooks:
            return await bound(call())
        region = self._target.region if self._target is not None else None
        context = CallContext(self.service.service_id, spec.name, region)
        return await hooks.around_call(context, call, metadata_of, bound)

    async def _send(
        self,
        spec: OperationSpec[Any, ResponseT],
        model: AwsModel,
        options: CallOptions,
        context: CallContext | None,
    ) -> ResponseT:
        """Attempts until one succeeds or the retry policy says to stop. Each attempt is
        signed at the clock's time (`_signed`), sent on the Session's transport and read
        (`_outcome`); everything an attempt waits for is awaited here, in the loop, and only
        when there is something to wait for (one coroutine on every call's way, not one per
        step)."""
        prepared = self._prepared.get(spec)
        if prepared is None:
            prepared, body = await self._prepare(spec, model)
        else:
            body = self._body(spec, model)
        session = self._session
        policy = options.retry
        may_correct_clock = self._config.correct_clock_skew
        quota_taken = 0
        attempt = 1  # a request signed again for a corrected clock is the same attempt
        waited = 0.0
        while True:
            if session.closed:
                raise SessionClosedError()  # nothing is sent, or retried, after close
            added = None
            if context is not None:
                added = await self._before_attempt(spec, prepared, options, context, attempt)
            if policy.limiter is not None:
                await policy.limiter.acquire()
            provider = session.credentials
            if type(provider) is StaticCredentialProvider:
                credentials = provider.credentials  # explicit keys: nothing to wait for
            else:
                credentials = await session.signing_credentials()
            signed_with = session.clock.offset
            sent_at = time.time()
            request = self._signed(
                spec, model, prepared, body, credentials, sent_at + signed_with, added
            )
            debug = logger.isEnabledFor(logging.DEBUG)
            started = time.perf_counter() if debug else 0.0
            try:
                response = await session.transport.send(request, options.timeouts)
            except TransportError as failure:
                if debug:
                    _log_failure(spec.name, attempt, started, failure)
                outcome: ResponseT | ServiceError | TransportError = failure
            else:
                if debug:
                    _log_attempt(spec.name, attempt, started, response)
                if context is not None:
                    context.http_response = response
                clock_facts = (sent_at, signed_with) if may_correct_clock else None
                read = self._outcome(spec, response, attempt, waited, clock_facts)
                if read is None:  # signed at the wrong time: once more, at the service's
                    may_correct_clock = False
                    continue
                outcome = read
            if not isinstance(outcome, (ServiceError, TransportError)):
                policy.succeeded(quota_taken)
                if context is not None:
                    await Hooks.run(options.hooks.after_attempt, context)
                return outcome
            decision = policy.decide(outcome, attempt)
            outcome.attempts = attempt
            if context is not None:
                context.error = outcome
                context.retry_delay = decision.delay if decision.retry else None
                await Hooks.run(options.hooks.after_attempt, context)
            if not decision.retry:
                raise outcome
            if session.closed:
                raise SessionClosedError() from outcome
            quota_taken = decision.quota_taken
            waited += decision.delay
            attempt += 1
            await session.pause(decision.delay)

    @staticmethod
    async def _before_attempt(
        spec: OperationSpec[Any, Any],
        prepared: _Prepared,
        options: CallOptions,
        context: CallContext,
        attempt: int,
    ) -> dict[str, str] | None:
        """Run the interceptors' ``before_attempt``; the headers they add, checked."""
        context.attempt = attempt
        context.request_headers = {}
        context.http_response = context.error = context.retry_delay = None
        await Hooks.run(options.hooks.before_attempt, context)
        return _checked_headers(spec.name, context.request_headers, prepared.headers) or None

    def _signed(
        self,
        spec: OperationSpec[Any, Any],
        model: AwsModel,
        prepared: _Prepared,
        body: bytes,
        credentials: Credentials,
        now: float,
        added: dict[str, str] | None,
    ) -> TransportRequest:
        """The attempt's request, signed at ``now`` (the Session's clock: this host's time,
        corrected by what a service's refusal taught it), with the interceptors' ``added``
        headers."""
        headers = prepared.signed(body, credentials, now, added)
        return TransportRequest(
            prepared.method, prepared.url, headers, body, self.service.name, spec.name, model
        )

    def _outcome(
        self,
        spec: OperationSpec[Any, ResponseT],
        response: HttpResponse,
        attempt: int,
        waited: float,
        clock_facts: tuple[float, float] | None,
    ) -> ResponseT | ServiceError | None:
        """What a response means: the response model, the service's error, or None when the
        service refused the request for its signing time and the clock was corrected
        (``clock_facts``, when a correction is still allowed: when it was sent, and the
        clock's offset it was signed with)."""
        if response.status < 300:
            result = self._parse(spec, response)
            keep_metadata(result, response.status, response.headers, attempt, waited)
            return result
        facts = read_error(response)
        if clock_facts is not None and self._session.clock.correct(
            facts.code, facts.message, response.headers, clock_facts[0], time.time(), clock_facts[1]
        ):
            return None
        return self._service_error(spec, facts, response, attempt, waited)

    async def _prepare(
        self, spec: OperationSpec[Any, Any], request: AwsModel
    ) -> tuple[_Prepared, bytes]:
        """What this request is sent as but its signature, and its body. Kept for the
        operation's later calls when only the body of its requests varies."""
        http_request = self._serialize(spec, request)
        target = self._target or await self._resolve_target()
        path = target.base_path + http_request.path
        query = http_request.query
        host, origin = target.host, target.origin
        if http_request.host_prefix:  # the operation's endpoint host prefix
            host = http_request.host_prefix + host
            origin = origin.replace("://", "://" + http_request.host_prefix, 1)
        unsigned = {**http_request.headers, "Host": host}
        prepared = _Prepared(
            method=http_request.method,
            url=self._url(origin, path, query),
            headers={**unsigned, "User-Agent": USER_AGENT},
            signer=target.signer,
            template=signing_template(http_request.method, path, query, unsigned.items()),
            path=path,
            query=query,
            unsigned=tuple(unsigned.items()),
        )
        if self._codec.fixed(spec):
            self._prepared[spec] = prepared
        return prepared, http_request.body

    def _service_error(
        self,
        spec: OperationSpec[Any, Any],
        facts: ErrorFacts,
        response: HttpResponse,
        attempts: int,
        waited: float,
    ) -> ServiceError:
        """The modeled error (else the service's base error) for an error response."""
        retryable, throttling = retries.classify(facts.code, facts.status)
        error_class = self.service.errors.error_class(facts.code)
        return error_class(
            facts.code,
            facts.message,
            status_code=facts.status,
            request_id=facts.request_id,
            operation_name=spec.name,
            retryable=retryable,
            throttling=throttling,
            retry_after=facts.retry_after,
            response_metadata=ResponseMetadata.of(
                response.status, response.headers, attempts, waited
            ),
            raw_body=response.body,
            body_members=facts.members,
        )

    def _serialize(self, spec: OperationSpec[Any, Any], request: AwsModel) -> HttpRequest:
        try:
            return self._codec.serialize(spec, request)
        except PydanticSerializationError:
            raise _unencodable(spec, request) from None

    def _body(self, spec: OperationSpec[Any, Any], request: AwsModel) -> bytes:
        try:
            return self._codec.body(spec, request)
        except PydanticSerializationError:
            raise _unencodable(spec, request) from None

    def _url(self, origin: str, path: str, query: str) -> URL:
        """The request URL; the ones without a query (most calls) are built once and kept."""
        if query:
            return URL(f"{origin}{path}?{query}", encoded=True)
        url = self._urls.get(origin + path)
        if url is None:
            url = URL(origin + path, encoded=True)
            if len(self._urls) < 1024:  # paths with identifiers in them must not grow it forever
                self._urls[origin + path] = url
        return url

    def _parse(self, spec: OperationSpec[Any, ResponseT], response: HttpResponse) -> ResponseT:
        try:
            parsed: ResponseT = self._codec.deserialize(spec, response)
        except pydantic.ValidationError as error:
            # Named as the service sent them: by their wire names.
            detail = "; ".join(
                f"{wire_path(spec.output, item['loc'])}: {item['msg']}"
                for item in error.errors(include_url=False, include_input=False)
            )
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read
            detail = "the body is not a JSON object the operation's output can be read from"
        else:
            return parsed
        raise MalformedResponseError(
            spec.name,
            detail,
            request_id=response.headers.get("x-amzn-RequestId"),
        )

    async def _resolve_target(self) -> _Target:
        if self._target is None:
            region = self._region_name or await self._session.region()
            config = self._session.config
            endpoint = self._endpoint_url
            if endpoint is None:
                endpoint = await self._session.configured_endpoint(self.service.name)
                if endpoint is not None:
                    self.endpoint_rules.check_custom_endpoint(
                        use_fips=config.use_fips_endpoint,
                        use_dualstack=config.use_dualstack_endpoint,
                    )
            if endpoint is None:
                endpoint = resolve_endpoint(
                    self.endpoint_rules,
                    region,
                    use_fips=config.use_fips_endpoint,
                    use_dualstack=config.use_dualstack_endpoint,
                )
            url = URL(http_url("endpoint_url", endpoint))
            host = url.raw_host or ""
            if ":" in host:  # an IPv6 literal
                host = f"[{host}]"
            if url.explicit_port is not None and not url.is_default_port():
                host = f"{host}:{url.port}"
            self._target = _Target(
                region=region,
                origin=f"{url.scheme}://{host}",
                host=host,
                base_path=url.raw_path.rstrip("/"),
                signer=SigV4Signer(region, self.service.signing_name),
            )
        return self._target


async def _within(seconds: float, call: Awaitable[ResponseT], operation: str) -> ResponseT:
    """The call's result, or `Timeout` when it takes longer than ``seconds``."""
    try:
        return await asyncio.wait_for(call, seconds)
    except asyncio.TimeoutError:  # the deadline: the call's own timeouts raise ours
        raise Timeout(
            f"{operation}: no result within the call timeout of {seconds:g} s",
            operation_name=operation,
            reason="call timeout",
        ) from None


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r"[\t\x20-\x7e]*")
#: Headers the signature owns: an interceptor may not set them.
_SIGNED_BY_US = frozenset(
    {"authorization", "host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
)


def _checked_headers(operation: str, headers: object, sent: Mapping[str, str]) -> dict[str, str]:
    """The headers interceptors added, when each name is an HTTP token that neither the
    signature nor the request (``sent``, in any case) has already, and each value printable
    ASCII text; else a ValidationError naming them."""
    if not isinstance(headers, dict):
        raise ValidationError(
            operation, [FieldProblem("request_headers", "must be a dict of str to str")]
        )
    problems = []
    for name, value in headers.items():
        where = f"request_headers[{name!r}]" if isinstance(name, str) else "request_headers"
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            problems.append(FieldProblem(where, "is not an HTTP header name"))
        elif name.lower() in _SIGNED_BY_US or any(name.lower() == s.lower() for s in sent):
            problems.append(FieldProblem(where, "is set by the library, not by interceptors"))
        elif not isinstance(value, str) or not _VALUE.fullmatch(value):
            problems.append(
                FieldProblem(where, "must be printable ASCII text, without CR, LF or NUL")
            )
    if problems:
        raise ValidationError(operation, problems)
    return headers


def _unencodable(spec: OperationSpec[Any, Any], request: AwsModel) -> ValidationError:
    """The error for a request holding a str with a lone surrogate, which no UTF-8 body can
    carry, naming the fields."""
    paths = unencodable_fields(request) or ["(request)"]
    return ValidationError(spec.name, [FieldProblem(path, _UNENCODABLE) for path in paths])


def _log_attempt(operation: str, attempt: int, started: float, response: HttpResponse) -> None:
    headers = response.headers
    request_id = headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")
    elapsed_ms = _elapsed_ms(started)
    _log(
        operation,
        attempt,
        elapsed_ms,
        "HTTP %d in %.1f ms, request id %s",
        (response.status, elapsed_ms, request_id or "-"),
        status=response.status,
        request_id=request_id,
    )


def _log_failure(operation: str, attempt: int, started: float, error: TransportError) -> None:
    elapsed_ms = _elapsed_ms(started)
    _log(
        operation,
        attempt,
        elapsed_ms,
        "no response (%s) after %.1f ms",
        (type(error).__name__, elapsed_ms),
        status=None,
        request_id=None,
        error=error.reason,
    )


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _log(
    operation: str,
    attempt: int,
    elapsed_ms: float,
    outcome: str,
    values: tuple[object, ...],
    **facts: object,
) -> None:
    """One DEBUG line for an attempt. Its facts are the record's fields too, for JSON log
    formatters, each named ``aws_...`` so as never to collide with an application's own (a
    record factory adding ``request_id``, say)."""
    extra = {"aws_operation": operation, "aws_attempt": attempt, "aws_elapsed_ms": elapsed_ms}
    extra.update((f"aws_{name}", value) for name, value in facts.items())
    logger.debug("%s attempt %d: " + outcome, operation, attempt, *values, extra=extra)
