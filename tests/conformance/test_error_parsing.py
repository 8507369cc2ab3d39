"""Error oracle: an error response gives the code, message and request id botocore's parser
gives, and the exception class modeled for that code (`client.exceptions.<Name>`).

Codes come in every form the JSON protocols use: restJson's ``x-amzn-ErrorType`` header (any
case) or ``code``/``Code``/``__type`` body members, awsJson's ``__type``; each with or without
a Smithy namespace (``aws.protocols#``, ``com.amazonaws.<service>#``) and a ``:``-suffix.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.parsers import create_parser
from botocore_oracle import OPERATIONS, Operation, botocore_parse, comparable, offline_session
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION
from multidict import CIMultiDict
from shape_strategies import Builder, request_params, to_python_names

from aws_mlops_async import Config, ServiceError, Session
from aws_mlops_async.protocol import HttpResponse, read_error

SESSION = offline_session()
REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
UNMODELED = st.from_regex(r"[A-Z][A-Za-z]{0,24}(Exception|Error|Fault)?", fullmatch=True)


def modeled_codes(operation: Operation) -> list[tuple[str, int]]:
    """The operation's modeled errors: each one's code on the wire and HTTP status."""
    codes = []
    for shape in operation.model.error_shapes:
        wire = shape.metadata.get("error", {})
        codes.append((wire.get("code", shape.name), wire.get("httpStatusCode", 400)))
    return codes


@st.composite
def error_response(draw: Any, operation: Operation) -> tuple[str, int, dict[str, str], bytes]:
    """(code, status, headers, body) of an error response as the service may send it."""
    modeled = modeled_codes(operation)
    unmodeled = st.tuples(
        UNMODELED.filter(lambda c: c not in dict(modeled)),
        st.sampled_from([400, 403, 404, 409, 429, 500, 502, 503]),
    )
    # ListTrainingJobs, for one, models no error at all.
    code, status = draw(st.one_of(st.sampled_from(modeled), unmodeled) if modeled else unmodeled)
    namespace = draw(st.sampled_from(["", "aws.protocols#", f"com.amazonaws.{operation.service}#"]))
    suffix = draw(st.sampled_from(["", ":", ":http://internal.amazon.com/coral/com.amazon.aws/"]))
    wire = namespace + code + suffix
    body: dict[str, Any] = {}
    headers = {"x-amzn-RequestId": REQUEST_ID, "Content-Type": "application/json"}
    header_name = draw(
        st.sampled_from(["x-amzn-ErrorType", "X-Amzn-Errortype", "x-amzn-errortype"])
    )
    if operation.protocol == "json":
        body["__type"] = wire
        if draw(st.booleans()):  # sent as well by some services; always the same code
            headers[header_name] = wire
    else:
        where = draw(st.sampled_from(["header", "code", "Code", "__type", "header+__type"]))
        if where.startswith("header"):
            headers[header_name] = wire
        if where.endswith("__type"):
            body["__type"] = wire
        elif where in ("code", "Code"):
            body[where] = wire
    message_key = draw(st.sampled_from(["message", "Message"]))
    body[message_key] = draw(st.text(max_size=40))
    if draw(st.booleans()):  # modeled errors may carry members of their own
        body["extraDetail"] = draw(st.text(max_size=10))
    return code, status, headers, json.dumps(body).encode()


def expected_class(operation: Operation, session: Session, code: str) -> type[ServiceError]:
    exceptions = operation.client(session).exceptions
    if code in dict(modeled_codes(operation)):
        modeled: type[ServiceError] = getattr(exceptions, code)
        return modeled
    return exceptions.base


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_error_responses_read_as_botocore_reads_them(
    operation: Operation, data: st.DataObject
) -> None:
    code, status, headers, body = data.draw(error_response(operation), label="response")
    theirs = botocore_parse(operation, status, headers, body)
    error = service_error(operation, status, headers, body)
    assert theirs["Error"]["Code"] == code  # the oracle reads the code we meant
    assert (error.code, error.message) == (theirs["Error"]["Code"], theirs["Error"]["Message"])
    assert error.request_id == theirs["ResponseMetadata"]["RequestId"]
    assert error.status_code == status
    assert error.operation_name == operation.name
    assert type(error) is expected_class(operation, SESSION, code)


def service_error(
    operation: Operation, status: int, headers: dict[str, str], body: bytes
) -> ServiceError:
    response = HttpResponse(status, CIMultiDict(headers), body)
    client = operation.client(SESSION)
    return client._service_error(operation.spec, read_error(response), response, 1, 0.0)


@st.composite
def modeled_error(draw: Any, operation: Operation) -> tuple[Any, int, dict[str, str], bytes]:
    """(shape, status, headers, body) of one of the operation's modeled errors, its members
    drawn from its shape: in the body, or in the headers the shape binds them to."""
    shape = draw(st.sampled_from(operation.model.error_shapes))
    wire = shape.metadata.get("error", {})
    document = draw(Builder(operation.service, response=True).value(shape))
    headers = {"x-amzn-RequestId": REQUEST_ID, "Content-Type": "application/json"}
    for name, member in shape.members.items():
        if member.serialization.get("location") == "header" and name in document:
            headers[member.serialization["name"]] = str(document.pop(name))
    code = wire.get("code", shape.name)
    if operation.protocol == "json":
        document["__type"] = code
    else:
        headers["x-amzn-ErrorType"] = code
    return shape, wire.get("httpStatusCode", 400), headers, json.dumps(document).encode()


MODELED = [operation for operation in OPERATIONS if operation.model.error_shapes]


@pytest.mark.parametrize("operation", MODELED, ids=str)
@EACH_OPERATION
@given(data=st.data())
def test_modeled_error_members_read_as_botocore_reads_them(
    operation: Operation, data: st.DataObject
) -> None:
    """botocore adds a modeled error's members to the error it raises, parsed with the
    error's shape (``Endpoint._add_modeled_error_fields``); ``error.members`` holds the same."""
    shape, status, headers, body = data.draw(modeled_error(operation), label="error")
    parser = create_parser(operation.protocol)
    response = {"status_code": status, "headers": CIMultiDict(headers), "body": body}
    theirs = {
        name: value
        for name, value in parser.parse(response, shape).items()
        if name in shape.members
    }
    members = service_error(operation, status, headers, body).members
    assert members is not None
    ours = members.model_dump(by_alias=True, exclude_none=True)
    assert comparable(shape, ours, ours=True) == comparable(shape, theirs, ours=False)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_modeled_error_has_its_class(operation: Operation) -> None:
    exceptions = operation.client(SESSION).exceptions
    for code, _ in modeled_codes(operation):
        modeled = getattr(exceptions, code)
        assert issubclass(modeled, exceptions.base) and modeled is not exceptions.base
        assert exceptions.error_class(code) is modeled


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
async def test_a_client_call_raises_the_modeled_exception(
    aws_mock: Any, operation: Operation, data: st.DataObject
) -> None:
    """The whole call, from the client method to the raised exception, over mocked HTTP."""
    params = data.draw(request_params(operation), label="params")
    code, status, headers, body = data.draw(error_response(operation), label="response")
    theirs = botocore_parse(operation, status, headers, body)
    aws_mock.add(
        re.compile(r".*"), operation.spec.http_method, status=status, body=body, headers=headers
    )
    kwargs = to_python_names(operation.model.input_shape, params)
    async with offline_session(Config(max_attempts=1)) as session:
        method = getattr(operation.client(session), operation.method_name)
        with pytest.raises(ServiceError) as caught:
            await method(**kwargs)
        assert type(caught.value) is expected_class(operation, session, code)
    assert caught.value.code == theirs["Error"]["Code"]
    assert caught.value.message == theirs["Error"]["Message"]
