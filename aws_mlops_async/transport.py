"""One HTTP exchange on the shared aiohttp session, with aiohttp's failures mapped to ours."""

from __future__ import annotations

import asyncio
import errno

import aiohttp
from yarl import URL

from .errors import ConnectionFailed, Timeout, TransportError
from .protocol import HttpResponse

__all__ = ["send"]

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


async def send(
    http: aiohttp.ClientSession,
    method: str,
    url: URL,
    headers: dict[str, str],
    body: bytes,
    timeout: aiohttp.ClientTimeout,
    operation_name: str,
) -> HttpResponse:
    """Send the request and read the whole response; the connection goes back to the pool
    whatever happens, cancellation included.

    Raises `Timeout` when connecting or reading takes too long and `ConnectionFailed` when the
    connection cannot be made or breaks before the response is complete; each says what went
    wrong (``reason``) and where (``endpoint``).
    """
    try:
        async with http.request(
            method,
            url,
            headers=headers,
            data=body or None,
            skip_auto_headers=None if body else _NO_CONTENT_TYPE,
            timeout=timeout,
            allow_redirects=False,
        ) as response:
            payload = await response.read()
            return HttpResponse(response.status, response.headers, payload, response.reason or "")
    except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
        raise _failure(exc, url, operation_name) from exc


def _failure(exc: BaseException, url: URL, operation_name: str) -> TransportError:
    """Our error for one of aiohttp's, naming what went wrong and where."""
    endpoint = f"{url.host}:{url.port}"
    # Timeouts first: aiohttp's timeout errors are also connection errors.
    if isinstance(exc, asyncio.TimeoutError):
        connecting = isinstance(exc, aiohttp.ConnectionTimeoutError)
        reason = "connect timeout" if connecting else "read timeout"
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
