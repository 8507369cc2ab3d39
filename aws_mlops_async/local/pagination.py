"""List pages with opaque next tokens: base64 of where the page ended and which query it was.

A token names the sort key of the last item returned, so items created or deleted between
pages neither repeat nor shift the rest; a token is only good for the query that made it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["InvalidToken", "page", "resume_at", "token_after"]

ItemT = TypeVar("ItemT")
SortKey = tuple[Any, ...]


class InvalidToken(ValueError):
    """A next token this emulator did not make for this query."""


def page(
    items: Iterable[ItemT],
    key: Callable[[ItemT], SortKey],
    *,
    descending: bool,
    limit: int,
    token: str | None,
    query: Mapping[str, Any],
) -> tuple[list[ItemT], str | None]:
    """One page of ``items`` in ``key`` order, after ``token``'s place; and the next token.

    ``key`` must be unique per item and JSON-safe (numbers and strings); ``query`` is every
    filter of the request, which a token is bound to.
    """
    ordered = sorted(items, key=key, reverse=descending)
    start = 0
    if token:
        after = resume_at(token, query)
        start = next(
            (
                index
                for index, item in enumerate(ordered)
                if (key(item) < after if descending else key(item) > after)
            ),
            len(ordered),
        )
    chunk = ordered[start : start + limit]
    if start + limit < len(ordered) and chunk:
        return chunk, token_after(key(chunk[-1]), query)
    return chunk, None


def token_after(after: SortKey, query: Mapping[str, Any]) -> str:
    """The next token of a listing filtered by ``query`` whose last item had sort key
    ``after`` (for a listing that walks its items itself rather than through `page`)."""
    text = json.dumps({"q": _fingerprint(query), "after": list(after)}, separators=(",", ":"))
    return base64.b64encode(text.encode()).decode()


def resume_at(token: str, query: Mapping[str, Any]) -> SortKey:
    """The sort key ``token`` says the listing goes on after; `InvalidToken` when the token is
    not one `token_after` made for ``query``."""
    fingerprint = _fingerprint(query)
    try:
        data = json.loads(base64.b64decode(token.encode(), validate=True))
    except (ValueError, binascii.Error):
        raise InvalidToken("The pagination token is not valid.") from None
    if not isinstance(data, dict) or not isinstance(data.get("after"), list):
        raise InvalidToken("The pagination token is not valid.")
    if data.get("q") != fingerprint:
        raise InvalidToken("The pagination token does not belong to this request's filters.")
    return tuple(data["after"])


def _fingerprint(query: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:16]
