"""The dispatcher every service client shares: validate, serialize, sign, send, retry, parse.

Every call goes through `BaseClient._invoke`: the generated client methods, bulk submission,
paginators and waiters alike.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import platform
import time
import uuid
from collections.abc import Awaitable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import aiohttp
import pydantic
from pydantic_core import PydanticSerializationError
from yarl import URL

from . import retries, transport
from ._version import __version__
from .config import UNSET, RetryMode, _Unset
from .endpoints import EndpointRules, resolve_endpoint
from .errors import (
    ConfigurationError,
    ErrorCatalog,
    FieldProblem,
    MalformedResponseError,
    ServiceError,
    Timeout,
    TransportError,
    ValidationError,
)
from .interceptors import CallContext, Hooks, Interceptor, check_interceptors
from .metadata import ResponseMetadata, keep_metadata
from .modeling import AwsModel, to_validation_error, unencodable_fields
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
from .signing import SigningTemplate, SigV4Signer, signing_template

if TYPE_CHECKING:
    from .session import Session

__all__ = ["BaseClient"]

ClientT = TypeVar("ClientT", bound="BaseClient")
RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)

logger = logging.getLogger("aws_mlops_async")

USER_AGENT = (
    f"aws-mlops-async/{__version__} Python/{platform.python_version()} "
    f"aiohttp/{aiohttp.__version__}"
)
_UNENCODABLE = "cannot be encoded as UTF-8 (it holds a lone surrogate)"


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
    endpoint_rules: ClassVar[EndpointRules]
    exceptions: ClassVar[type[ErrorCatalog]]

    def __init__(
        self, session: Session, *, region_name: str | None = None, endpoint_url: str | None = None
    ) -> None:
        self._session = session
        self._region_name = region_name
        self._endpoint_url = endpoint_url or session.endpoint_url
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
    def session(self) -> Session:
        """The Session this client belongs to (and whose connection pool it sends on)."""
        return self._session

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

    async def region(self) -> str:
        """The region this client signs for (resolved from the Session on first use)."""
        return (await self._resolve_target()).region

    async def endpoint(self) -> str:
        """The base URL this client sends to."""
        target = await self._resolve_target()
        return target.origin + target.base_path

    def request(
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
                if field is not None and getattr(request, field) is None:
                    return request.model_copy(update={field: token or str(uuid.uuid4())})
                return request
            if isinstance(request, Mapping):
                request = dict(request)
        if spec.prepare is not None and type(request) is dict:
            request = spec.prepare(spec.name, request)
        if field is not None and type(request) is dict:
            alias = spec.token_alias or field
            if request.get(field) is None and request.get(alias) is None:
                request = {key: value for key, value in request.items() if key != alias}
                request[field] = token or str(uuid.uuid4())
        try:
            model: RequestT = spec.input.__pydantic_validator__.validate_python(request)
        except pydantic.ValidationError as error:
            raise to_validation_error(spec.name, error) from None
        return model

    def _invoke(
        self,
        spec: OperationSpec[RequestT, ResponseT],
        request: RequestT | Mapping[str, Any],
        options: CallOptions | None = None,
    ) -> Coroutine[Any, Any, ResponseT]:
        """The one way a call is made: the request validated (when given fields) and its
        token filled (`request`), serialized once, then signed and sent with retries, and its
        answer read; under the interceptors and the call timeout when there are any.

        Validation happens here, as it is called; the rest when the call is awaited (one
        coroutine fewer on every call's way).
        """
        model = self.request(spec, request)
        options = options or self._options
        if options.observed:
            return self._observed(spec, model, options)
        return self._send(spec, model, options, None)

    async def _observed(
        self, spec: OperationSpec[Any, ResponseT], model: AwsModel, options: CallOptions
    ) -> ResponseT:
        """`_send` with the interceptors' hooks around it and within the call timeout."""
        hooks = options.hooks
        context: CallContext | None = None
        if hooks:
            target = self._target or await self._resolve_target()
            context = CallContext(self.service.service_id, spec.name, target.region, model)
            await Hooks.run(hooks.before_call, context)
        sending = self._send(spec, model, options, context)
        try:
            if options.call_timeout is None:
                result = await sending
            else:
                result = await _within(options.call_timeout, sending, spec.name)
        except BaseException as error:  # interceptors see every ending, cancellation too
            if context is not None:
                context.error = error
                context.response_metadata = getattr(error, "response_metadata", None)
                await Hooks.run(hooks.after_call, context)
            raise
        if context is not None:
            context.result = result
            context.response_metadata = result.response_metadata  # type: ignore[attr-defined]
            await Hooks.run(hooks.after_call, context)
        return result

    async def _send(
        self,
        spec: OperationSpec[Any, ResponseT],
        model: AwsModel,
        options: CallOptions,
        context: CallContext | None,
    ) -> ResponseT:
        """Sign and send the request until it succeeds or may not be retried."""
        prepared = self._prepared.get(spec)
        if prepared is None:
            prepared, body = await self._prepare(spec, model)
        else:
            body = self._body(spec, model)
        session = self._session
        http = session.http_session()
        signer = prepared.signer
        policy = options.retry
        hooks = options.hooks
        quota_taken = 0
        attempt = 0
        waited = 0.0
        may_correct_clock = session.config.correct_clock_skew
        clock_retries = 0  # 0 or 1: the attempt that corrected the clock counts for nothing
        while True:
            attempt += 1
            added: dict[str, str] | None = None
            if context is not None:
                context.attempt = attempt - clock_retries
                context.request_headers = {}
                context.http_response = context.error = context.retry_delay = None
                await Hooks.run(hooks.before_attempt, context)
                added = context.request_headers or None
            if policy.limiter is not None:
                await policy.limiter.acquire()
            credentials = await session.credentials.get_credentials()
            sent_at = time.time()
            now = sent_at + session.clock_offset
            headers = prepared.headers.copy()  # the one header dict of this attempt
            if prepared.template is not None and added is None:
                signer.sign_into(headers, prepared.template, body, credentials, now=now)
            else:
                signed = prepared.unsigned
                if added is not None:
                    headers.update(added)
                    signed += tuple(added.items())
                headers.update(
                    signer.sign(
                        prepared.method,
                        prepared.path,
                        prepared.query,
                        signed,
                        body,
                        credentials,
                        now=now,
                    )
                )
            debug = logger.isEnabledFor(logging.DEBUG)
            started = time.perf_counter() if debug else 0.0
            error: ServiceError | TransportError
            try:
                response = await transport.send(
                    http, prepared.method, prepared.url, headers, body, options.timeout, spec.name
                )
            except TransportError as failure:
                error = failure
                if debug:
                    _log_failure(spec.name, attempt, started, failure)
            else:
                if debug:
                    _log_attempt(spec.name, attempt, started, response)
                if response.status < 300:
                    policy.succeeded(quota_taken)
                    result = self._parse(spec, response)
                    keep_metadata(result, response, attempt - clock_retries, waited)
                    if context is not None:
                        context.http_response = response
                        await Hooks.run(hooks.after_attempt, context)
                    return result
                facts = read_error(response)
                if may_correct_clock:
                    offset = retries.clock_skew_correction(
                        facts.code,
                        facts.message,
                        response.headers,
                        sent_at,
                        time.time(),
                        session.clock_offset,
                    )
                    if offset is not None:
                        # Signed at the wrong time: sign again with the service's, once, on
                        # top of the attempts and the retry quota.
                        session.clock_offset = offset
                        may_correct_clock = False
                        clock_retries = 1
                        continue
                error = self._service_error(spec, facts, response, attempt - clock_retries, waited)
            decision = policy.decide(error, attempt - clock_retries)
            error.attempts = attempt - clock_retries
            if context is not None:
                context.http_response = response if isinstance(error, ServiceError) else None
                context.error = error
                context.retry_delay = decision.delay if decision.retry else None
                await Hooks.run(hooks.after_attempt, context)
            if not decision.retry:
                raise error
            quota_taken = decision.quota_taken
            waited += decision.delay
            await retries.sleep(decision.delay)

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
            problems = to_validation_error(None, error).problems
            detail = "; ".join(str(problem) for problem in problems)
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
            url = URL(endpoint)
            if not url.is_absolute() or url.scheme not in ("http", "https"):
                raise ConfigurationError(f"endpoint_url must be an http(s) URL, not {endpoint!r}")
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


def _unencodable(spec: OperationSpec[Any, Any], request: AwsModel) -> ValidationError:
    """The error for a request holding a str with a lone surrogate, which no UTF-8 body can
    carry, naming the fields."""
    paths = unencodable_fields(request) or ["(request)"]
    return ValidationError(spec.name, [FieldProblem(path, _UNENCODABLE) for path in paths])


def _log_attempt(operation: str, attempt: int, started: float, response: HttpResponse) -> None:
    # The message's facts are also the record's fields, for JSON log formatters.
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    headers = response.headers
    request_id = headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")
    logger.debug(
        "%s attempt %d: HTTP %d in %.1f ms, request id %s",
        operation,
        attempt,
        response.status,
        elapsed_ms,
        request_id or "-",
        extra={
            "operation": operation,
            "attempt": attempt,
            "status": response.status,
            "request_id": request_id,
            "elapsed_ms": elapsed_ms,
        },
    )


def _log_failure(operation: str, attempt: int, started: float, error: TransportError) -> None:
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.debug(
        "%s attempt %d: no response (%s) after %.1f ms",
        operation,
        attempt,
        type(error).__name__,
        elapsed_ms,
        extra={
            "operation": operation,
            "attempt": attempt,
            "status": None,
            "request_id": None,
            "elapsed_ms": elapsed_ms,
            "error": error.reason,
        },
    )
