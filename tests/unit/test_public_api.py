"""The public surface: names exported, documented and light to import; clients match models."""

from __future__ import annotations

import importlib
import inspect
import pickle
import subprocess
import sys
import typing
from typing import Any

import pytest
from registry import SERVICES
from support import service_document

import aws_mlops_async
from aws_mlops_async import (
    AwsError,
    ConnectionFailed,
    ServiceError,
    Timeout,
    TransportError,
    ValidationError,
)
from aws_mlops_async._session_clients import client_class
from aws_mlops_async.client import BaseClient
from aws_mlops_async.errors import ErrorCatalog, FieldProblem
from aws_mlops_async.protocol.spec import OperationSpec
from aws_mlops_async.services.batch.client import BatchClient
from aws_mlops_async.services.batch.errors import ClientException, ServerException

CLIENTS: list[type[BaseClient]] = [client_class(service.name) for service in SERVICES]

PUBLIC_MODULES = [
    "aws_mlops_async",
    "aws_mlops_async.bulk",
    "aws_mlops_async.config",
    "aws_mlops_async.credentials",
    "aws_mlops_async.errors",
    "aws_mlops_async.pagination",
    "aws_mlops_async.waiters",
    "aws_mlops_async.session",
    "aws_mlops_async.retries",
    "aws_mlops_async.signing",
    "aws_mlops_async.cli",
    "aws_mlops_async.contrib.fastapi",
    *(
        f"aws_mlops_async.services.{s}.{m}"
        for s in [service.name for service in SERVICES]
        for m in ("client", "models", "errors", "operations")
    ),
    "aws_mlops_async.local",
    *(
        f"aws_mlops_async.local.{name}"
        for name in (
            "__main__",
            "app",
            "clock",
            "errors",
            "faults",
            "pagination",
            "pytest_plugin",
            "server",
            "settings",
            "sigv4",
            "state",
            "stats",
            "wire",
            "services",
            "services.base",
            "services.batch",
            "services.datazone",
            "services.lookoutvision",
            "services.sagemaker",
        )
    ),
]


def test_the_root_exports_what_the_issue_names() -> None:
    for name in (
        "Session",
        "Config",
        "PaginationConfig",
        "AwsError",
        "ServiceError",
        "ConnectionFailed",
        "Timeout",
        "ValidationError",
    ):
        assert name in aws_mlops_async.__all__
        assert getattr(aws_mlops_async, name) is not None


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_exported_name_exists_and_is_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__
    exported = module.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        value = getattr(module, name)
        if typing.get_origin(value) is not None:
            continue  # a type alias (Python 3.10 counts Callable[...] as a class)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__ and value.__doc__.strip(), f"{module_name}.{name}: no docstring"
            for member_name, member in vars(value).items():
                if inspect.isfunction(member) and not member_name.startswith("_"):
                    assert member.__doc__, f"{module_name}.{name}.{member_name}: no docstring"
    public_classes = {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    assert public_classes <= set(exported), f"not exported: {public_classes - set(exported)}"


def test_importing_the_package_does_not_import_botocore() -> None:
    code = (
        "import sys, aws_mlops_async; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('botocore', 'aiobotocore')]; "
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


LOADED_SERVICES = """
import sys
def loaded():
    return sorted({m.split(".")[2] for m in sys.modules
                   if m.startswith("aws_mlops_async.services.") and m.count(".") >= 3})
"""


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", LOADED_SERVICES + code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_importing_the_package_loads_no_service_and_no_bulk_engine() -> None:
    out = _run("import aws_mlops_async; print(loaded(), 'aws_mlops_async.bulk' in sys.modules)")
    assert out == "[] False"


def test_a_client_loads_only_its_own_service_and_its_calls_only_their_models() -> None:
    code = """
from aws_mlops_async import Session
from aws_mlops_async.services.batch import operations
session = Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
session.batch
print(loaded(), [m for m in sys.modules if "._models." in m])
session.batch.build_request(operations.SUBMIT_SERVICE_JOB, {
    "job_name": "j", "job_queue": "q", "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}"})
print(sorted(m.rsplit(".", 1)[1] for m in sys.modules if "._models." in m))
"""
    touched, called = _run(code).splitlines()
    assert touched == "['batch'] []"
    assert called == "['_submit_service_job', '_types']"


def test_the_error_families_stay_apart() -> None:
    assert issubclass(ServiceError, AwsError)
    assert issubclass(ClientException, ServiceError)
    for transport in (ConnectionFailed, Timeout):
        assert issubclass(transport, TransportError) and issubclass(transport, AwsError)
        assert not issubclass(transport, ServiceError)
    assert not issubclass(ValidationError, (ServiceError, TransportError))
    assert BatchClient.exceptions.ClientException is ClientException
    assert BatchClient.exceptions.error_class("ServerException") is ServerException
    assert BatchClient.exceptions.error_class("SomethingNew") is BatchClient.exceptions.base


def test_every_client_exposes_its_modeled_errors() -> None:
    for client in CLIENTS:
        catalog = client.exceptions
        assert issubclass(catalog, ErrorCatalog)
        modeled = {e["shape"] for op in _operations(client) for e in op.get("errors", [])}
        for code in modeled:
            error_class = getattr(catalog, code)
            assert issubclass(error_class, catalog.base) and error_class.__name__ == code


def _operations(client: type[BaseClient]) -> list[dict[str, Any]]:
    model = service_document(client.service.name, "service-2")
    specs = _specs(client)
    return [model["operations"][spec.name] for spec in specs]


def _specs(client: type[BaseClient]) -> list[OperationSpec[Any, Any]]:
    return list(client.operation_specs)


def test_errors_survive_pickling() -> None:
    errors: list[AwsError] = [
        ClientException(
            "ClientException", "bad", status_code=400, request_id="r", operation_name="Op"
        ),
        ConnectionFailed("lost", operation_name="Op"),
        ValidationError("Op", [FieldProblem("job_name", "too long")]),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.__dict__ == error.__dict__
