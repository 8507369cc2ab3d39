"""What the Batch handlers share: its client error, epoch milliseconds, the lookup of a job
queue by name or ARN, and one page of a listing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from ...errors import LocalError
from ...pagination import InvalidToken, page
from ...state import BatchResourceRecord
from ..base import Call, ErrorCode

__all__ = ["CLIENT", "find", "listed", "ms", "queue_arn", "token_conflict"]

CLIENT = ErrorCode("ClientException", 400)
"""Batch's answer to any request it refuses."""

_DEFAULT_PAGE = 100
ItemT = TypeVar("ItemT")


def ms(epoch: float | None) -> int | None:
    """Epoch seconds as the epoch milliseconds Batch sends."""
    return None if epoch is None else int(epoch * 1000)


def queue_arn(call: Call, queue: str) -> str:
    """The ARN of a job queue given by name or ARN."""
    return queue if queue.startswith("arn:") else call.arn("batch", f"job-queue/{queue}")


def find(
    call: Call, records: Mapping[str, BatchResourceRecord], name_or_arn: str
) -> BatchResourceRecord | None:
    """The resource called ``name_or_arn`` (a name or an ARN), unless it is deleted."""
    record = records.get(name_or_arn)
    if record is None and name_or_arn.startswith("arn:"):
        record = next((r for r in records.values() if r.arn == name_or_arn), None)
    if record is None or record.status(call.now) == "DELETED":
        return None
    return record


def listed(
    items: Iterable[ItemT],
    key: Callable[[ItemT], tuple[Any, ...]],
    *,
    max_results: int | None,
    next_token: str | None,
    query: Mapping[str, Any],
    descending: bool = False,
) -> tuple[list[ItemT], str | None]:
    """One page of a listing and the next token; a token not made for ``query`` is a
    ClientException."""
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
        raise CLIENT.error(str(error)) from None


def token_conflict(operation: str, token: str) -> LocalError:
    """Batch's answer to a client token reused with other parameters."""
    return CLIENT.error(
        f"clientToken {token} was already used by a {operation} request with other parameters."
    )
