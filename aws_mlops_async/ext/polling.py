"""What every long wait of the extensions shares: which failures it outlasts, when it gives up,
the times it takes, and running a few requests at once with nothing left behind."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import TypeVar

from ..arguments import positive_number
from ..errors import ConfigurationError, ServiceError, TransportError
from ..patience import Patience

__all__ = [
    "GIVE_UP_AFTER",
    "MAX_EPOCH_SECONDS",
    "MAX_POLL_INTERVAL",
    "REFUSALS",
    "Patience",
    "epoch_milliseconds",
    "gather_all",
    "passing",
]

T = TypeVar("T")
ItemT = TypeVar("ItemT")

#: Seconds without an answer from the service after which a wait gives up, by default.
GIVE_UP_AFTER = 900.0
#: The longest poll interval, in seconds (a day).
MAX_POLL_INTERVAL = 86_400.0
#: The latest time taken, in epoch seconds (the year 9999).
MAX_EPOCH_SECONDS = 253_402_300_799.0
#: Codes (besides HTTP 401 and 403) that say the caller may not do this: they end a wait.
REFUSALS = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "ExpiredToken",
        "ExpiredTokenException",
        "NotAuthorized",
        "UnauthorizedOperation",
    }
)


def passing(error: ServiceError | TransportError) -> bool:
    """Whether the failure is one a wait outlasts (a lost connection, a 5xx, throttling),
    not the service refusing the caller."""
    if isinstance(error, TransportError):
        return True
    if error.status_code in (401, 403) or error.code in REFUSALS:
        return False
    return error.retryable or error.status_code >= 500


def epoch_milliseconds(name: str, value: object) -> int:
    """``value`` (epoch seconds or an aware datetime) in epoch milliseconds, as AWS's time
    filters take it; a `ConfigurationError` naming ``name`` for anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ConfigurationError(f"{name} must be a timezone-aware datetime")
        return int(value.timestamp() * 1000)
    seconds = positive_number(name, value, maximum=MAX_EPOCH_SECONDS)
    return int(seconds * 1000)


async def gather_all(
    run: Callable[[ItemT], Awaitable[T]], items: Iterable[ItemT], *, at_once: int
) -> list[T]:
    """``run`` of every item, at most ``at_once`` in flight, in the items' order; when one
    fails (or the caller is cancelled) the others are cancelled and awaited before it raises,
    so nothing outlives the call."""
    limit = asyncio.Semaphore(at_once)

    async def one(item: ItemT) -> T:
        async with limit:
            return await run(item)

    running = [asyncio.ensure_future(one(item)) for item in items]
    try:
        return list(await asyncio.gather(*running))
    except BaseException:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        raise
