"""What the SageMaker handlers share: its error codes, time-window filters, and one page of a
listing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from ...errors import LocalError
from ...pagination import InvalidToken, page
from ..base import ErrorCode

__all__ = ["IN_USE", "NOT_FOUND", "VALIDATION", "listed", "token_conflict", "within"]

NOT_FOUND = ErrorCode("ResourceNotFound", 400)
IN_USE = ErrorCode("ResourceInUse", 400)
VALIDATION = ErrorCode("ValidationException", 400)

_DEFAULT_PAGE = 10
# A time read from an answer comes back in a filter up to half a microsecond off (the wire's
# float seconds, then a datetime's microseconds): a bound this close still counts as equal.
_SAME_TIME = 1e-6
ItemT = TypeVar("ItemT")


def within(value: float, after: datetime | None, before: datetime | None) -> bool:
    """Whether ``value`` (epoch seconds) is on or after ``after`` and on or before ``before``,
    to the microsecond (a time an answer gave, sent back, matches itself)."""
    return (after is None or value >= after.timestamp() - _SAME_TIME) and (
        before is None or value <= before.timestamp() + _SAME_TIME
    )


def listed(
    items: Iterable[ItemT],
    key: Callable[[ItemT], tuple[Any, ...]],
    *,
    descending: bool,
    max_results: int | None,
    next_token: str | None,
    query: Mapping[str, Any],
) -> tuple[list[ItemT], str | None]:
    """One page of a listing (10 items unless ``max_results`` says) and the next token; a
    token not made for ``query`` is a ValidationException."""
    try:
        return page(
            items,
            key,
            descending=descending,
            limit=max_results or _DEFAULT_PAGE,
            token=next_token,
            query=query,
        )
    except InvalidToken as error:
        raise VALIDATION.error(str(error)) from None


def token_conflict(operation: str, token: str) -> LocalError:
    """SageMaker's answer to a client token reused with other parameters."""
    return IN_USE.error(
        f"ClientToken {token} was already used by a {operation} request with other parameters."
    )
