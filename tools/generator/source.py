"""Where a service's AWS models come from: botocore's installed data, or a folder of the
project (a service botocore no longer ships)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore
import botocore.exceptions
import botocore.loaders
from registry import Service

__all__ = ["ServiceData", "load", "service_data"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ServiceData:
    """A service's model, paginators, waiters and endpoint ruleset, and where they came from."""

    service: Service
    model: dict[str, Any]
    paginators: dict[str, Any]
    waiters: dict[str, Any]
    ruleset: dict[str, Any]
    partitions: dict[str, Any]
    source: str

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
    loader = botocore.loaders.create_loader()
    partitions = loader.load_data("partitions")
    if service.model_dir is not None:
        folder = ROOT / service.model_dir
        model = json.loads((folder / "service-2.json").read_text())
        paginators = json.loads((folder / "paginators-1.json").read_text())
        waiters_file = folder / "waiters-2.json"
        waiters = json.loads(waiters_file.read_text()) if waiters_file.exists() else {}
        ruleset = json.loads((folder / "endpoint-rule-set-1.json").read_text())
        source = f"the model in {service.model_dir}"
    else:
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
        partitions=partitions,
        source=source,
    )


def service_data(
    service: Service,
    *,
    model: dict[str, Any],
    paginators: dict[str, Any],
    waiters: dict[str, Any],
    ruleset: dict[str, Any],
    partitions: dict[str, Any],
    source: str,
) -> ServiceData:
    """A service's data from its documents in botocore's forms (service-2.json,
    paginators-1.json, waiters-2.json, endpoint-rule-set-1.json and partitions.json), wherever
    they were read from, or made up by a test; the model is completed in place."""
    _give_every_operation_an_output(model, service.operations)
    return ServiceData(
        service=service,
        model=model,
        paginators=paginators.get("pagination", {}),
        waiters=waiters.get("waiters", {}),
        ruleset=ruleset,
        partitions=partitions,
        source=source,
    )


def _give_every_operation_an_output(model: dict[str, Any], operations: tuple[str, ...]) -> None:
    """An operation the model gives no output (StopTrainingJob) gets an empty structure
    ``<Operation>Response``, so that its call, like every other, returns a response model
    (which carries the response metadata)."""
    for name in operations:
        operation = model["operations"][name]
        if "output" in operation:
            continue
        shape = f"{name}Response"
        if shape in model["shapes"]:
            raise ValueError(f"{name} has no output, and its {shape} is taken")
        model["shapes"][shape] = {"type": "structure", "members": {}}
        operation["output"] = {"shape": shape}
