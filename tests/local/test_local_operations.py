"""Every operation of every service of the registry (tools/registry.py) is answered by the
emulator as itself: by its handler when it is emulated, else with ``501 NotImplemented``
naming it, in its service's error shape; a service the emulator has no module for answers
so for every operation. aiobotocore is the client (its serializer, its error parser)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import Shape
from local_support import CREATING_CALLS, botocore_client
from registry import SERVICES as REGISTRY
from registry import Service
from support import botocore_data

import aws_mlops_async.local.services as local_services
from aws_mlops_async._session_clients import CLIENTS, client_class
from aws_mlops_async.local import LocalAws
from aws_mlops_async.local.app import LocalApp
from aws_mlops_async.local.clock import Clock
from aws_mlops_async.local.faults import Faults
from aws_mlops_async.local.services.base import LocalService, not_emulated
from aws_mlops_async.local.state import LocalState
from aws_mlops_async.local.stats import Stats

#: Not retried, not checked on our side: what the emulator answers is what is read.
AS_SENT = {"retries": {"total_max_attempts": 1}, "parameter_validation": False}
UNKNOWN = {"UnknownOperationException", "NotImplemented"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return botocore_data(tmp_path_factory.mktemp("botocore-data"))


def placeholder(shape: Shape) -> Any:
    """A value of ``shape`` with only its required members: enough for botocore to serialize
    the request (its own validation is off), not necessarily one the service takes."""
    kind = shape.type_name
    if kind == "structure":
        return {name: placeholder(shape.members[name]) for name in shape.required_members}
    fixed: dict[str, Any] = {
        "list": [],
        "map": {},
        "boolean": False,
        "double": 1.0,
        "float": 1.0,
        "blob": b"x",
        "timestamp": datetime(2025, 1, 1, tzinfo=timezone.utc),
    }
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if kind == "string":
        return shape.enum[0] if shape.enum else "x"
    return fixed[kind]


async def call(client: Any, operation: str) -> tuple[str, int, str, dict[str, str]]:
    """Call ``operation`` with placeholder parameters: the error code (``OK`` for none), the
    status, the message and the answer's headers."""
    model = client.meta.service_model.operation_model(operation)
    params = placeholder(model.input_shape) if model.input_shape is not None else {}
    method = getattr(client, xform_name(operation))
    try:
        answer = await method(**params)
    except ClientError as error:
        meta = error.response["ResponseMetadata"]
        found = error.response["Error"]
        return found["Code"], meta["HTTPStatusCode"], found.get("Message", ""), meta["HTTPHeaders"]
    meta = answer["ResponseMetadata"]
    return "OK", meta["HTTPStatusCode"], "", meta["HTTPHeaders"]


def assert_not_emulated(
    service: Service, operation: str, outcome: tuple[str, int, str, dict[str, str]]
) -> None:
    """The answer is 501 NotImplemented naming the operation, in the protocol's error shape
    (restJson names the code in ``x-amzn-ErrorType``, awsJson in the body's ``__type``)."""
    code, status, message, headers = outcome
    service_id = client_class(service.name).service.service_id
    assert (code, status) == ("NotImplemented", 501), operation
    assert f"{service_id} {operation} is not emulated by aws_mlops_async.local" in message
    rest = client_class(service.name).service.protocol == "rest-json"
    assert (headers.get("x-amzn-errortype") == "NotImplemented") is rest


def test_the_emulator_answers_the_registry_s_services_and_operations() -> None:
    by_name = {service.description.name: service for service in local_services.SERVICES}
    assert list(by_name) == [service.name for service in REGISTRY] == list(CLIENTS)
    for service in REGISTRY:
        bound = [operation.spec.name for operation in by_name[service.name].operations]
        assert sorted(bound) == sorted(service.operations)


def test_every_module_of_the_emulator_is_a_service_of_the_registry() -> None:
    modules = {module.name for module in pkgutil.iter_modules(local_services.__path__)}
    assert modules - {"base"} <= {service.name for service in REGISTRY}
    emulating = {
        service.description.name
        for service in local_services.SERVICES
        if any(operation.emulated for operation in service.operations)
    }
    # CloudWatch Logs creates nothing: it serves what the training jobs write.
    assert modules - {"base"} == emulating == set(CREATING_CALLS) | {"logs"}


@pytest.mark.parametrize("service", REGISTRY, ids=lambda service: service.name)
async def test_every_operation_reaches_its_handler_or_answers_501_naming_it(
    endpoint: LocalAws, data: Path, service: Service
) -> None:
    [local] = [s for s in local_services.SERVICES if s.description.name == service.name]
    emulated = {operation.spec.name: operation.emulated for operation in local.operations}
    async with botocore_client(
        data,
        service.name,
        endpoint.url,
        endpoint.region,
        endpoint.access_key,
        endpoint.secret_key,
        **AS_SENT,
    ) as client:
        for operation in service.operations:
            outcome = await call(client, operation)
            assert endpoint.stats.received[operation] == 1, operation
            if emulated[operation]:
                assert outcome[0] not in UNKNOWN, (operation, outcome)
            else:
                assert_not_emulated(service, operation, outcome)
    assert sum(endpoint.stats.received.values()) == len(service.operations)


@pytest.fixture
async def nothing_emulated() -> AsyncIterator[tuple[str, Stats]]:
    """The emulator as it answers services it has no module for: every service of the
    library as `not_emulated` builds it, served on loopback; its URL and counters."""
    services: list[LocalService] = []
    for name in CLIENTS:
        operations = importlib.import_module(f"aws_mlops_async.services.{name}.operations")
        services.append(not_emulated(operations.SERVICE, operations.OPERATIONS))
    clock, stats, faults = Clock(), Stats(), Faults(1)
    app = LocalApp(
        state=LocalState(clock, stats, faults=faults),
        faults=faults,
        stats=stats,
        clock=clock,
        credentials={"AKIDLOCAL": "secret"},
        region="us-east-1",
        services=services,
    )
    runner = web.AppRunner(app.application(), access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", stats
    await runner.cleanup()


@pytest.mark.parametrize("service", REGISTRY, ids=lambda service: service.name)
async def test_a_service_without_a_module_answers_501_for_every_operation(
    nothing_emulated: tuple[str, Stats], data: Path, service: Service
) -> None:
    url, stats = nothing_emulated
    async with botocore_client(
        data, service.name, url, "us-east-1", "AKIDLOCAL", "secret", **AS_SENT
    ) as client:
        for operation in service.operations:
            assert_not_emulated(service, operation, await call(client, operation))
            assert stats.received[operation] == 1, operation
