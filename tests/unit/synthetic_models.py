"""Two small services made up in botocore's forms, for the generator's tests: an awsJson one
(Tiny JSON: things) and a restJson one (Tiny REST: widgets), with an operation without output,
a paginator, waiters from a waiters-2.json and from the registry, a published waiter that
expects a code the model lacks, and the registry entries that go with them."""

from __future__ import annotations

import copy
from typing import Any

import botocore.loaders
from generator.source import ServiceData, service_data
from registry import Service

__all__ = [
    "TINY_JSON",
    "TINY_REST",
    "json_data",
    "json_documents",
    "rest_data",
    "rest_documents",
    "ruleset",
]


def ruleset(prefix: str) -> dict[str, Any]:
    """An endpoint ruleset answering ``https://<prefix>.<region>.<the partition's suffix>``
    for any region, with or without FIPS and dual-stack (a made-up service has no variants)."""
    flag = {"builtIn": "", "required": True, "default": False, "type": "Boolean"}
    return {
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": False, "type": "String"},
            "UseFIPS": {**flag, "builtIn": "AWS::UseFIPS"},
            "UseDualStack": {**flag, "builtIn": "AWS::UseDualStack"},
        },
        "rules": [
            {
                "conditions": [
                    {"fn": "isSet", "argv": [{"ref": "Region"}]},
                    {
                        "fn": "aws.partition",
                        "argv": [{"ref": "Region"}],
                        "assign": "PartitionResult",
                    },
                ],
                "endpoint": {
                    "url": f"https://{prefix}.{{Region}}.{{PartitionResult#dnsSuffix}}",
                    "properties": {},
                    "headers": {},
                },
                "type": "endpoint",
            },
            {"conditions": [], "error": "Invalid Configuration: Missing Region", "type": "error"},
        ],
    }


def _structure(members: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "type": "structure",
        "members": {name: {"shape": shape} for name, shape in members.items()},
    }
    if required:
        shape["required"] = list(required)
    return shape


#: The Tiny JSON service's documents: service-2.json, paginators-1.json, waiters-2.json.
_JSON_DOCUMENTS: dict[str, Any] = {
    "service": {
        "version": "2.0",
        "metadata": {
            "apiVersion": "2024-01-01",
            "endpointPrefix": "tinyjson",
            "jsonVersion": "1.1",
            "protocol": "json",
            "serviceFullName": "Tiny JSON",
            "serviceId": "Tiny JSON",
            "signatureVersion": "v4",
            "signingName": "tinyjson",
            "targetPrefix": "TinyJson_20240101",
            "uid": "tinyjson-2024-01-01",
        },
        "operations": {
            "GetThing": {
                "name": "GetThing",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "GetThingRequest"},
                "output": {"shape": "GetThingResponse"},
                "errors": [{"shape": "ThingNotFound"}],
                "documentation": "<p>Describes a thing.</p>",
            },
            "ForgetThing": {
                "name": "ForgetThing",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ForgetThingRequest"},
                "errors": [{"shape": "ThingNotFound"}],
                "documentation": "<p>Forgets a thing; answers nothing.</p>",
            },
            "TouchThing": {
                "name": "TouchThing",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ForgetThingRequest"},
                "errors": [{"shape": "Busy"}],
                "documentation": "<p>Not in the registry.</p>",
            },
        },
        "shapes": {
            "GetThingRequest": _structure({"Name": "ThingName"}, ("Name",)),
            "ForgetThingRequest": _structure({"Name": "ThingName"}, ("Name",)),
            "GetThingResponse": _structure(
                {"Name": "ThingName", "Status": "ThingStatus", "Size": "Size"}
            ),
            "ThingName": {"type": "string", "min": 1, "max": 8, "pattern": "^[a-z]+$"},
            "ThingStatus": {"type": "string", "enum": ["PENDING", "READY", "BROKEN"]},
            "Size": {"type": "integer"},
            "Message": {"type": "string"},
            "ThingNotFound": {
                **_structure({"Message": "Message"}),
                "exception": True,
                "documentation": "<p>No such thing.</p>",
            },
            # An error of an operation the registry leaves out: still one of the model's.
            "Busy": {
                **_structure({"Message": "Message"}),
                "exception": True,
                "error": {"httpStatusCode": 400},
                "documentation": "<p>Busy.</p>",
            },
        },
    },
    "paginators": {"pagination": {}},
    "waiters": {
        "version": 2,
        "waiters": {
            "ThingReady": {
                "operation": "GetThing",
                "delay": 5,
                "maxAttempts": 10,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "Status",
                        "state": "success",
                        "expected": "READY",
                    },
                    {
                        "matcher": "path",
                        "argument": "Status",
                        "state": "failure",
                        "expected": "BROKEN",
                    },
                    {"matcher": "error", "state": "failure", "expected": "ValidationException"},
                ],
            },
            # Published wrong: Tiny JSON answers ThingNotFound.
            "ThingGone": {
                "operation": "GetThing",
                "delay": 5,
                "maxAttempts": 10,
                "acceptors": [
                    {
                        "matcher": "error",
                        "state": "success",
                        "expected": "ResourceNotFoundException",
                    },
                    {"matcher": "error", "state": "failure", "expected": "Busy"},
                ],
            },
            # On an operation the registry leaves out: not generated, so never checked.
            "ThingTouched": {
                "operation": "TouchThing",
                "delay": 5,
                "maxAttempts": 10,
                "acceptors": [{"matcher": "error", "state": "success", "expected": "Nonsense"}],
            },
        },
    },
}

TINY_JSON = Service(
    name="tinyjson",
    title="Tiny JSON",
    client="TinyJsonClient",
    summary="things",
    operations=("GetThing", "ForgetThing"),
    waiter_error_corrections={
        "ResourceNotFoundException": (
            "ThingNotFound",
            "Tiny JSON answers a missing thing with ThingNotFound.",
        ),
        "ValidationException": (
            "ValidationException",
            "Tiny JSON answers a request it refuses so.",
        ),
    },
)

#: The Tiny REST service's documents.
_REST_DOCUMENTS: dict[str, Any] = {
    "service": {
        "version": "2.0",
        "metadata": {
            "apiVersion": "2024-02-02",
            "endpointPrefix": "tinyrest",
            "protocol": "rest-json",
            "serviceFullName": "Tiny REST",
            "serviceId": "Tiny REST",
            "signatureVersion": "v4",
            "signingName": "tinyrest",
            "uid": "tinyrest-2024-02-02",
        },
        "operations": {
            "CreateWidget": {
                "name": "CreateWidget",
                "http": {"method": "POST", "requestUri": "/widgets", "responseCode": 201},
                "input": {"shape": "CreateWidgetRequest"},
                "output": {"shape": "Widget"},
                "errors": [{"shape": "ConflictException"}],
            },
            "GetWidget": {
                "name": "GetWidget",
                "http": {"method": "GET", "requestUri": "/widgets/{widgetId}"},
                "input": {"shape": "GetWidgetRequest"},
                "output": {"shape": "Widget"},
                "errors": [{"shape": "NotFoundException"}],
            },
            "ListWidgets": {
                "name": "ListWidgets",
                "http": {"method": "GET", "requestUri": "/widgets"},
                "input": {"shape": "ListWidgetsRequest"},
                "output": {"shape": "ListWidgetsResponse"},
            },
        },
        "shapes": {
            "CreateWidgetRequest": {
                **_structure({"name": "String", "clientToken": "ClientToken"}, ("name",)),
                "members": {
                    "name": {"shape": "String"},
                    "clientToken": {"shape": "ClientToken", "idempotencyToken": True},
                },
            },
            "GetWidgetRequest": {
                "type": "structure",
                "required": ["widgetId"],
                "members": {
                    "widgetId": {"shape": "String", "location": "uri", "locationName": "widgetId"}
                },
            },
            "ListWidgetsRequest": {
                "type": "structure",
                "members": {
                    "nextToken": {
                        "shape": "String",
                        "location": "querystring",
                        "locationName": "nextToken",
                    },
                    "maxResults": {
                        "shape": "MaxResults",
                        "location": "querystring",
                        "locationName": "maxResults",
                    },
                },
            },
            "ListWidgetsResponse": _structure({"widgets": "Widgets", "nextToken": "String"}),
            "Widgets": {"type": "list", "member": {"shape": "Widget"}},
            "Widget": _structure({"widgetId": "String", "name": "String", "status": "Status"}),
            "Status": {"type": "string", "enum": ["BUILDING", "READY", "FAILED"]},
            "String": {"type": "string"},
            "ClientToken": {"type": "string", "min": 1, "max": 64},
            "MaxResults": {"type": "integer", "min": 1, "max": 100},
            "ConflictException": {
                **_structure({"message": "String"}),
                "exception": True,
                "error": {"httpStatusCode": 409, "senderFault": True},
            },
            "NotFoundException": {
                **_structure({"message": "String"}),
                "exception": True,
                "error": {"httpStatusCode": 404, "senderFault": True},
            },
        },
    },
    "paginators": {
        "pagination": {
            "ListWidgets": {
                "input_token": "nextToken",
                "output_token": "nextToken",
                "limit_key": "maxResults",
                "result_key": "widgets",
            }
        }
    },
    "waiters": {"version": 2, "waiters": {}},
}

TINY_REST = Service(
    name="tinyrest",
    title="Tiny REST",
    client="TinyRestClient",
    summary="widgets",
    operations=("CreateWidget", "GetWidget", "ListWidgets"),
    # A waiter the model lacks, as the registry declares one.
    waiters={
        "WidgetReady": {
            "operation": "GetWidget",
            "delay": 2,
            "maxAttempts": 5,
            "acceptors": [
                {"matcher": "path", "argument": "status", "state": "success", "expected": "READY"},
                {"matcher": "path", "argument": "status", "state": "failure", "expected": "FAILED"},
                {"matcher": "error", "state": "failure", "expected": "NotFoundException"},
            ],
        }
    },
)


def json_documents() -> dict[str, Any]:
    """A fresh copy of Tiny JSON's documents, for a test to change."""
    return copy.deepcopy(_JSON_DOCUMENTS)


def rest_documents() -> dict[str, Any]:
    """A fresh copy of Tiny REST's documents, for a test to change."""
    return copy.deepcopy(_REST_DOCUMENTS)


def data_of(service: Service, documents: dict[str, Any]) -> ServiceData:
    """The generator's data of ``service`` from ``documents`` (botocore's partitions)."""
    return service_data(
        service,
        model=documents["service"],
        paginators=documents["paginators"],
        waiters=documents["waiters"],
        ruleset=ruleset(documents["service"]["metadata"]["endpointPrefix"]),
        partitions=botocore.loaders.create_loader().load_data("partitions"),
        source=f"the made-up {service.title} model",
    )


def json_data(service: Service = TINY_JSON, documents: dict[str, Any] | None = None) -> ServiceData:
    """Tiny JSON's data, as the registry entry ``service`` takes it."""
    return data_of(service, documents or json_documents())


def rest_data(service: Service = TINY_REST, documents: dict[str, Any] | None = None) -> ServiceData:
    """Tiny REST's data, as the registry entry ``service`` takes it."""
    return data_of(service, documents or rest_documents())
