"""One HTTP exchange on the shared aiohttp session, with aiohttp's failures mapped to ours."""

from __future__ import annotations

import asyncio

import aiohttp
from yarl import URL

from .errors import ConnectionFailed, Timeout
from .protocol import HttpResponse

__all__ = ["send"]


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
    connection cannot be made or breaks before the response is complete.
    """
    try:
        async with http.request(
            method,
            url,
            headers=headers,
            data=body or None,
            timeout=timeout,
            allow_redirects=False,
        ) as response:
            payload = await response.read()
            return HttpResponse(response.status, response.headers, payload, response.reason or "")
    except asyncio.TimeoutError as exc:
        # Checked first: aiohttp's timeout errors are also connection errors.
        raise Timeout(
            f"{operation_name}: timed out talking to {url.host}", operation_name=operation_name
        ) from exc
    except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
        raise ConnectionFailed(
            f"{operation_name}: connection to {url.host} failed: {exc.__class__.__name__}: {exc}",
            operation_name=operation_name,
        ) from exc
    except aiohttp.ClientResponseError as exc:
        # The peer sent something that is not a valid HTTP response.
        raise ConnectionFailed(
            f"{operation_name}: invalid HTTP response from {url.host}: {exc.message}",
            operation_name=operation_name,
        ) from exc
