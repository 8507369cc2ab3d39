"""Serialization oracle: for every operation, what we put on the wire is what botocore puts there.

The same hypothesis-generated parameters (valid per botocore's shapes) go to botocore's
serializer, wire-named, and through our own request path (`BaseClient._build`, then the
operation's codec), Python-named at the top as the client methods pass them and either way
below. Method, encoded path, query, headers and JSON body must agree.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from botocore_oracle import (
    OPERATIONS,
    Operation,
    assert_same_request,
    botocore_request,
    offline_session,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION, EACH_SITE
from shape_strategies import python_name, request_params, to_python_names

from aws_mlops_async.protocol import HttpRequest

SESSION = offline_session()


def our_request(operation: Operation, fields: dict[str, Any]) -> HttpRequest:
    client = operation.client(SESSION)
    request = client.build_request(operation.spec, fields)
    return client._codec.serialize(operation.spec, request)


@st.composite
def our_fields(draw: Any, operation: Operation, params: dict[str, Any]) -> dict[str, Any]:
    """The same parameters as a client method passes them: Python names at the top, and
    nested structures by wire names or by Python names."""
    shape = operation.model.input_shape
    fields = {}
    for name, value in params.items():
        member = shape.members[name]
        nested = to_python_names(member, value) if draw(st.booleans()) else value
        fields[python_name(name)] = nested
    return fields


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_requests_serialize_as_botocore_serializes_them(
    operation: Operation, data: st.DataObject
) -> None:
    params = data.draw(request_params(operation), label="params")
    theirs = botocore_request(operation, params)
    ours = our_request(operation, data.draw(our_fields(operation, params), label="fields"))
    assert_same_request(ours, theirs)


MUTATIONS = {
    "method": lambda r: dataclasses.replace(r, method="PATCH"),
    "path": lambda r: dataclasses.replace(r, path=r.path + "%2F"),
    "query": lambda r: dataclasses.replace(r, query="&".join(filter(None, [r.query, "x=1"]))),
    "header": lambda r: dataclasses.replace(r, headers={**r.headers, "X-Extra": "1"}),
    "body": lambda r: dataclasses.replace(
        r, body=json.dumps({**json.loads(r.body or b"{}"), "extra": 1}).encode()
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_SITE
@given(data=st.data())
def test_the_request_oracle_notices_any_difference(
    operation: Operation, mutation: str, data: st.DataObject
) -> None:
    params = data.draw(request_params(operation), label="params")
    theirs = botocore_request(operation, params)
    ours = our_request(operation, data.draw(our_fields(operation, params), label="fields"))
    with pytest.raises(AssertionError):
        assert_same_request(MUTATIONS[mutation](ours), theirs)
