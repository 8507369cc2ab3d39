"""Paginators: lazily fetched pages, items, full results, max_items and resume tokens."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aiohttp import web
from support import LoopbackServer

from aws_mlops_async import Session
from aws_mlops_async.pagination import PaginationConfig, PaginationError

IMAGE = "arn:aws:sagemaker:us-east-1:123456789012:image/img"


def version(number: int) -> dict[str, object]:
    return {
        "CreationTime": 1_700_000_000 + number,
        "LastModifiedTime": 1_700_000_000 + number,
        "ImageArn": IMAGE,
        "ImageVersionArn": f"arn:aws:sagemaker:us-east-1:123456789012:image-version/img/{number}",
        "ImageVersionStatus": "CREATED",
        "Version": number,
    }


def pager(server: LoopbackServer, total: int, default_page: int = 10) -> None:
    """Serve ListImageVersions over ``total`` versions, NextToken being the next offset."""

    async def reply(request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        start = int(body.get("NextToken", "0"))
        size = body.get("MaxResults", default_page)
        end = min(start + size, total)
        payload: dict[str, object] = {"ImageVersions": [version(n) for n in range(start, end)]}
        if end < total:
            payload["NextToken"] = str(end)
        return web.json_response(payload)

    server.default = reply


def sent(server: LoopbackServer) -> list[dict[str, object]]:
    return [received.json() for received in server.received]


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (10, 1), (11, 2), (35, 4)])
async def test_pages_and_items_cover_everything_once(
    server: LoopbackServer, make_session: Callable[..., Session], total: int, pages: int
) -> None:
    pager(server, total)
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        iterator = paginator.paginate(image_name="img", sort_by="VERSION")
        seen_pages = [page async for page in iterator]
        assert len(seen_pages) == pages
        numbers = [item.version async for item in paginator.paginate(image_name="img").items()]
    assert numbers == list(range(total))
    assert iterator.resume_token is None
    assert all(body["ImageName"] == "img" for body in sent(server))


async def test_page_size_maps_to_the_limit_key(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    pager(server, 7)
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        config = PaginationConfig(page_size=3)
        pages = [
            page async for page in paginator.paginate(image_name="img", pagination_config=config)
        ]
    assert [len(page.image_versions or []) for page in pages] == [3, 3, 1]
    assert [body.get("MaxResults") for body in sent(server)] == [3, 3, 3]
    assert [body.get("NextToken") for body in sent(server)] == [None, "3", "6"]


@pytest.mark.parametrize(("max_items", "page_size"), [(4, 3), (3, 3), (6, 3), (1, 10), (9, 4)])
async def test_max_items_stops_mid_page_and_the_resume_token_loses_and_repeats_nothing(
    server: LoopbackServer, make_session: Callable[..., Session], max_items: int, page_size: int
) -> None:
    total = 11
    pager(server, total)
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        collected: list[int] = []
        token: str | None = None
        rounds = 0
        while True:
            config = PaginationConfig(
                max_items=max_items, page_size=page_size, starting_token=token
            )
            iterator = paginator.paginate(image_name="img", pagination_config=config)
            batch = [item.version async for item in iterator.items()]
            assert len(batch) <= max_items
            collected.extend(batch)
            token = iterator.resume_token
            rounds += 1
            if token is None:
                break
            assert rounds < 20
    assert collected == list(range(total))
    assert rounds == -(-total // max_items)


async def test_build_full_result_gathers_items_and_returns_the_resume_token(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    pager(server, 25)
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        whole = await paginator.paginate(image_name="img").build_full_result()
        part = await paginator.paginate(
            image_name="img", pagination_config=PaginationConfig(max_items=12)
        ).build_full_result()
        rest = await paginator.paginate(
            image_name="img", pagination_config=PaginationConfig(starting_token=part.next_token)
        ).build_full_result()
    assert [v.version for v in whole.image_versions or []] == list(range(25))
    assert whole.next_token is None
    assert [v.version for v in part.image_versions or []] == list(range(12))
    assert part.next_token is not None
    assert [v.version for v in rest.image_versions or []] == list(range(12, 25))


async def test_breaking_out_early_sends_no_further_request(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    pager(server, 100)
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        async for page in paginator.paginate(image_name="img"):
            assert page.image_versions
            break
        async for item in paginator.paginate(image_name="img").items():
            assert item.version == 0
            break
        iterator = paginator.paginate(image_name="img")  # made but never iterated
    assert iterator.resume_token is None
    assert len(server.received) == 2


async def test_a_service_token_is_accepted_as_starting_token(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    pager(server, 15)
    async with make_session() as session:
        first = await session.sagemaker.list_image_versions(image_name="img", max_results=5)
        paginator = session.sagemaker.get_paginator("list_image_versions")
        config = PaginationConfig(starting_token=first.next_token)
        rest = [
            v.version
            async for v in paginator.paginate(image_name="img", pagination_config=config).items()
        ]
    assert rest == list(range(5, 15))


async def test_arguments_are_validated_when_paginate_is_called(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    from aws_mlops_async import ValidationError

    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        with pytest.raises(ValidationError) as caught:
            paginator.paginate(
                image_name="bad name!", pagination_config=PaginationConfig(page_size=500)
            )
    assert set(caught.value.fields) == {"image_name", "max_results"}
    assert server.received == []


async def test_a_token_sent_back_unchanged_stops_pagination(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def stuck(request: web.Request) -> web.StreamResponse:
        return web.json_response({"ImageVersions": [version(1)], "NextToken": "same"})

    server.default = stuck
    async with make_session() as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        with pytest.raises(PaginationError, match="same"):
            async for _ in paginator.paginate(image_name="img"):
                pass
    assert len(server.received) == 2


def test_pagination_config_checks_its_values() -> None:
    from aws_mlops_async import ConfigurationError

    for bad in ({"max_items": 0}, {"page_size": -1}, {"page_size": True}):
        with pytest.raises(ConfigurationError):
            PaginationConfig(**bad)  # type: ignore[arg-type]


def log_stream(server: LoopbackServer, lines: int, page: int = 4) -> None:
    """Serve GetLogEvents over one stream of ``lines`` events as CloudWatch Logs does: each
    page's forward token is ``f/<next index>``, and a caught-up read hands back its own token."""

    async def reply(request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        token = body.get("nextToken", "f/0")
        start = int(token.split("/")[1])
        end = min(start + body.get("limit", page), lines)
        events = [
            {"timestamp": n, "message": f"line {n}", "ingestionTime": n} for n in range(start, end)
        ]
        forward = f"f/{end}" if end > start else token
        return web.json_response(
            {"events": events, "nextForwardToken": forward, "nextBackwardToken": f"b/{start}"}
        )

    server.default = reply


async def test_a_log_stream_read_to_its_end_stops_where_it_caught_up(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    log_stream(server, 10)
    async with make_session() as session:
        paginator = session.logs.get_paginator("get_log_events")
        pages = paginator.paginate(log_group_name="g", log_stream_name="s", start_from_head=True)
        messages = [event.message async for event in pages.items()]
        assert messages == [f"line {n}" for n in range(10)]
        # 3 pages of events, then the caught-up page handing back its own token.
        assert [body.get("nextToken") for body in sent(server)] == [None, "f/4", "f/8", "f/10"]
        # What is written later is read from where the listing caught up.
        log_stream(server, 12)
        config = PaginationConfig(starting_token=pages.resume_token)
        later = paginator.paginate(
            log_group_name="g", log_stream_name="s", start_from_head=True, pagination_config=config
        )
        assert [event.message async for event in later.items()] == ["line 10", "line 11"]


async def test_only_the_log_stream_reader_takes_a_repeated_token_for_caught_up(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def stuck(request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        token = body.get("nextToken") or "first"
        return web.json_response({"logStreams": [{"logStreamName": "s"}], "nextToken": token})

    server.default = stuck
    async with make_session() as session:
        paginator = session.logs.get_paginator("describe_log_streams")
        with pytest.raises(PaginationError, match="first"):
            async for _ in paginator.paginate(log_group_name="g"):
                pass
    assert len(server.received) == 2


async def test_every_list_of_a_page_is_gathered_and_a_resumed_page_repeats_none(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def reply(request: web.Request) -> web.StreamResponse:
        second = json.loads(await request.read()).get("nextToken") == "2"
        events = [
            {"logStreamName": "s", "message": f"{'b' if second else 'a'}{n}"} for n in range(3)
        ]
        streams = [{"logStreamName": "b" if second else "a", "searchedCompletely": True}]
        page: dict[str, object] = {"events": events, "searchedLogStreams": streams}
        if not second:
            page["nextToken"] = "2"
        return web.json_response(page)

    server.default = reply
    async with make_session() as session:
        paginator = session.logs.get_paginator("filter_log_events")
        full = await paginator.paginate(log_group_name="g").build_full_result()
        assert [event.message for event in full.events or ()] == [
            "a0",
            "a1",
            "a2",
            "b0",
            "b1",
            "b2",
        ]
        assert [s.log_stream_name for s in full.searched_log_streams or ()] == ["a", "b"]
        first = paginator.paginate(
            log_group_name="g", pagination_config=PaginationConfig(max_items=2)
        )
        head = await first.build_full_result()
        resumed = paginator.paginate(
            log_group_name="g", pagination_config=PaginationConfig(starting_token=head.next_token)
        )
        rest = await resumed.build_full_result()
    assert [event.message for event in rest.events or ()] == ["a2", "b0", "b1", "b2"]
    # The first page's searched streams came with its first two events, not again.
    assert [s.log_stream_name for s in head.searched_log_streams or ()] == ["a"]
    assert [s.log_stream_name for s in rest.searched_log_streams or ()] == ["b"]
