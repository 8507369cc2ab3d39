"""The seam between a client and the network: an `AsyncTransport` sends one signed request and
returns the whole response.

`AiohttpTransport` is the default, on one aiohttp connection pool (its own, or the connector
of an ``aiohttp.ClientSession`` you pass). `MockTransport` answers from a function, for tests
that need no network. Any object with ``send`` and ``close`` can stand in: a recording
transport, a proxy-aware one, an in-memory one (``Session(transport=...)``).
"""

from __future__ import annotations

import asyncio
import errno
import inspect
import warnings
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import aiohttp
from yarl import URL

from .arguments import function, instance, positive_int
from .cancellation import cancelled_by_caller, uncancel
from .config import MAX_CONNECTIONS, Timeouts
from .errors import (
    ConfigurationError,
    ConnectionFailed,
    EventLoopMismatch,
    SessionClosedError,
    Timeout,
    TransportError,
)
from .protocol import HttpResponse
from .read_watch import ReadWatch

if TYPE_CHECKING:
    from aiohttp.connector import Connection

    from .modeling import AwsModel

__all__ = [
    "AiohttpTransport",
    "AsyncTransport",
    "MockTransport",
    "Timeouts",
    "TransportRequest",
]


@dataclass(slots=True)
class TransportRequest:
    """One attempt of a call, signed and ready to send, and which call it is. Its repr shows
    neither headers nor body (they hold a signature, a session token, sensitive members)."""

    method: str
    url: URL
    #: Every header to send, the signature included.
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    #: The service's name (``batch``) and the operation's (``SubmitServiceJob``).
    service: str
    operation: str
    #: The validated request model this attempt carries (what a stub compares).
    params: AwsModel = field(repr=False)


class AsyncTransport(Protocol):
    """Sends a request and returns the whole response, or raises `TransportError`
    (`ConnectionFailed`, `Timeout`) when none came back."""

    async def send(self, request: TransportRequest, timeouts: Timeouts) -> HttpResponse:
        """The whole response to ``request``, within ``timeouts``."""
        ...

    async def close(self) -> None:
        """Let go of connections and anything else held; later sends may fail."""
        ...


_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed",
    errno.ETIMEDOUT: "connect timeout",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
}

# aiohttp gives a POST, PUT or PATCH without a Content-Type its own, body or not: a request
# without a body goes without one, as botocore sends it.
_NO_CONTENT_TYPE = ("Content-Type",)


class AiohttpTransport:
    """Requests on one aiohttp connection pool, opened in the running loop on first use.

    Without ``http_session`` it opens (and `close` closes) a pool of its own of at most
    ``max_connections`` connections. With one, it sends on that session's connector (its
    pool, TLS and DNS settings, and ``trust_env``), in a session of its own: the given
    session's default headers, cookies, base URL, ``raise_for_status``, ``auto_decompress``,
    middlewares and trace configs never touch a signed request or change what a response
    means; `close` leaves the given session and its connector open.
    """

    def __init__(
        self, http_session: aiohttp.ClientSession | None = None, *, max_connections: int = 100
    ) -> None:
        self._given: aiohttp.ClientSession | None = instance(
            "http_session",
            http_session,
            aiohttp.ClientSession,
            "an aiohttp.ClientSession",
            optional=True,
        )
        self._max_connections: int = positive_int(
            "max_connections", max_connections, maximum=MAX_CONNECTIONS
        )
        self._http: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._timeouts: dict[int, tuple[Timeouts, aiohttp.ClientTimeout]] = {}
        self._watch = ReadWatch()  # the sends in flight, and their read timeouts

    def __repr__(self) -> str:
        return f"<AiohttpTransport {'closed' if self._closed else 'open'}>"

    @property
    def http_session(self) -> aiohttp.ClientSession:
        """The aiohttp session requests are sent on, opened now if need be (in the running
        loop); `EventLoopMismatch` from another loop, `SessionClosedError` once closed."""
        return self._open()

    def _open(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._closed or (self._given is not None and self._given.closed):
            raise SessionClosedError()
        if self._loop is not None and self._loop is not loop:
            raise EventLoopMismatch()
        if self._http is None:
            given = self._given
            if given is not None and _loop_of(given) is not loop:
                raise EventLoopMismatch()
            try:
                self._http = aiohttp.ClientSession(
                    response_class=_watched_response(self._watch),
                    connector=(
                        aiohttp.TCPConnector(limit=self._max_connections)
                        if given is None
                        else given.connector
                    ),
                    connector_owner=given is None,
                    cookie_jar=aiohttp.DummyCookieJar(),
                    trust_env=given.trust_env if given is not None else False,
                )
            except RuntimeError as error:  # the given session's connector is another loop's
                raise EventLoopMismatch() from error
            self._loop = loop
        return self._http

    async def send(self, request: TransportRequest, timeouts: Timeouts) -> HttpResponse:
        """Send the request and read the whole response; the connection goes back to the pool
        whatever happens, cancellation included.

        Raises `Timeout` when connecting, reading or the attempt takes too long,
        `ConnectionFailed` when the connection cannot be made or breaks before the response
        is complete (each says what went wrong, ``reason``, and where, ``endpoint``), and
        `SessionClosedError` when the transport was closed meanwhile.
        """
        http, given = self._http, self._given
        if (
            http is None
            or self._loop is not asyncio.get_running_loop()
            or self._closed
            or (given is not None and given.closed)
        ):
            http = self._open()  # the first send, or one that must fail
        found = self._timeouts.get(id(timeouts))  # each client's options hold one Timeouts
        timeout = found[1] if found is not None and found[0] is timeouts else None
        task = asyncio.current_task()
        watched = None if task is None else self._watch.begin(task, timeouts.read)
        try:
            async with http.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body or None,
                skip_auto_headers=None if request.body else _NO_CONTENT_TYPE,
                timeout=timeout or self._timeout(timeouts),
                allow_redirects=False,
            ) as response:
                if not response.content.is_eof():
                    self._watch.waiting(task)  # the whole body within the read timeout
                payload = await response.read()
                return HttpResponse(
                    response.status, response.headers, payload, response.reason or ""
                )
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            if self._closed:
                raise SessionClosedError() from exc
            raise _failure(exc, request) from exc
        except asyncio.CancelledError as cancelled:
            expired = watched is not None and watched.expired
            if expired:
                uncancel(task)  # the watch's own cancellation, taken back
            # `close` ends every send in flight (a pool closing also cancels the waits for
            # its connections): a call nobody cancelled ends as closed, not cancelled. So
            # does one whose wait the caller's own session, closed under it, cancelled.
            closed_by_us = _closing(cancelled) or (expired and self._closed)
            closed = self._closed or (given is not None and given.closed)
            if closed and (closed_by_us or not cancelled_by_caller()):
                if closed_by_us:
                    uncancel(task)
                raise SessionClosedError() from None
            if expired and not cancelled_by_caller():  # the caller cancelled too: theirs wins
                raise _failure(_ReadTimeout(), request) from None
            raise
        except RuntimeError as exc:  # aiohttp: "Session is closed" / "Connector is closed"
            if self._closed or http.closed:
                raise SessionClosedError() from exc
            raise
        finally:
            if watched is not None:
                self._watch.end(watched)

    def _timeout(self, timeouts: Timeouts) -> aiohttp.ClientTimeout:
        """aiohttp's timeout for ``timeouts``, made once and found by identity after."""
        # The read timeout is the watch's, not aiohttp's (sock_read: a timer per chunk).
        made = aiohttp.ClientTimeout(total=timeouts.total, sock_connect=timeouts.connect)
        if len(self._timeouts) >= 64:
            self._timeouts.clear()
        self._timeouts[id(timeouts)] = (timeouts, made)
        return made

    async def close(self) -> None:
        """End every send in flight (`SessionClosedError`), and close the pool this transport
        opened, or only its own session over a given one."""
        if self._closed:
            return
        self._closed = True
        for task in self._watch.tasks():
            task.cancel(_CLOSING)
        self._watch.close()
        if self._http is not None:
            await self._http.close()


_CLOSING = "the transport was closed"


def _closing(cancelled: asyncio.CancelledError) -> bool:
    """Whether the cancellation is `AiohttpTransport.close` ending a send."""
    return bool(cancelled.args) and cancelled.args[0] == _CLOSING


def _loop_of(http: aiohttp.ClientSession) -> asyncio.AbstractEventLoop:
    """The loop an aiohttp session belongs to (its ``loop`` property is deprecated, and the
    only public way to tell)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return http.loop


class _ReadTimeout(Exception):
    """The response's headers or body did not arrive within the read timeout."""


def _watched_response(watch: ReadWatch) -> type[aiohttp.ClientResponse]:
    """aiohttp's response class, telling ``watch`` when a send starts waiting for the
    headers (its request sent, its connection got: getting one is the connect timeout's)."""

    class WatchedResponse(aiohttp.ClientResponse):
        async def start(self, connection: Connection) -> aiohttp.ClientResponse:
            task = asyncio.current_task()
            watch.waiting(task)
            try:
                return await super().start(connection)
            finally:
                # The headers came (the body's wait is the send's to note), or aiohttp sends
                # again on a new connection (an idempotent request whose kept-alive one the
                # peer closed): getting that is no wait for the peer.
                watch.not_waiting(task)

    return WatchedResponse


Handler = Callable[[TransportRequest], "HttpResponse | Awaitable[HttpResponse]"]


class MockTransport:
    """A transport answering every request from ``handler`` (sync or async), with no network:
    for tests. The handler may raise `ConnectionFailed` or `Timeout` to play a lost request.
    ``requests`` keeps every request sent, in order."""

    def __init__(self, handler: Handler) -> None:
        self._handler = function("handler", handler, "a function of a TransportRequest")
        self.requests: list[TransportRequest] = []
        self.closed = False

    async def send(self, request: TransportRequest, timeouts: Timeouts) -> HttpResponse:
        """The handler's answer to ``request``."""
        if self.closed:
            raise SessionClosedError()
        self.requests.append(request)
        answer = self._handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        if not isinstance(answer, HttpResponse):
            raise ConfigurationError(
                f"the MockTransport handler returned {type(answer).__name__}, not an HttpResponse"
            )
        return answer

    async def close(self) -> None:
        """Refuse later sends."""
        self.closed = True


def _failure(exc: BaseException, request: TransportRequest) -> TransportError:
    """Our error for one of aiohttp's, naming what went wrong and where."""
    url = request.url
    operation_name = request.operation
    endpoint = f"{url.host}:{url.port}"
    # Timeouts first: aiohttp's timeout errors are also connection errors.
    if isinstance(exc, (asyncio.TimeoutError, _ReadTimeout)):
        # The read watch keeps the read timeouts: aiohttp's own timer is the whole attempt's.
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            reason = "connect timeout"
        elif isinstance(exc, _ReadTimeout):
            reason = "read timeout"
        else:
            reason = "total timeout"
        return Timeout(
            f"{operation_name}: {reason} talking to {endpoint}",
            operation_name=operation_name,
            reason=reason,
            endpoint=endpoint,
        )
    reason = _reason(exc)
    return ConnectionFailed(
        f"{operation_name}: {reason} ({endpoint}): {type(exc).__name__}: {exc}",
        operation_name=operation_name,
        reason=reason,
        endpoint=endpoint,
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "DNS lookup failed"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "TLS handshake failed"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "connection closed by the server"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "response cut short"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "invalid HTTP response"
    if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "cannot connect"
    return "connection failed"
