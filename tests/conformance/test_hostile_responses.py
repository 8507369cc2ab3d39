"""Whatever a server sends back, a call ends, soon, in a result or an AwsError: never another
exception, never a hang. Hostile answers are drawn by hypothesis and sent by a raw TCP server
(so the HTTP itself can be broken) to every operation of every service.

The answers: random bytes, truncated, deeply nested and wrong-typed JSON, HTML error pages,
bodies that lie about their length or their gzip encoding, huge and duplicated headers,
garbage error codes, retry-after and Date headers, a connection closed before or while
answering, and a socket that never answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore_oracle import OPERATIONS, Operation
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_OPERATION
from shape_strategies import JSON_VALUES, request_params, response_body, to_python_names

from aws_mlops_async import AwsError, Config, Session

READ_TIMEOUT = 0.3
CALL_BOUND = 5.0  # seconds any one call may take, whatever it was sent back


@dataclass
class Answer:
    """What the server does with one request: write ``data`` (if any), then close or go
    silent."""

    data: bytes = b""
    silent: bool = False
    label: str = ""


@dataclass
class RawServer:
    """A TCP server that reads one HTTP request per connection and answers with `answer`."""

    answer: Answer = field(default_factory=Answer)
    url: str = ""
    requests: int = 0
    # Set when the test is over: a silent answer stops waiting then. (From CPython 3.12.1 on,
    # Server.wait_closed waits for every connection's handler, so a handler still sleeping
    # out its silence held each test's teardown for up to 2 * CALL_BOUND seconds.)
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            self.requests += 1
            if self.answer.data:
                writer.write(self.answer.data)
                await writer.drain()
            if self.answer.silent:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.closing.wait(), CALL_BOUND * 2)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    state = RawServer()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    yield state
    state.closing.set()
    server.close()
    await server.wait_closed()


STATUSES = (200, 201, 202, 204, 301, 302, 400, 403, 404, 409, 413, 429, 500, 502, 503, 504, 599)
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
GARBAGE_CODES = ("", ":", "#", "aws.protocols#", " ", "\u00e9\u00e9", "Throttling:x:y", "a" * 300)
NUMBERS = st.sampled_from(["-1", "abc", "1e400", "99999999999999999999", "", "0"])


@st.composite
def bodies(draw: Any, operation: Operation) -> bytes:
    """A body of any of the hostile kinds."""
    kind = draw(st.sampled_from(["bytes", "json", "truncated", "nested", "html", "empty", "typed"]))
    if kind == "bytes":
        return bytes(draw(st.binary(max_size=200)))
    if kind == "json":
        return json.dumps(draw(JSON_VALUES)).encode()
    if kind == "nested":
        depth = draw(st.sampled_from([100, 1000, 100_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * depth).encode()
    if kind == "html":
        return HTML
    if kind == "empty":
        return b""
    document = draw(response_body(operation, lenient=True))
    text = json.dumps(document)
    if kind == "truncated":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))].encode()
    # Every member of the right name, some of the wrong JSON type.
    if isinstance(document, dict) and document:
        name = draw(st.sampled_from(sorted(document)))
        document[name] = draw(JSON_VALUES)
    return json.dumps(document).encode()


@st.composite
def answers(draw: Any, operation: Operation) -> Answer:
    """A hostile answer to one request of ``operation``."""
    shape = draw(st.sampled_from(["http"] * 8 + ["close", "silent", "half"]))
    if shape == "close":
        return Answer(label="closed before answering")
    if shape == "silent":
        return Answer(silent=True, label="never answers")
    status = draw(st.sampled_from(STATUSES))
    body = draw(bodies(operation))
    headers = [("Content-Type", draw(st.sampled_from(["application/json", "text/html", "x/y"])))]
    if draw(st.booleans()):
        headers.append(("x-amzn-ErrorType", draw(st.sampled_from(GARBAGE_CODES))))
    if draw(st.booleans()):
        headers.append(("x-amz-retry-after", draw(NUMBERS)))
    if draw(st.booleans()):
        headers.append(("Date", draw(st.sampled_from(["yesterday", "", "Mon, 99 Foo 2026"]))))
    if draw(st.booleans()):  # the same header twice
        headers += [("x-amzn-RequestId", "one"), ("x-amzn-RequestId", "two")]
    if draw(st.integers(0, 9)) == 0:
        headers.append(("x-huge", "h" * draw(st.sampled_from([9000, 70000]))))
    length = len(body)
    if draw(st.integers(0, 5)) == 0:
        headers.append(("Content-Encoding", "gzip"))
        if draw(st.booleans()):
            body = gzip.compress(body)[:-4]  # a gzip stream cut short
    lie = draw(st.sampled_from([0, 0, 0, 10, -1]))
    if lie and length + lie >= 0:
        length += lie  # more than is sent: the connection closes first
    lines = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in headers)]
    lines.append(f"Content-Length: {length}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body
    if shape == "half":
        data = data[: draw(st.integers(1, max(len(data) - 1, 1)))]
    return Answer(data=data, label=f"{shape} {status} {len(body)} bytes")


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
@EACH_OPERATION
@given(data=st.data())
async def test_every_answer_ends_in_a_result_or_an_aws_error_in_bounded_time(
    raw_server: RawServer, operation: Operation, data: st.DataObject
) -> None:
    params = data.draw(request_params(operation), label="params")
    raw_server.answer = data.draw(answers(operation), label="answer")
    raw_server.requests = 0
    config = Config(max_attempts=1, read_timeout=READ_TIMEOUT, connect_timeout=1.0)
    async with Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        endpoint_url=raw_server.url,
        config=config,
    ) as session:
        method = getattr(operation.client(session), operation.method_name)
        started = time.monotonic()
        with contextlib.suppress(AwsError):
            await asyncio.wait_for(
                method(**to_python_names(operation.model.input_shape, params)), CALL_BOUND
            )
        elapsed = time.monotonic() - started
    assert elapsed < CALL_BOUND
    # One attempt; at most one clock correction; aiohttp resends a GET once on a dropped
    # connection.
    assert 1 <= raw_server.requests <= 3
