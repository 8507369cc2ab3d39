"""botocore's protocol fixtures, through the generator and the whole call path.

``tests/data/protocols`` holds four files of boto/botocore's ``tests/unit/protocols`` (see
tests/data/README.md): the awsJson1_1 and restJson1 cases every AWS SDK's serializers and
parsers are held to. Each fixture group (a model's metadata and shapes, and one operation)
becomes a service-2.json, which the generator (``tools/generate_services.py``, as
``--model-dir``) turns into a package of its own, all groups in one run. Each case then calls
the operation with a client of that package, on a Session whose requests go to a loopback
server (every host name resolves to it, so endpoint host prefixes reach it too):

- an input case's request, as the server received it, must be the fixture's: the URI as a
  string, the body as parsed JSON (as text when either is not JSON), the fixture's headers
  (names in any case), none of its forbidden headers, the host;
- an output case's response is served as the fixture gives it, and what the call returns (or
  raises: code, message and the modeled error's members) must be the fixture's result.

Both are compared as botocore's own runner (``tests/unit/test_protocols.py``) compares them,
after its fix-ups: timestamps as epoch seconds, blobs as text, NaN and the infinities as the
strings the protocols spell them with, list header values without the space after a comma.
The cases its runner skips (``protocol-tests-ignore-list.json``) are skipped here, with its
reason; no other.
"""

from __future__ import annotations

import importlib
import json
import math
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from generate_services import ROOT, render_package
from generator.code import format_modules
from generator.naming import python_name
from multidict import CIMultiDict
from pydantic import BaseModel
from support import ACCESS_KEY, DATA, SECRET_KEY, LoopbackServer, Received, Responder

from aws_mlops_async import Config, ServiceError, Session, ValidationError

FIXTURES = DATA / "protocols"
FILES = ("input/json.json", "input/rest-json.json", "output/json.json", "output/rest-json.json")
IGNORED = json.loads((FIXTURES / "protocol-tests-ignore-list.json").read_text())
ROOT_PACKAGE = "protocol_fixtures"
# Every case's endpoint: botocore's runner prefixes the fixtures' hosts to example.com.
HOST = "example.com"
# An endpoint ruleset for the synthetic models: one host, whatever the region.
RULESET = {
    "version": "1.0",
    "parameters": {"Region": {"builtIn": "AWS::Region", "required": True, "type": "String"}},
    "rules": [
        {
            "conditions": [],
            "endpoint": {"url": f"https://{HOST}", "properties": {}, "headers": {}},
            "type": "endpoint",
        }
    ],
}
SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


@dataclass(frozen=True)
class Group:
    """One fixture group: a model (metadata and shapes) and the operation its cases call."""

    file: str
    index: int
    description: str
    metadata: dict[str, Any]
    shapes: dict[str, Any]
    given: dict[str, Any]

    @property
    def name(self) -> str:
        """The group's package, in the root package of the generated ones."""
        return f"{self.file.replace('/', '_').removesuffix('.json').replace('-', '_')}_{self.index}"

    @property
    def operation(self) -> str:
        return str(self.given["name"])

    def model(self) -> dict[str, Any]:
        """The group's service-2.json."""
        metadata = {"serviceId": "Protocol Fixtures", "endpointPrefix": "fixtures"}
        return {
            "version": "2.0",
            "metadata": {**metadata, **self.metadata},
            "shapes": self.shapes,
            "operations": {self.operation: self.given},
        }

    def shape(self, side: str) -> str | None:
        """The name of the operation's input or output shape, if it has one."""
        found = self.given.get(side, {}).get("shape")
        return str(found) if found is not None else None


@dataclass(frozen=True)
class Case:
    """One case of a group: its fixture, and botocore's reason to skip it, if it does."""

    group: Group
    fixture: dict[str, Any]
    skipped: str | None

    @property
    def id(self) -> str:
        return f"{self.group.file}:{self.fixture.get('id') or self.group.description}"


def skip_reason(file: str, suite: str, case: str | None) -> str | None:
    """Why botocore's runner skips a case (``_should_ignore_test``), or None if it runs it."""
    kind, protocol = file.removesuffix(".json").split("/")
    for scope, ignored in (
        ("all protocols", IGNORED.get("general", {}).get(kind, {})),
        (protocol, IGNORED.get("protocols", {}).get(protocol, {}).get(kind, {})),
    ):
        if suite in ignored.get("suites", []) or case in ignored.get("cases", []):
            return f"botocore's runner skips it (its ignore list, {scope} {kind} cases)"
    return None


def load_cases() -> list[Case]:
    cases = []
    for file in FILES:
        for index, suite in enumerate(json.loads((FIXTURES / file).read_text())):
            for fixture in suite["cases"]:
                group = Group(
                    file,
                    index,
                    suite["description"],
                    suite["metadata"],
                    suite["shapes"],
                    fixture["given"],
                )
                reason = skip_reason(file, suite["description"], fixture.get("id"))
                cases.append(Case(group, fixture, reason))
    return cases


CASES = load_cases()
GROUPS = {case.group.name: case.group for case in CASES if case.skipped is None}


def params_of(cases: list[Case], key: str) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.skip(reason=case.skipped)] if case.skipped else [],
        )
        for case in cases
        if key in case.fixture
    ]


# ---- the generated packages ------------------------------------------------------------


@dataclass
class Generated:
    """The packages generated from the fixture groups, and why the generator refused any."""

    refused: dict[str, Exception]

    def client_class(self, group: Group) -> type[Any]:
        """The client class of the group's package."""
        if group.name in self.refused:
            raise self.refused[group.name]
        module = importlib.import_module(f"{ROOT_PACKAGE}.{group.name}.client")
        return next(
            value
            for name, value in vars(module).items()
            if name.endswith("Client") and value.__module__ == module.__name__
        )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """Every group's package, generated in one run into a folder on ``sys.path``."""
    root = tmp_path_factory.mktemp("generated")
    rendered: dict[Path, str] = {}
    refused: dict[str, Exception] = {}
    for name, group in GROUPS.items():
        folder = root / "models" / name
        folder.mkdir(parents=True)
        (folder / "service-2.json").write_text(json.dumps(group.model()))
        (folder / "endpoint-rule-set-1.json").write_text(json.dumps(RULESET))
        try:
            rendered.update(
                render_package(folder, root / ROOT_PACKAGE / name, f"{ROOT_PACKAGE}.{name}")
            )
        except Exception as error:  # the group's cases fail with it; the others still run
            refused[name] = error
    for path, text in format_modules(rendered, ROOT).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / ROOT_PACKAGE / "__init__.py").write_text('"""Generated from botocore\'s fixtures."""\n')
    sys.path.insert(0, str(root))
    try:
        yield Generated(refused)
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m.partition(".")[0] == ROOT_PACKAGE]:
            del sys.modules[module]


# ---- the call path ---------------------------------------------------------------------


class ToLoopback(AbstractResolver):
    """Resolves every host name to the loopback address."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


@asynccontextmanager
async def fixture_session(server: LoopbackServer) -> AsyncIterator[Session]:
    """A Session sending to ``example.com`` (and any host under it) on the server's port,
    one attempt per call."""
    port = server.url.rpartition(":")[2]
    connector = aiohttp.TCPConnector(resolver=ToLoopback())
    async with (
        aiohttp.ClientSession(connector=connector) as http,
        Session(
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=f"http://{HOST}:{port}",
            http_session=http,
            config=Config(max_attempts=1),
        ) as session,
    ):
        yield session


async def call(generated: Generated, session: Session, group: Group, params: Any) -> Any:
    """The group's operation called by its client method with the fixture's parameters."""
    client = generated.client_class(group)(session)
    method = getattr(client, python_name(group.operation))
    shape = group.shape("input")
    arguments = to_call(group.shapes, shape, params) if shape else {}
    return await method(**arguments)


def to_call(shapes: dict[str, Any], name: str, value: Any) -> Any:
    """A fixture's parameter value as a client method takes it: structure members by their
    Python names, blobs as bytes (the fixtures spell them as text), NaN and the infinities
    as floats (the fixtures spell them as strings)."""
    shape = shapes[name]
    kind = shape["type"]
    if value is None:
        return None
    if kind == "structure" and not shape.get("document"):
        members = shape["members"]
        return {
            python_name(member): to_call(shapes, members[member]["shape"], item)
            for member, item in value.items()
        }
    if kind == "list":
        return [to_call(shapes, shape["member"]["shape"], item) for item in value]
    if kind == "map":
        return {key: to_call(shapes, shape["value"]["shape"], item) for key, item in value.items()}
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind in ("float", "double") and isinstance(value, str):
        return SPECIAL_FLOATS[value]
    return value


def placeholder(shapes: dict[str, Any], name: str) -> Any:
    """A valid value of a shape (an output case's call needs its required members)."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure":
        if shape.get("document"):
            return {}
        return {
            member: placeholder(shapes, shape["members"][member]["shape"])
            for member in shape.get("required", [])
        }
    values = {"list": [], "map": {}, "boolean": False, "blob": b"x", "timestamp": 0}
    if kind == "string":
        return shape.get("enum", ["x"])[0]
    return values.get(kind, 0)


def fixture_value(shapes: dict[str, Any], name: str, value: Any) -> Any:
    """Our value of a shape as botocore's runner compares it: structures by member name
    without unset members, timestamps as epoch seconds, blobs as text, NaN and the infinities
    as the protocols' strings."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure" and not shape.get("document"):
        assert isinstance(value, BaseModel), value
        found = {}
        for member, reference in shape["members"].items():
            item = getattr(value, python_name(member))
            if item is not None:
                found[member] = fixture_value(shapes, reference["shape"], item)
        return found
    if kind == "list":
        return [fixture_value(shapes, shape["member"]["shape"], item) for item in value]
    if kind == "map":
        return {k: fixture_value(shapes, shape["value"]["shape"], v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, float) and not math.isfinite(value):
        return next(text for text, number in SPECIAL_FLOATS.items() if str(number) == str(value))
    return value


# ---- input cases -----------------------------------------------------------------------


@pytest.mark.parametrize("case", params_of(CASES, "params"))
async def test_requests_are_the_fixtures(
    case: Case, generated: Generated, server: LoopbackServer
) -> None:
    group, fixture = case.group, case.fixture
    server.default = reply(200, {}, "{}")
    async with fixture_session(server) as session:
        await call(generated, session, group, fixture["params"])
    [sent] = [request for request in server.received if _from_the_fixture_session(request)]
    expected = fixture["serialized"]
    assert sent.raw_path == expected.get("uri", ""), "URI"
    if "method" in expected:
        assert sent.method == expected["method"]
    if "body" in expected:
        assert_same_body(sent.body, expected["body"].encode(), group.metadata["protocol"])
    headers = CIMultiDict(sent.headers)
    for name, value in expected_headers(group, headers, expected).items():
        assert headers.get(name) == value, name
    for name in expected.get("forbidHeaders", []):
        assert name not in headers, name
    for name in expected.get("requireHeaders", []):
        assert name in headers, name
    if "host" in expected:
        assert headers["Host"].rpartition(":")[0] == expected["host"]


def _from_the_fixture_session(request: Received) -> bool:
    """Whether the request came from `fixture_session` (sent to ``example.com`` or a host
    under it), not from a call another test left running that finds this port reused."""
    host = request.headers.get("Host", "").rpartition(":")[0]
    return host == HOST or host.endswith(f".{HOST}")


def assert_same_body(sent: bytes, expected: bytes, protocol: str) -> None:
    """Bodies compared as parsed JSON; as text when either is not JSON (restJson only)."""
    try:
        assert json.loads(sent) == json.loads(expected), "Body value"
    except json.JSONDecodeError:
        if protocol == "json":
            raise
        assert sent == expected, "Body value"


def expected_headers(
    group: Group, sent: CIMultiDict[str], expected: dict[str, Any]
) -> dict[str, str]:
    """The fixture's headers as botocore's runner checks them: list values without the space
    after each comma (in what was sent too, for lists of timestamps), and restJson's
    Content-Type only when it is JSON's."""
    headers = dict(expected.get("headers", {}))
    shape = group.shape("input")
    members = group.shapes[shape]["members"] if shape else {}
    for key, member in members.items():
        target = group.shapes[member["shape"]]
        name = member.get("locationName", key)
        if member.get("location") != "header" or target["type"] != "list":
            continue
        if name in headers:
            headers[name] = headers[name].replace(", ", ",")
        if name in sent and group.shapes[target["member"]["shape"]]["type"] == "timestamp":
            sent[name] = sent[name].replace(", ", ",")
    if group.metadata["protocol"] == "rest-json":
        content_type = next((k for k in headers if k.lower() == "content-type"), None)
        if content_type and headers[content_type] != "application/json":
            del headers[content_type]
    return headers


def reply(status: int, headers: dict[str, str], body: str | None) -> Responder:
    """A responder sending exactly this status, these headers and this body."""

    async def respond(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers=headers, body=(body or "").encode())

    return respond


# ---- output cases ----------------------------------------------------------------------


@pytest.mark.parametrize("case", params_of(CASES, "response"))
async def test_responses_read_as_the_fixtures_say(
    case: Case, generated: Generated, server: LoopbackServer
) -> None:
    group, fixture = case.group, case.fixture
    response = fixture["response"]
    served = response.get("headers", {})
    server.default = reply(response["status_code"], served, response.get("body"))
    shape = group.shape("input")
    params = placeholder(group.shapes, shape) if shape else {}
    async with fixture_session(server) as session:
        if "error" in fixture:
            with pytest.raises(ServiceError) as caught:
                await call(generated, session, group, params)
            parsed = error_result(group, caught.value)
            expected = {
                "Error": {
                    "Code": fixture.get("errorCode", ""),
                    "Message": fixture.get("errorMessage", ""),
                },
                **fixture["error"],
            }
        else:
            result = await call(generated, session, group, params)
            output = group.shape("output")
            parsed = fixture_value(group.shapes, output, result) if output else {}
            parsed = without_transport_headers(group, parsed, served)
            expected = fixture["result"]
    assert parsed == expected


def error_result(group: Group, error: ServiceError) -> dict[str, Any]:
    """An error as botocore's runner compares it: code and message, and the members of the
    error shape its code names (if any), read with that shape."""
    parsed: dict[str, Any] = {"Error": {"Code": error.code, "Message": error.message}}
    for reference in group.given.get("errors", []):
        shape = group.shapes[reference["shape"]]
        if shape.get("error", {}).get("code", reference["shape"]) == error.code:
            assert error.members is not None
            parsed.update(fixture_value(group.shapes, reference["shape"], error.members))
    return parsed


def without_transport_headers(
    group: Group, parsed: dict[str, Any], served: dict[str, str]
) -> dict[str, Any]:
    """The result without the headers HTTP added on the way (Content-Length, Date, Server...)
    in a map of every header (a prefix-headers member with an empty prefix): botocore's runner
    hands its parser the fixture's headers alone."""
    output = group.shape("output")
    if output is None:
        return parsed
    served_names = {name.lower() for name in served}
    for member, reference in group.shapes[output]["members"].items():
        every_header = reference.get("location") == "headers" and not reference.get("locationName")
        if every_header and member in parsed:
            parsed[member] = {
                name: value
                for name, value in parsed[member].items()
                if name.lower() in served_names
            }
    return parsed


# ---- refused before anything is sent ---------------------------------------------------


def fixture_group(operation: str, protocol: str) -> Group:
    return next(
        group
        for group in GROUPS.values()
        if group.operation == operation and group.metadata["protocol"] == protocol
    )


@pytest.mark.parametrize("protocol", ["json", "rest-json"])
@pytest.mark.parametrize("label", ["", "bar/baz", "bar baz", "bär"])
async def test_a_host_label_is_checked_before_it_reaches_the_host(
    protocol: str, label: str, generated: Generated, server: LoopbackServer
) -> None:
    """As botocore: letters, digits, ``.`` and ``-`` only (else the host would be another)."""
    group = fixture_group("EndpointWithHostLabelOperation", protocol)
    async with fixture_session(server) as session:
        with pytest.raises(ValidationError) as refused:
            await call(generated, session, group, {"label": label})
    assert refused.value.fields == ("label",)
    assert server.received == []


@pytest.mark.parametrize("contents", [{}, {"stringValue": "a", "booleanValue": True}])
async def test_a_union_takes_exactly_one_member(
    contents: dict[str, Any], generated: Generated, server: LoopbackServer
) -> None:
    """As botocore's parameter validation."""
    group = fixture_group("JsonUnions", "rest-json")
    async with fixture_session(server) as session:
        with pytest.raises(ValidationError) as refused:
            await call(generated, session, group, {"contents": contents})
    assert refused.value.fields == ("contents",)
    assert server.received == []
