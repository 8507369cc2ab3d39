"""Sensitive members never show in clear outside the wire: repr, str, model_dump() in every
mode, model_dump_json() with or without aliases, pickles and error text, for every request and
response of every operation. botocore's models say which members are sensitive; a value is
planted in each, and looked for everywhere but the wire form (where it must be).
"""

from __future__ import annotations

import itertools
import json
import pickle
from typing import Any

import pydantic
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore_oracle import OPERATIONS, Operation, offline_session
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION
from shape_strategies import request_params, response_body, to_python_names

from aws_mlops_async import ValidationError
from aws_mlops_async.modeling import parse_response, wire_json

_COUNTER = itertools.count()


def plant(shape: Shape, value: Any, planted: list[str]) -> Any:
    """``value`` with every sensitive string (and every key of a sensitive map) replaced by a
    unique marker, recorded in ``planted``."""
    if shape.metadata.get("sensitive") and isinstance(shape, MapShape):  # keys secret too
        marked = {}
        for _ in value or {"k": "v"}:
            key, item = f"SECRETKEY{next(_COUNTER)}", f"SECRETVALUE{next(_COUNTER)}"
            planted += [key, item]
            marked[key] = item
        return marked
    if shape.metadata.get("sensitive") and shape.type_name == "string":
        marker = f"SECRETSTRING{next(_COUNTER)}"
        planted.append(marker)
        return marker
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            name: plant(shape.members[name], item, planted) if name in shape.members else item
            for name, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [plant(shape.member, item, planted) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: plant(shape.value, item, planted) for key, item in value.items()}
    return value


def has_sensitive(shape: Shape, seen: frozenset[str] = frozenset()) -> bool:
    if shape.metadata.get("sensitive"):
        return True
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if isinstance(shape, StructureShape):
        return any(has_sensitive(member, seen) for member in shape.members.values())
    if isinstance(shape, ListShape):
        return has_sensitive(shape.member, seen)
    if isinstance(shape, MapShape):
        return has_sensitive(shape.key, seen) or has_sensitive(shape.value, seen)
    return False


def shown_outside_the_wire(model: pydantic.BaseModel) -> str:
    """Every way a model is shown or leaves the process, but the wire form."""
    return "\n".join(
        [
            repr(model),
            str(model),
            str(model.model_dump()),
            str(model.model_dump(by_alias=True)),
            json.dumps(model.model_dump(mode="json")),
            json.dumps(model.model_dump(mode="json", by_alias=True)),
            model.model_dump_json(),
            model.model_dump_json(by_alias=True),
            repr(pickle.dumps(model)),
            repr(pickle.loads(pickle.dumps(model))),
        ]
    )


def assert_only_on_the_wire(model: pydantic.BaseModel, planted: list[str]) -> None:
    shown, wire = shown_outside_the_wire(model), wire_json(model).decode()
    for marker in planted:
        assert marker not in shown, marker
        assert marker in wire, marker


REQUESTS = [op for op in OPERATIONS if has_sensitive(op.model.input_shape)]
RESPONSES = [
    op for op in OPERATIONS if op.model.output_shape and has_sensitive(op.model.output_shape)
]


def test_the_sensitive_members_are_found() -> None:
    # DataZone's notebook runs carry sensitive parameters and metadata both ways.
    assert "StartNotebookRun" in {op.name for op in REQUESTS}
    assert {"GetNotebookRun", "StartNotebookRun"} <= {op.name for op in RESPONSES}


@pytest.mark.parametrize("operation", REQUESTS, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_a_request_shows_its_secrets_only_on_the_wire(
    operation: Operation, data: st.DataObject
) -> None:
    planted: list[str] = []
    shape = operation.model.input_shape
    params = plant(shape, data.draw(request_params(operation), label="params"), planted)
    client = operation.client(offline_session())
    request = client.build_request(operation.spec, to_python_names(shape, params))
    assert_only_on_the_wire(request, planted)


@pytest.mark.parametrize("operation", RESPONSES, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_a_response_shows_its_secrets_only_on_the_wire(
    operation: Operation, data: st.DataObject
) -> None:
    planted: list[str] = []
    shape = operation.output_shape
    document = plant(shape, data.draw(response_body(operation), label="body"), planted)
    response = parse_response(operation.spec.output, json.dumps(document).encode())
    assert_only_on_the_wire(response, planted)


@pytest.mark.parametrize("operation", REQUESTS, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_a_refused_request_never_shows_a_secret_in_its_error(
    operation: Operation, data: st.DataObject
) -> None:
    planted: list[str] = []
    shape = operation.model.input_shape
    params = plant(shape, data.draw(request_params(operation), label="params"), planted)
    maps = [
        name
        for name, member in shape.members.items()
        if isinstance(member, MapShape) and has_sensitive(member)
    ]
    assert maps, "no sensitive map to overfill"
    for name in maps:  # an entry out of bounds in each map holding secrets
        member = shape.members[name]
        assert isinstance(member, MapShape)
        key = "SECRETKEYLONG" * 20 if member.metadata.get("sensitive") else "key" * 60
        params[name] = {**params.get(name, {}), key: "SECRETLONG" * 200}
    planted += ["SECRETLONG", "SECRETKEYLONG"]
    fields = to_python_names(shape, params)
    with pytest.raises(ValidationError) as caught:  # the library's, from the constructor
        operation.spec.input(**fields)
    error = caught.value
    text = str(error) + repr(error) + str(error.problems)
    for marker in planted:
        assert marker not in text, marker
    assert "items" not in str(error).replace("entries", ""), str(error)  # characters
