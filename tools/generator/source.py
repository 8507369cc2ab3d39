"""Where a service's AWS models come from: botocore's installed data, or a folder holding a
model in botocore's layout (a service botocore no longer ships, or any model given to
``tools/generate_services.py --model-dir``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore
import botocore.exceptions
import botocore.loaders
from registry import Service

__all__ = ["ServiceData", "load", "load_model_dir", "service_data"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ServiceData:
    """A service's model, paginators, waiters and endpoint ruleset, where they came from, and
    the package its code is generated into."""

    service: Service
    model: dict[str, Any]
    paginators: dict[str, Any]
    waiters: dict[str, Any]
    ruleset: dict[str, Any]
    partitions: dict[str, Any]
    source: str
    #: The import path of the service's generated package.
    package: str

    @property
    def shapes(self) -> dict[str, Any]:
        """The model's shapes, by name."""
        shapes: dict[str, Any] = self.model["shapes"]
        return shapes

    @property
    def metadata(self) -> dict[str, Any]:
        """The model's metadata (protocol, signing name, service id, ...)."""
        metadata: dict[str, Any] = self.model["metadata"]
        return metadata

    def operation(self, name: str) -> dict[str, Any]:
        """One operation of the model."""
        operation: dict[str, Any] = self.model["operations"][name]
        return operation


def load(service: Service) -> ServiceData:
    """The data of a registry entry's service."""
    package = f"aws_mlops_async.services.{service.name}"
    if service.model_dir is not None:
        return _from_folder(service, ROOT / service.model_dir, service.model_dir, package)
    loader = botocore.loaders.create_loader()
    model = loader.load_service_model(service.name, "service-2")
    paginators = loader.load_service_model(service.name, "paginators-1")
    try:
        waiters = loader.load_service_model(service.name, "waiters-2")
    except botocore.exceptions.UnknownServiceError:
        waiters = {}
    ruleset = loader.load_service_model(service.name, "endpoint-rule-set-1")
    api = model["metadata"]["apiVersion"]
    source = f"botocore {botocore.__version__}'s {service.name} {api} model"
    return service_data(
        service,
        model=model,
        paginators=paginators,
        waiters=waiters,
        ruleset=ruleset,
        source=source,
        package=package,
    )


def load_model_dir(folder: Path, package: str) -> ServiceData:
    """The data of the model in ``folder`` (service-2.json and endpoint-rule-set-1.json,
    paginators-1.json and waiters-2.json if there), every operation of it, generated into
    ``package``."""
    model = json.loads((folder / "service-2.json").read_text())
    metadata = model["metadata"]
    service_id = metadata.get("serviceId") or metadata["endpointPrefix"]
    title = metadata.get("serviceFullName") or service_id
    service = Service(
        name=package.rpartition(".")[2],
        title=title,
        client="".join(word[:1].upper() + word[1:] for word in service_id.split()) + "Client",
        summary=f"every operation of the {title} model",
        operations=tuple(model["operations"]),
        model_dir=str(folder),
    )
    return _from_folder(service, folder, folder.name, package)


def _from_folder(service: Service, folder: Path, name: str, package: str) -> ServiceData:
    model = json.loads((folder / "service-2.json").read_text())
    paginators = _optional(folder / "paginators-1.json")
    waiters = _optional(folder / "waiters-2.json")
    ruleset = json.loads((folder / "endpoint-rule-set-1.json").read_text())
    return service_data(
        service,
        model=model,
        paginators=paginators,
        waiters=waiters,
        ruleset=ruleset,
        source=f"the model in {name}",
        package=package,
    )


def _optional(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return document


def service_data(
    service: Service,
    *,
    model: dict[str, Any],
    paginators: dict[str, Any],
    waiters: dict[str, Any],
    ruleset: dict[str, Any],
    source: str,
    package: str | None = None,
    partitions: dict[str, Any] | None = None,
) -> ServiceData:
    """A service's data from its documents in botocore's forms (service-2.json,
    paginators-1.json, waiters-2.json, endpoint-rule-set-1.json and partitions.json, else
    botocore's), wherever they were read from or made up by a test, generated into
    ``package`` (else ``aws_mlops_async.services.<name>``); the model is completed in place."""
    _give_every_operation_an_input_and_an_output(model, service.operations)
    return ServiceData(
        service=service,
        model=model,
        paginators=_with_declared(service, paginators.get("pagination", {})),
        waiters=waiters.get("waiters", {}),
        ruleset=ruleset,
        partitions=partitions or botocore.loaders.create_loader().load_data("partitions"),
        source=source,
        package=package or f"aws_mlops_async.services.{service.name}",
    )


def _with_declared(service: Service, paginators: dict[str, Any]) -> dict[str, Any]:
    """The model's paginators and those the registry declares for operations it has none
    for; a declared one the model has too is refused (one of the two would be ignored)."""
    both = sorted(set(service.paginators) & set(paginators))
    if both:
        raise ValueError(f"{service.name}: the model has paginators for {both} already")
    return {**paginators, **service.paginators}


def _give_every_operation_an_input_and_an_output(
    model: dict[str, Any], operations: tuple[str, ...]
) -> None:
    """An operation the model gives no input (or no output: StopTrainingJob) gets an empty
    structure ``<Operation>Request`` (``<Operation>Response``), so that its call, like every
    other, takes a request model and returns a response model (which carries the response
    metadata)."""
    for name in operations:
        operation = model["operations"][name]
        for side, suffix in (("input", "Request"), ("output", "Response")):
            if side in operation:
                continue
            shape = f"{name}{suffix}"
            if shape in model["shapes"]:
                raise ValueError(f"{name} has no {side}, and its {shape} is taken")
            model["shapes"][shape] = {"type": "structure", "members": {}}
            operation[side] = {"shape": shape}
