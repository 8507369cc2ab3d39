"""The generator's output for two small made-up services (synthetic_models.py): the packages
it renders are imported from a temporary folder and driven over loopback HTTP, so what is
held is what the generated code does, not how it is spelled."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from generator import GenerationError
from generator.docs import (
    README_BEGIN,
    README_END,
    operations_row,
    operations_table,
    with_operations_table,
)
from generator.hand_written import check_hand_written
from generator.naming import python_name
from generator.package import render_service
from generator.shapes import ServiceShapes
from generator.source import load
from registry import SERVICES, Service
from support import LoopbackServer, error_reply, json_reply
from synthetic_models import TINY_JSON, TINY_REST, json_data, json_documents, rest_data

import aws_mlops_async.services
from aws_mlops_async import PaginationConfig, Session, ValidationError, WaiterError
from aws_mlops_async.errors import ServiceError

SERVICES_PACKAGE = "aws_mlops_async.services"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], ModuleType]]:
    """The made-up services rendered into a temporary folder that extends the services
    package's path (nothing written into the package); their modules by name."""
    folder = tmp_path_factory.mktemp("generated")
    for data in (json_data(), rest_data()):
        for path, text in render_service(data).items():
            target = folder / data.service.name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    aws_mlops_async.services.__path__.append(str(folder))

    def module(name: str) -> ModuleType:
        return importlib.import_module(f"{SERVICES_PACKAGE}.{name}")

    yield module
    aws_mlops_async.services.__path__.remove(str(folder))
    for name in [n for n in sys.modules if n.startswith(f"{SERVICES_PACKAGE}.tiny")]:
        del sys.modules[name]


@pytest.fixture
async def session(server: LoopbackServer, make_session: Callable[..., Session]) -> Any:
    async with make_session() as opened:
        yield opened


async def test_an_awsjson_call_sends_its_target_and_reads_its_answer(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    server.script.append(json_reply({"Name": "box", "Status": "READY", "Size": 3}))
    answer = await client.get_thing(name="box")
    [sent] = server.received
    assert sent.headers["X-Amz-Target"] == "TinyJson_20240101.GetThing"
    assert sent.json() == {"Name": "box"}
    assert (answer.name, answer.status, answer.size) == ("box", "READY", 3)


async def test_a_request_breaking_the_model_is_refused_before_sending(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    for bad in ("Box", "", "toolongname"):
        with pytest.raises(ValidationError, match="name"):
            await client.get_thing(name=bad)
    assert server.received == []


async def test_an_operation_without_output_answers_a_response_model(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    server.script.append(json_reply({}))
    answer = await client.forget_thing(name="box")
    assert type(answer).__name__ == "ForgetThingResponse"
    assert answer.response_metadata.http_status_code == 200


async def test_a_modeled_error_is_raised_as_its_class(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    errors = generated("tinyjson.errors")
    server.script.append(json_reply({"__type": "ThingNotFound", "Message": "no box"}, status=400))
    with pytest.raises(client.exceptions.ThingNotFound) as caught:
        await client.get_thing(name="box")
    assert isinstance(caught.value, errors.TinyJsonError)
    assert isinstance(caught.value, ServiceError)
    assert caught.value.members.message == "no box"


async def test_a_corrected_waiter_ends_on_the_code_the_service_answers(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    server.script += [
        json_reply({"Name": "box", "Status": "READY"}),
        json_reply({"__type": "ThingNotFound", "Message": "gone"}, status=400),
    ]
    assert await client.get_waiter("thing_gone").wait(name="box", delay=0.001) is None
    assert len(server.received) == 2


async def test_a_corrected_waiter_no_longer_waits_for_the_published_code(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    server.script.append(
        json_reply({"__type": "ResourceNotFoundException", "Message": "?"}, status=400)
    )
    with pytest.raises(WaiterError, match="ResourceNotFoundException"):
        await client.get_waiter("thing_gone").wait(name="box", delay=0.001)


async def test_an_error_of_an_operation_left_out_is_matched_as_published(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyjson.client").TinyJsonClient(session)
    server.script.append(json_reply({"__type": "Busy", "Message": "busy"}, status=400))
    with pytest.raises(WaiterError, match="Busy"):
        await client.get_waiter("thing_gone").wait(name="box", delay=0.001, max_attempts=5)
    assert len(server.received) == 1


async def test_a_waiter_on_an_operation_left_out_is_not_generated(
    generated: Callable[[str], ModuleType],
) -> None:
    operations = generated("tinyjson.operations")
    assert {spec.name for spec in operations.OPERATIONS} == {"GetThing", "ForgetThing"}
    assert not hasattr(operations, "THING_TOUCHED")
    assert hasattr(operations, "THING_GONE") and hasattr(operations, "THING_READY")


async def test_a_restjson_call_binds_path_status_and_idempotency_token(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyrest.client").TinyRestClient(session)
    server.script += [
        json_reply({"widgetId": "w-1", "name": "cog", "status": "BUILDING"}, status=201),
        json_reply({"widgetId": "w 1/2", "status": "READY"}),
    ]
    created = await client.create_widget(name="cog")
    described = await client.get_widget(widget_id="w 1/2")
    create, get = server.received
    assert (create.method, create.raw_path) == ("POST", "/widgets")
    assert create.json()["name"] == "cog" and len(create.json()["clientToken"]) >= 1
    assert (get.method, get.raw_path) == ("GET", "/widgets/w%201%2F2")
    assert (created.status, described.status) == ("BUILDING", "READY")


async def test_a_paginator_follows_the_tokens_to_the_last_page(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyrest.client").TinyRestClient(session)
    server.script += [
        json_reply({"widgets": [{"widgetId": "a"}, {"widgetId": "b"}], "nextToken": "t1"}),
        json_reply({"widgets": [{"widgetId": "c"}]}),
    ]
    paginator = client.get_paginator("list_widgets")
    items = [
        item.widget_id
        async for item in paginator.paginate(
            pagination_config=PaginationConfig(page_size=2)
        ).items()
    ]
    assert items == ["a", "b", "c"]
    first, second = server.received
    assert first.raw_path == "/widgets?maxResults=2"
    assert sorted(second.raw_path.split("?")[1].split("&")) == ["maxResults=2", "nextToken=t1"]


async def test_a_registry_waiter_is_generated_beside_the_models(
    generated: Callable[[str], ModuleType], server: LoopbackServer, session: Session
) -> None:
    client = generated("tinyrest.client").TinyRestClient(session)
    server.script += [
        json_reply({"widgetId": "w", "status": "BUILDING"}),
        json_reply({"widgetId": "w", "status": "READY"}),
    ]
    ready = await client.get_waiter("widget_ready").wait(widget_id="w", delay=0.001)
    assert ready.status == "READY"
    server.script.append(error_reply("NotFoundException", 404))
    with pytest.raises(WaiterError, match="NotFoundException"):
        await client.get_waiter("widget_ready").wait(widget_id="w", delay=0.001)


def test_a_correction_is_written_with_its_reason_beside_the_acceptor() -> None:
    operations = render_service(json_data())["operations.py"]
    block = [
        line.strip()
        for line in operations.split("THING_GONE = ", 1)[1].split("\n)\n")[0].splitlines()
    ]
    comments = [index for index, line in enumerate(block) if line.startswith("# ")]
    assert " ".join(block[index][2:] for index in comments) == (
        "The published waiter expects ResourceNotFoundException: Tiny JSON answers a missing "
        "thing with ThingNotFound."
    )
    assert block[comments[-1] + 1] == 'Acceptor("success", {"ThingNotFound"}),'
    code = [line for line in block if not line.startswith("#")]
    assert not any("ResourceNotFoundException" in line for line in code)


def test_nothing_is_written_into_the_package() -> None:
    before = {path: path.stat().st_mtime_ns for path in _package_files()}
    render_service(rest_data())
    assert {path: path.stat().st_mtime_ns for path in _package_files()} == before
    assert not any("tiny" in path.parts[-2] for path in before)


def _package_files() -> list[Path]:
    return sorted(Path(aws_mlops_async.services.__file__).parent.rglob("*.py"))


# ---- the README's operations table ------------------------------------------------------


def test_a_row_names_protocol_client_operations_paginators_and_waiters() -> None:
    json_row = operations_row(ServiceShapes(json_data()))
    rest_row = operations_row(ServiceShapes(rest_data()))
    cells = [cell.strip() for cell in json_row.strip("|").split("|")]
    assert cells == [
        "Tiny JSON (awsJson1.1)",
        "`session.tinyjson`",
        "`get_thing`, `forget_thing`",
        "none",
        "`thing_gone`, `thing_ready`",
    ]
    cells = [cell.strip() for cell in rest_row.strip("|").split("|")]
    assert cells[0] == "Tiny REST (restJson1)"
    assert cells[2:] == [
        "`create_widget`, `get_widget`, `list_widgets`",
        "`list_widgets`",
        "`widget_ready`",
    ]


def test_many_operations_are_summarized_from_the_model() -> None:
    documents = json_documents()
    model = documents["service"]
    del documents["waiters"]["waiters"]["ThingTouched"]
    for index in range(20):
        model["operations"][f"GetThing{index}"] = {**model["operations"]["GetThing"]}
    names = tuple(sorted(model["operations"]))
    for served, count in ((names, "all 23"), (names[:-1], "22 of the 23")):
        service = _with(TINY_JSON, operations=served)
        row = operations_row(ServiceShapes(json_data(service, copy.deepcopy(documents))))
        operations_cell = row.strip("|").split("|")[2].strip()
        assert operations_cell.startswith(f"{count} operations of its 2024-01-01 model: things")
        assert "(each in [the reference](docs/reference/tinyjson.md))" in operations_cell
        assert "`get_thing0`" not in operations_cell


def test_an_extension_s_own_methods_are_read_from_its_source() -> None:
    extended = next(entry for entry in SERVICES if entry.extension is not None)
    assert extended.extension is not None
    module, _, name = extended.extension.rpartition(".")
    cls = vars(importlib.import_module(module))[name]
    own = [key for key, value in vars(cls).items() if key[0] != "_" and callable(value)]
    operations = {python_name(operation) for operation in extended.operations}
    methods = [method for method in own if method not in operations]
    assert methods
    row = operations_row(ServiceShapes(load(extended)))
    assert row.split("|")[3].endswith(
        f"; plus, hand-written in `{module}`: " + ", ".join(f"`{m}`" for m in methods) + " "
    )


def test_an_extension_must_name_a_class_extending_the_generated_client() -> None:
    extended = next(entry for entry in SERVICES if entry.extension is not None)
    module = (extended.extension or "").rpartition(".")[0]
    for wrong in (
        f"{module}.NoSuchClass",
        "aws_mlops_async.no_such_module.NoSuchClass",
        "aws_mlops_async.ext.watching.ServiceJobWatch",  # a class, but not a client
    ):
        with pytest.raises(GenerationError, match=r"NoSuch|must extend"):
            check_hand_written(dataclasses.replace(extended, extension=wrong))


@pytest.mark.parametrize(
    ("preparations", "says"),
    [
        ({"SubmitServiceJob": "aws_mlops_async.ext.nope.prepare"}, "no module"),
        ({"SubmitServiceJob": "aws_mlops_async.ext.training_payload.nope"}, "no function"),
        (
            {"SubmitServiceJobs": "aws_mlops_async.ext.training_payload.prepare_submission"},
            "does not bind",
        ),
    ],
)
def test_a_preparation_must_name_a_function_of_a_bound_operation(
    preparations: dict[str, str], says: str
) -> None:
    extended = next(entry for entry in SERVICES if "SubmitServiceJob" in entry.preparations)
    with pytest.raises(GenerationError, match=says):
        check_hand_written(dataclasses.replace(extended, preparations=preparations))


def test_the_table_goes_between_the_markers_and_names_each_model_s_origin() -> None:
    rows = [operations_row(ServiceShapes(data)) for data in (json_data(), rest_data())]
    kept = _with(TINY_REST, model_dir="tests/data/service-models/tinyrest")
    table = operations_table(rows, (TINY_JSON, kept))
    readme = f"# Title\n\n{README_BEGIN}\nstale\n{README_END}\n\nAfter.\n"
    written = with_operations_table(readme, table)
    assert written == f"# Title\n\n{README_BEGIN}\n{table}\n{README_END}\n\nAfter.\n"
    assert with_operations_table(written, table) == written
    assert table.splitlines()[2:4] == rows
    assert " ".join(table.split("\n\n", 1)[1].splitlines()) == (
        "Every client is generated from botocore's model of its service; Tiny REST's, which "
        "botocore no longer ships, from `tests/data/service-models/tinyrest`."
    )
    assert "no longer ships" not in operations_table(rows, (TINY_JSON, TINY_REST))
    with pytest.raises(GenerationError, match="operations"):
        with_operations_table("# Title\n", table)


def _with(service: Service, **changes: Any) -> Service:
    return dataclasses.replace(service, **changes)
