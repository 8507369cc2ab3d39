"""What the Batch handlers share: its client error, the names and ARNs it takes, epoch
milliseconds, the lookup of a job queue by name or ARN, and one page of a listing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from ...errors import LocalError
from ...pagination import InvalidToken, page
from ...state import BatchResourceRecord
from ..base import Call, ErrorCode

__all__ = [
    "CLIENT",
    "check_arn",
    "check_name",
    "check_reference",
    "find",
    "listed",
    "ms",
    "queue_arn",
    "token_conflict",
]

CLIENT = ErrorCode("ClientException", 400)
"""Batch's answer to any request it refuses."""

_DEFAULT_PAGE = 100
ItemT = TypeVar("ItemT")

_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}", re.ASCII)
_NAME_RULE = "1 to 128 letters, digits, hyphens and underscores"
_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:batch:[a-z0-9-]+:\d{12}:(?P<resource>[a-z-]+)/(?P<names>.+)", re.ASCII
)
_WHAT = {
    "job-queue": "job queue",
    "service-environment": "service environment",
    "quota-share": "quota share",
}


def check_name(value: str, member: str, resource: str) -> None:
    """Refuse a name Batch refuses for ``resource`` (``job-queue``...) in ``member``, as it
    documents its names: up to 128 letters, digits, hyphens and underscores."""
    if not _NAME.fullmatch(value):
        raise CLIENT.error(
            f"{member} {_quoted(value)} is not a valid {_WHAT[resource]} name: it is {_NAME_RULE}."
        )


def check_reference(value: str, member: str, resource: str) -> None:
    """Refuse what is neither a name of ``resource`` (`check_name`) nor one of its ARNs
    (``arn:aws:batch:<region>:<account>:<resource>/<name>``), as Batch refuses it."""
    if not (_NAME.fullmatch(value) or _is_arn(value, resource, names=1)):
        raise CLIENT.error(
            f"{member} {_quoted(value)} is not a {_WHAT[resource]} name or ARN: a name is "
            f"{_NAME_RULE}, or an ARN arn:aws:batch:<region>:<account>:{resource}/<name>."
        )


def check_arn(value: str, member: str, resource: str, names: int) -> None:
    """Refuse what is not an ARN of ``resource`` ending in ``names`` valid names separated by
    slashes (a quota share's: ``quota-share/<queue>/<share>``)."""
    if not _is_arn(value, resource, names=names):
        pattern = "/".join(["<name>"] * names)
        raise CLIENT.error(
            f"{member} {_quoted(value)} is not a {_WHAT[resource]} ARN: "
            f"arn:aws:batch:<region>:<account>:{resource}/{pattern}, each name {_NAME_RULE}."
        )


def _is_arn(value: str, resource: str, *, names: int) -> bool:
    matched = _ARN.fullmatch(value)
    if matched is None or matched["resource"] != resource:
        return False
    parts = matched["names"].split("/")
    return len(parts) == names and all(_NAME.fullmatch(part) for part in parts)


def _quoted(value: str, limit: int = 160) -> str:
    """``value`` in quotes for a message, cut short when long."""
    return f"'{value[:limit]}...'" if len(value) > limit else f"'{value}'"


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
