"""The aiohttp application serving every service of the library on one port.

Each request goes through the same steps: find its operation (`wire.Router`), check its
signature (`sigv4`), apply the fault it draws (`faults`), answer ``501 NotImplemented`` for an
operation not emulated, read its parameters into the library's request model, answer a
repeated client token from the first answer, else run the operation's handler; every answer
carries ``x-amzn-RequestId``.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from aiohttp import web

from ..modeling import AwsModel, wire_dump
from .clock import Clock
from .errors import LocalError
from .faults import Faults
from .services import SERVICES
from .services.base import Call, LocalService, Operation, refusal
from .settings import ACCOUNT_ID, MAX_CLOCK_SKEW
from .sigv4 import parse_scope, verify
from .state import LocalState, TokenRecord, is_region
from .stats import Stats
from .wire import Match, Router, error_response, json_response, read_request

__all__ = ["LocalApp"]

logger = logging.getLogger("aws_mlops_async.local")

_ROUTER = Router(SERVICES)


@dataclass
class _Drawn:
    """The fault a request drew, for its log line (kept even when the fault drops it)."""

    fault: str | None = None


class LocalApp:
    """The request pipeline over one store, fault plan and set of counters; ``services``
    are the ones it answers (by default every service the library binds)."""

    def __init__(
        self,
        *,
        state: LocalState,
        faults: Faults,
        stats: Stats,
        clock: Clock,
        credentials: Mapping[str, str],
        region: str,
        account_id: str = ACCOUNT_ID,
        accounts: Mapping[str, str] | None = None,
        verify_signatures: bool = True,
        max_clock_skew: float = MAX_CLOCK_SKEW,
        clock_offset: float = 0.0,
        services: Sequence[LocalService] | None = None,
    ) -> None:
        self._router = _ROUTER if services is None else Router(services)
        self.state = state
        self.faults = faults
        self.stats = stats
        self.clock = clock
        self.credentials = credentials
        self.region = region
        self.account_id = account_id
        #: The account of each access key named here; any other key is ``account_id``'s.
        self.accounts = dict(accounts or {})
        self.verify_signatures = verify_signatures
        self.max_clock_skew = max_clock_skew
        #: Seconds the emulator's wall clock (signature checks, ``Date``) is ahead of the host's.
        self.clock_offset = clock_offset

    def application(self) -> web.Application:
        """An aiohttp application answering every path with `handle`."""
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:(?s:.*)}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request (or drop its connection, when a fault says so); with INFO
        logging on, one line says what it was and what became of it."""
        request_id = str(uuid.uuid4())
        match = self._router.match(request.method, request.raw_path, request.headers)
        self.stats.received[match.name] += 1
        self.stats.enter()
        outcome = "dropped"
        drawn = _Drawn()
        try:
            try:
                body = await request.read()
            except ConnectionError:
                outcome = "aborted by the client"
                raise asyncio.CancelledError from None
            try:
                response, lose = await self._answer(request, body, match, request_id, drawn)
            except LocalError as error:
                response, lose = self._error(match.service, error, request_id), False
            except Exception as error:  # a bug of the emulator: answer as the service would
                logger.exception("%s failed in the emulator", match.name)
                failure = LocalError(
                    match.service.internal.code if match.service else "InternalFailure",
                    f"The emulator failed: {type(error).__name__}: {error}",
                    500,
                )
                response, lose = self._error(match.service, failure, request_id), False
            if lose:
                outcome = f"{response.status}, then the connection closed unanswered"
                _drop(request)
            response.headers["Date"] = email.utils.formatdate(self._wall_clock(), usegmt=True)
            outcome = str(response.status)
            return response
        finally:
            self.stats.leave()
            if logger.isEnabledFor(logging.INFO):
                fault = drawn.fault
                logger.info(
                    "%s %s -> %s%s",
                    request.method,
                    match.name,
                    outcome,
                    f" (fault: {fault})" if fault else "",
                )

    async def _answer(
        self, request: web.Request, body: bytes, match: Match, request_id: str, drawn: _Drawn
    ) -> tuple[web.Response, bool]:
        """The answer, and whether it is to be lost (processed, then the connection closed)."""
        service, operation = match.service, match.operation
        if service is None:
            raise LocalError("UnknownOperationException", "No such operation.", 404)
        # Without verification (the shell's default, as LocalStack and moto do), any keys and
        # any region go: the request's credential scope names the region whose resources it
        # sees and makes (a region name, as AWS requires of a scope).
        scope = parse_scope(request.headers.get("Authorization"))
        access_key = scope.access_key if scope else next(iter(self.credentials), "")
        region = scope.region if scope and not self.verify_signatures else self.region
        if not is_region(region):
            status = 400 if service.description.protocol == "json" else 403
            raise LocalError(
                "InvalidSignatureException",
                "Credential should be scoped to a valid region.",
                status,
            )
        if self.verify_signatures:
            try:
                access_key = verify(
                    method=request.method,
                    raw_path=request.raw_path,
                    headers=request.headers,
                    body=body,
                    credentials=self.credentials,
                    region=self.region,
                    service=service.name,
                    now=self._wall_clock(),
                    max_skew=self.max_clock_skew,
                ).access_key
            except LocalError as error:
                if service.description.protocol == "json":
                    error.status = 400  # awsJson front ends answer authentication with 400
                logger.warning(
                    "%s refused: %s: %s (this emulator checks signatures for access key %s in "
                    "region %s; started without --access-key it takes any credentials)",
                    match.name,
                    error.code,
                    error.message,
                    ", ".join(self.credentials),
                    self.region,
                )
                raise
        if operation is None:
            status = 400 if service.description.protocol == "json" else 404
            raise LocalError("UnknownOperationException", "No such operation.", status)
        fault = self.faults.decide(operation.spec.name)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.kind is not None:
            self.stats.faults[fault.kind] += 1
            drawn.fault = fault.kind
        if fault.kind == "drop":
            _drop(request)
        if fault.kind == "throttle":
            raise service.throttling.error("Rate exceeded")
        if fault.kind == "server_error":
            raise service.internal.error("We encountered an internal error. Please try again.")
        if fault.kind == "unavailable":
            raise service.unavailable.error("The service is unavailable. Please try again.")
        if not operation.emulated:  # whatever its parameters: the operation is what is missing
            raise refusal(operation.spec)
        call = Call(
            state=self.state,
            store=self.state.store(self.accounts.get(access_key, self.account_id), region),
            now=self.clock.now(),
            access_key=access_key,
            request_id=request_id,
        )
        try:
            model = read_request(
                service, operation, match.labels, request.query, request.headers, body
            )
            response = self._dispatch(service, operation, model, call)
        except LocalError as error:
            response = self._error(service, error, request_id)
        return response, fault.kind == "lost_response"

    def _wall_clock(self) -> float:
        return time.time() + self.clock_offset

    def _dispatch(
        self, service: LocalService, operation: Operation, request: AwsModel, call: Call
    ) -> web.Response:
        """Run the handler, or answer a client token seen before as it was answered then."""
        spec = operation.spec
        token_field = spec.idempotency_token
        token = getattr(request, token_field) if token_field else None
        key = (spec.name, str(token))
        fingerprint = ""
        if token is not None:
            fingerprint = _fingerprint(request, token_field)
            seen = call.store.tokens.get(key)
            if seen is not None:
                if seen.fingerprint != fingerprint:
                    raise service.token_conflict(spec.name, str(token))
                self.stats.replayed[spec.name] += 1
                return json_response(service, seen.status, seen.body, call.request_id)
        result = operation.handler(call, request)
        body = wire_dump(result)
        if token is not None:
            call.store.tokens[key] = TokenRecord(fingerprint, spec.success_status, body)
        return json_response(service, spec.success_status, body, call.request_id)

    def _error(
        self, service: LocalService | None, error: LocalError, request_id: str
    ) -> web.Response:
        self.stats.errors[error.code] += 1
        return error_response(service, error, request_id)


def _fingerprint(request: AwsModel, token_field: str | None) -> str:
    """A digest of a request's parameters, its client token left out."""
    exclude = {token_field} if token_field else None
    data = wire_dump(request, exclude=exclude)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _drop(request: web.Request) -> NoReturn:
    """Close the connection without an answer (aiohttp takes the cancellation as a lost peer)."""
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError
