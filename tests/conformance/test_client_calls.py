"""Both oracles end to end: a call of the public client method, over real HTTP to the loopback
server (tests/conftest.py), sends what botocore's serializer sends and returns what botocore's
parser reads.

This is what the per-layer oracles cannot see: that each method passes every parameter on,
and that the bytes the transport sends and the response it reads are the codec's.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from botocore_oracle import (
    OPERATIONS,
    Operation,
    assert_sent_as_botocore_serializes,
    botocore_parse,
    botocore_request,
    comparable,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION
from shape_strategies import request_params, response_body, to_python_names
from support import LoopbackServer, raw_reply

from aws_mlops_async import Session

HEADERS = {"x-amzn-RequestId": "e2e-request-id", "Content-Type": "application/json"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
async def test_a_client_call_sends_and_reads_what_botocore_does(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    operation: Operation,
    data: st.DataObject,
) -> None:
    params = data.draw(request_params(operation), label="params")
    document = data.draw(response_body(operation, lenient=True), label="response")
    body = json.dumps(document).encode()
    status = operation.spec.success_status
    server.received.clear()
    server.default = raw_reply(body, status, HEADERS)
    async with make_session() as session:
        method = getattr(operation.client(session), operation.method_name)
        result = await method(**to_python_names(operation.model.input_shape, params))

    theirs = botocore_request(operation, params)
    [sent] = server.received
    assert_sent_as_botocore_serializes(sent, theirs)

    shape = operation.output_shape
    parsed = botocore_parse(operation, status, HEADERS, body)
    parsed.pop("ResponseMetadata")
    dumped = result.model_dump(by_alias=True, exclude_none=True)
    assert comparable(shape, dumped, ours=True) == comparable(shape, parsed, ours=False)
