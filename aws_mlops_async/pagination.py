"""One generic paginator: pages as an async generator, with boto3's max_items / resume semantics."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .arguments import positive_int, text
from .errors import AwsError, ConfigurationError
from .invoker import Invoker
from .modeling import AwsModel
from .protocol.spec import OperationSpec

__all__ = [
    "FULL_RESULT_LIMIT",
    "MAX_EMPTY_PAGES",
    "PageIterator",
    "PaginationConfig",
    "PaginationError",
    "Paginator",
    "PaginatorSpec",
]

#: The most items `PageIterator.build_full_result` gathers without ``max_items``.
FULL_RESULT_LIMIT = 100_000
#: The most pages in a row without an item (each with a next token) `PageIterator.items` and
#: `PageIterator.build_full_result` read: past it the listing is taken as one that never ends.
MAX_EMPTY_PAGES = 1_000

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)
ItemT = TypeVar("ItemT")


class PaginationError(AwsError):
    """A listing that would never end: the service handed back a token it had handed out
    before in the same listing (A, B, A...), `build_full_result` would gather more than
    `FULL_RESULT_LIMIT` items, or `items` or `build_full_result` met more than
    `MAX_EMPTY_PAGES` pages in a row without an item."""


@dataclass(frozen=True)
class PaginationConfig:
    """How much to fetch: ``max_items`` in all, ``page_size`` per request, where to resume."""

    max_items: int | None = None
    page_size: int | None = None
    starting_token: str | None = None

    def __post_init__(self) -> None:
        positive_int("PaginationConfig.max_items", self.max_items, optional=True)
        positive_int("PaginationConfig.page_size", self.page_size, optional=True)
        # Kept as a plain str: a listing hashes the tokens it has seen.
        token = text("PaginationConfig.starting_token", self.starting_token, optional=True)
        object.__setattr__(self, "starting_token", token)


@dataclass(frozen=True)
class PaginatorSpec(Generic[RequestT, ResponseT]):
    """Which fields of a list operation carry the page token, the page size and the items."""

    operation: OperationSpec[RequestT, ResponseT]
    input_token: str
    output_token: str
    #: The items, counted against ``max_items``.
    result_key: str
    limit_key: str | None = None
    #: Other lists of each page, gathered by ``build_full_result`` too.
    more_result_keys: tuple[str, ...] = ()
    #: The service hands back the token it was sent when there is nothing more yet (a log
    #: stream read forward): that ends the listing, where any other repeat is a loop.
    last_page_has_previous_token: bool = False


def _encode_resume_token(service_token: str | None, skip: int) -> str:
    text = json.dumps({"token": service_token, "skip": skip}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode_resume_token(token: str | None) -> tuple[str | None, int]:
    """A resume token of ours, or else a service NextToken taken as is."""
    if not token:
        return None, 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error):
        return token, 0
    if (
        isinstance(data, dict)
        and set(data) == {"token", "skip"}
        and (data["token"] is None or isinstance(data["token"], str))
        and type(data["skip"]) is int
    ):
        return data["token"], max(0, data["skip"])
    return token, 0


class PageIterator(Generic[ResponseT, ItemT]):
    """Pages of a list operation, fetched one at a time as you iterate (``async for page in it``).

    ``items()`` iterates the items of every page; ``build_full_result()`` gathers them into
    one response; both give up with `PaginationError` after `MAX_EMPTY_PAGES` pages in a row
    without an item (read page by page, every page is yours to stop at). After iteration
    stops at ``max_items``, ``resume_token`` resumes at the very next item (pass it as
    ``starting_token``), and is None once everything was read; a listing that caught up with
    a log stream (GetLogEvents) keeps one that reads what comes after, later.
    """

    def __init__(
        self,
        client: Invoker,
        spec: PaginatorSpec[Any, ResponseT],
        request: AwsModel,
        config: PaginationConfig,
    ) -> None:
        self._client = client
        self._spec = spec
        self._request = request
        self._config = config
        self.resume_token: str | None = None

    def __aiter__(self) -> AsyncGenerator[ResponseT, None]:
        return self._pages()

    async def _pages(self) -> AsyncGenerator[ResponseT, None]:
        spec = self._spec
        token, skip = _decode_resume_token(self._config.starting_token)
        remaining = self._config.max_items
        seen = {token}  # every token this listing sent: one handed back again would loop
        given = token is not None  # the caller's starting token is validated, as any field
        while True:
            request = self._request.model_copy(update={spec.input_token: token})
            page = await self._client.invoke(spec.operation, request, validated=not given)
            given = False  # the service's own tokens go back as they came
            items = list(getattr(page, spec.result_key) or [])[skip:]
            next_token = getattr(page, spec.output_token)
            caught_up = spec.last_page_has_previous_token and next_token == token
            if remaining is not None and len(items) >= remaining:
                if len(items) > remaining:
                    self.resume_token = _encode_resume_token(token, skip + remaining)
                else:
                    self.resume_token = _encode_resume_token(next_token, 0) if next_token else None
                yield self._trimmed(page, items[:remaining], skip)
                return
            yield self._trimmed(page, items, skip) if skip else page
            if remaining is not None:
                remaining -= len(items)
            if caught_up:
                # Everything there is was read; the token reads what comes after, later.
                self.resume_token = _encode_resume_token(next_token, 0)
                return
            if not next_token:
                self.resume_token = None
                return
            if next_token in seen:
                raise PaginationError(
                    f"{spec.operation.name} handed back a next token it had handed out before "
                    f"in this listing ({_shown(next_token)}): its pages would never end"
                )
            seen.add(next_token)
            token, skip = next_token, 0

    def _trimmed(self, page: ResponseT, items: list[Any], skip: int) -> ResponseT:
        """The page with only ``items``; a resumed page's other lists were read before it
        was cut, so they are left out."""
        update: dict[str, Any] = {self._spec.result_key: items}
        if skip:
            update.update({key: [] for key in self._spec.more_result_keys})
        return page.model_copy(update=update)

    async def items(self) -> AsyncGenerator[ItemT, None]:
        """Every item of every page, fetching pages only as they are needed."""
        async with aclosing(self._bounded()) as pages:
            async for page in pages:
                for item in getattr(page, self._spec.result_key) or ():
                    yield item

    async def build_full_result(self) -> ResponseT:
        """All items gathered in one response; its next token is `resume_token`.

        Without ``max_items``, at most `FULL_RESULT_LIMIT` items are gathered, and at most
        `MAX_EMPTY_PAGES` pages in a row without one are read: a listing holding more raises
        `PaginationError` (pass ``max_items``, or iterate the pages), so memory and time stay
        bounded.
        """
        spec = self._spec
        limit = self._config.max_items or FULL_RESULT_LIMIT
        gathered: dict[str, list[Any]] = {
            key: [] for key in (spec.result_key, *spec.more_result_keys)
        }
        last: ResponseT | None = None
        async with aclosing(self._bounded()) as pages:
            async for page in pages:
                for key, values in gathered.items():
                    values.extend(getattr(page, key) or ())
                if len(gathered[spec.result_key]) > limit:
                    raise PaginationError(
                        f"{spec.operation.name} lists more than {limit:,} items: gathering "
                        "them all would hold them in memory at once; pass "
                        "PaginationConfig(max_items=...) or iterate the pages instead"
                    )
                last = page
        if last is None:  # pragma: no cover - a list call always yields its first page
            raise AssertionError("no page was fetched")
        return last.model_copy(update={**gathered, spec.output_token: self.resume_token})

    async def _bounded(self) -> AsyncGenerator[ResponseT, None]:
        """The pages, ending with `PaginationError` after `MAX_EMPTY_PAGES` in a row without
        an item: a reader of items has no page of its own to stop at."""
        empty = 0
        async with aclosing(self._pages()) as pages:
            async for page in pages:
                empty = 0 if getattr(page, self._spec.result_key) else empty + 1
                if empty > MAX_EMPTY_PAGES:
                    raise PaginationError(
                        f"{self._spec.operation.name} handed back more than "
                        f"{MAX_EMPTY_PAGES:,} pages in a row without an item, each with a next "
                        "token: its pages may never end (iterate the pages to read on)"
                    )
                yield page


def _shown(token: str) -> str:
    return repr(token) if len(token) <= 40 else repr(token[:37] + "...")


class Paginator(Generic[ResponseT, ItemT]):
    """Base of the typed paginators ``client.get_paginator(name)`` returns."""

    def __init__(self, client: Invoker, spec: PaginatorSpec[Any, ResponseT]) -> None:
        self._client = client
        self._spec = spec

    def _paginate(
        self, params: Mapping[str, Any], pagination_config: PaginationConfig | None
    ) -> PageIterator[ResponseT, ItemT]:
        if pagination_config is not None and not isinstance(pagination_config, PaginationConfig):
            raise ConfigurationError(
                "pagination_config must be a PaginationConfig, not "
                f"{type(pagination_config).__name__}"
            )
        config = pagination_config or PaginationConfig()
        fields = {name: value for name, value in params.items() if value is not None}
        if self._spec.limit_key is not None and config.page_size is not None:
            fields[self._spec.limit_key] = config.page_size
        # Validated now, so a bad argument fails here rather than at the first page.
        request = self._client.build_request(self._spec.operation, fields)
        return PageIterator(self._client, self._spec, request, config)
