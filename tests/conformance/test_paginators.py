"""Paginator oracle: every generated paginator follows botocore's paginators-1.json.

Over real HTTP to the loopback server, a paginator asked for pages of a given size sends the
request botocore's serializer sends with the page size in the limit key, then the same request
with the first page's output token in the input token, stops after the page with no token, and
reads each page as botocore's parser reads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore_oracle import (
    OPERATIONS,
    Operation,
    assert_sent_as_botocore_serializes,
    botocore_parse,
    botocore_request,
    comparable,
    paginator_configs,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION
from shape_strategies import request_params, response_body, to_python_names
from support import LoopbackServer, raw_reply

from aws_mlops_async import PaginationConfig, Session

HEADERS = {"x-amzn-RequestId": "paging-request-id", "Content-Type": "application/json"}
PAGE_SIZE = 7
#: The first page's token: base64, as services hand tokens out, which every paginated
#: operation's input token takes (Lookout for Vision's is ``[a-zA-Z0-9/+=]{0,2048}``).
NEXT = "cGFnZS0y"

PAGINATED = tuple(
    (operation, paginator_configs(operation.service)[operation.name])
    for operation in OPERATIONS
    if operation.name in paginator_configs(operation.service)
)


def test_the_scripted_token_is_one_every_input_token_takes() -> None:
    for operation, config in PAGINATED:
        member = operation.model.input_shape.members[config["input_token"]]
        pattern = member.metadata.get("pattern", ".*")
        assert re.fullmatch(pattern.strip("^$"), NEXT), (operation, pattern)
        assert member.metadata.get("min", 0) <= len(NEXT) <= member.metadata.get("max", 2048)


def test_every_paginated_operation_has_a_paginator() -> None:
    for operation, _ in PAGINATED:
        client = operation.client(Session(region_name="us-east-1"))
        assert client.get_paginator(operation.method_name) is not None, operation


@pytest.mark.parametrize(("operation", "config"), PAGINATED, ids=[str(op) for op, _ in PAGINATED])
@EACH_OPERATION
@given(data=st.data())
async def test_pages_are_requested_and_read_as_botocore_pages(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    operation: Operation,
    config: dict[str, Any],
    data: st.DataObject,
) -> None:
    input_token, output_token = config["input_token"], config["output_token"]
    limit_key = config.get("limit_key")
    params = data.draw(request_params(operation), label="params")
    for paging_member in (input_token, limit_key):
        params.pop(paging_member, None)
    first = data.draw(response_body(operation), label="first page")
    last = data.draw(response_body(operation), label="last page")
    first[output_token] = NEXT
    last.pop(output_token, None)
    bodies = [json.dumps(page).encode() for page in (first, last)]
    server.received.clear()
    server.script = [raw_reply(body, operation.spec.success_status, HEADERS) for body in bodies]

    paging = PaginationConfig(page_size=PAGE_SIZE) if limit_key else None
    async with make_session() as session:
        paginator = operation.client(session).get_paginator(operation.method_name)
        fields = to_python_names(operation.model.input_shape, params)
        pages = [page async for page in paginator.paginate(**fields, pagination_config=paging)]

    sizing = {limit_key: PAGE_SIZE} if limit_key else {}
    expected = [
        botocore_request(operation, {**params, **sizing}),
        botocore_request(operation, {**params, **sizing, input_token: NEXT}),
    ]
    assert len(server.received) == len(pages) == 2
    for sent, theirs in zip(server.received, expected, strict=True):
        assert_sent_as_botocore_serializes(sent, theirs)
    shape = operation.output_shape
    for page, body in zip(pages, bodies, strict=True):
        parsed = botocore_parse(operation, operation.spec.success_status, HEADERS, body)
        parsed.pop("ResponseMetadata")
        dumped = page.model_dump(by_alias=True, exclude_none=True)
        assert comparable(shape, dumped, ours=True) == comparable(shape, parsed, ours=False)
