"""What every long wait of the extensions shares: which failures it outlasts, when it gives up,
the times it takes, and running a few requests at once with nothing left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from contextlib import aclosing
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..arguments import positive_number
from ..errors import ConfigurationError, ServiceError, TransportError
from ..modeling import AwsModel
from ..pagination import PageIterator, PaginationError
from ..patience import Patience

if TYPE_CHECKING:
    from ..invoker import Invoker

__all__ = [
    "GIVE_UP_AFTER",
    "MAX_EPOCH_SECONDS",
    "MAX_PAGES_PER_LOOK",
    "MAX_POLL_INTERVAL",
    "REFUSALS",
    "Patience",
    "epoch_milliseconds",
    "gather_all",
    "one_look",
    "passing",
    "pause",
]

T = TypeVar("T")
PageT = TypeVar("PageT", bound=AwsModel)
ItemT = TypeVar("ItemT")

#: Seconds without an answer from the service after which a wait gives up, by default.
GIVE_UP_AFTER = 900.0
#: The most pages of a listing one look of a wait reads (a watch's queue, 100,000 jobs; a log
#: follower's streams) before it takes the listing's tokens as never ending.
MAX_PAGES_PER_LOOK = 1_000
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


async def pause(client: object, seconds: float) -> None:
    """Wait ``seconds`` between looks with the pause of ``client``'s Session, which ends at
    once with `SessionClosedError` when the Session closes meanwhile (as a call's back-off
    does), so a wait ends with its Session; a plain sleep for a client without a Session."""
    session_pause = getattr(getattr(client, "session", None), "pause", None)
    if session_pause is None:
        await asyncio.sleep(seconds)
    else:
        await session_pause(seconds)


async def one_look(
    pages: PageIterator[PageT, Any], listing: str, patience: Patience, client: Invoker
) -> AsyncGenerator[PageT, None]:
    """The pages of one look at a listing (``listing`` names it: its operation first), each
    awaited `Patience.within` give_up_after; more than `MAX_PAGES_PER_LOOK` of them end the
    look with `PaginationError`, as do the paginator's own bounds."""
    operation = listing.split()[0]
    read = 0
    async with aclosing(aiter(pages)) as reading:
        while True:
            try:
                page = await patience.within(anext(reading), operation, client)
            except StopAsyncIteration:
                return
            read += 1
            if read > MAX_PAGES_PER_LOOK:
                raise PaginationError(
                    f"{listing} went on for more than {MAX_PAGES_PER_LOOK:,} pages in one look: "
                    "its next tokens may never end"
                )
            yield page


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
