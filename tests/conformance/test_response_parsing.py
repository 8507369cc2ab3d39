"""Response oracle: for every operation, we read a response body to the values botocore reads.

Bodies are generated from botocore's output shapes and written as the service writes them
(JSON, wire names, timestamps as epoch seconds). Besides modeled bodies, "with-unknowns" bodies
carry what AWS may add after our model was generated: unknown members (our Python names among
them, which are not wire names), enum values outside the model, strings outside their bounds
and JSON nulls; we must read them as botocore does, neither failing nor inventing values.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore_oracle import (
    OPERATIONS,
    Operation,
    botocore_parse,
    comparable,
    offline_session,
    paginator_configs,
    primary_result_key,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION, EACH_SITE
from multidict import CIMultiDict
from shape_strategies import Builder, response_body

from aws_mlops_async.protocol import HttpResponse

SESSION = offline_session()
HEADERS = {"x-amzn-RequestId": "0b7c1a2e-rid", "Content-Type": "application/json"}


def parse_ours(operation: Operation, body: bytes) -> Any:
    client = operation.client(SESSION)
    response = HttpResponse(operation.spec.success_status, CIMultiDict(HEADERS), body)
    return client._parse(operation.spec, response)


def parse_theirs(operation: Operation, body: bytes) -> dict[str, Any]:
    parsed = botocore_parse(operation, operation.spec.success_status, HEADERS, body)
    parsed.pop("ResponseMetadata")
    return parsed


def assert_same_values(operation: Operation, body: bytes) -> None:
    shape = operation.output_shape
    ours = parse_ours(operation, body)
    assert isinstance(ours, operation.spec.output)
    theirs = parse_theirs(operation, body)
    dumped = ours.model_dump(by_alias=True, exclude_none=True)
    assert comparable(shape, dumped, ours=True) == comparable(shape, theirs, ours=False)


@pytest.mark.parametrize("lenient", [False, True], ids=["modeled", "with-unknowns"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_responses_parse_as_botocore_parses_them(
    operation: Operation, lenient: bool, data: st.DataObject
) -> None:
    document = data.draw(response_body(operation, lenient=lenient), label="document")
    assert_same_values(operation, json.dumps(document).encode())


@pytest.mark.parametrize(
    "operation",
    [operation for operation in OPERATIONS if not operation.output_shape.required_members],
    ids=str,
)
@pytest.mark.parametrize("body", [b"", b"{}"], ids=["no-body", "empty-object"])
def test_an_empty_body_reads_as_botocore_reads_it(operation: Operation, body: bytes) -> None:
    assert_same_values(operation, body)


@pytest.mark.parametrize(
    "operation",
    [operation for operation in OPERATIONS if operation.output_shape.members],
    ids=str,
)
@EACH_SITE
@given(data=st.data())
def test_the_response_oracle_notices_a_changed_value(
    operation: Operation, data: st.DataObject
) -> None:
    """The comparison is not vacuous: botocore's reading of a body against ours of the same
    body with one modeled member set differently fails it."""
    shape = operation.output_shape
    name = data.draw(st.sampled_from(sorted(shape.members)), label="member")
    builder = Builder(operation.service, response=True)
    document = data.draw(builder.value(shape, force=(name,)), label="document")
    other = data.draw(builder.value(shape, force=(name,)), label="other")
    changed = json.dumps({**document, name: other[name]}).encode()
    body = json.dumps(document).encode()
    assume(parse_theirs(operation, changed) != parse_theirs(operation, body))
    dumped = parse_ours(operation, changed).model_dump(by_alias=True, exclude_none=True)
    assert comparable(shape, dumped, ours=True) != comparable(
        shape, parse_theirs(operation, body), ours=False
    )


def _with_unknown_member_everywhere(shape: Shape, value: Any) -> Any:
    """The document with a member no model has on every structure in it, as AWS adds them."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        known = {
            name: _with_unknown_member_everywhere(shape.members[name], item)
            for name, item in value.items()
        }
        return {**known, "AddedNextYear": {"Kind": "new", "Since": 1767225600}}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_with_unknown_member_everywhere(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {
            key: _with_unknown_member_everywhere(shape.value, item) for key, item in value.items()
        }
    return value


@pytest.mark.parametrize(
    "operation",
    [
        operation
        for operation in OPERATIONS
        if operation.name in paginator_configs(operation.service)
    ],
    ids=str,
)
@EACH_OPERATION
@given(data=st.data())
def test_a_page_whose_every_item_has_an_unknown_member_reads_as_botocore_reads_it(
    operation: Operation, data: st.DataObject
) -> None:
    result_key = primary_result_key(paginator_configs(operation.service)[operation.name])
    item = operation.output_shape.members[result_key].member
    builder = Builder(operation.service, response=True)
    items = data.draw(st.lists(builder.value(item), min_size=1, max_size=5), label="items")
    document = data.draw(response_body(operation), label="document")
    document[result_key] = items
    document = _with_unknown_member_everywhere(operation.output_shape, document)
    assert_same_values(operation, json.dumps(document).encode())
