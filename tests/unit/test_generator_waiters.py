"""Every generated waiter's error matchers against its service's modeled error codes
(generator/waiter_errors.py), on the made-up services of synthetic_models.py and on the
registry's own."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from generator import GenerationError
from generator.shapes import ServiceShapes
from generator.source import load
from generator.specs import Waiter, waiters
from generator.waiter_errors import modeled_codes
from registry import SERVICES, Service
from synthetic_models import TINY_JSON, TINY_REST, json_data, json_documents, rest_data


def generated(data: Any) -> dict[str, Waiter]:
    return {waiter.name: waiter for waiter in waiters(ServiceShapes(data))}


def error_codes(waiter: Waiter) -> list[tuple[str, str]]:
    return [
        (a["state"], a["expected"]) for a in waiter.config["acceptors"] if a["matcher"] == "error"
    ]


def corrected(service: Service, **corrections: tuple[str, str]) -> Service:
    return dataclasses.replace(service, waiter_error_corrections=corrections)


def test_a_code_the_model_lacks_stops_generation_naming_service_waiter_and_code() -> None:
    service = corrected(TINY_JSON, ValidationException=("ValidationException", "it does."))
    with pytest.raises(GenerationError) as refused:
        waiters(ServiceShapes(json_data(service)))
    message = str(refused.value)
    assert message.startswith(
        "tinyjson: waiter ThingGone waits for the error ResourceNotFoundException"
    )
    assert "its errors: Busy, ThingNotFound" in message
    assert "waiter_error_corrections={'ResourceNotFoundException':" in message


def test_the_first_unexplained_code_of_any_waiter_is_named() -> None:
    with pytest.raises(GenerationError, match=r"waiter ThingGone .* ResourceNotFoundException"):
        waiters(ServiceShapes(json_data(corrected(TINY_JSON))))
    service = corrected(TINY_JSON, ResourceNotFoundException=("ThingNotFound", "it does."))
    with pytest.raises(GenerationError, match=r"waiter ThingReady .* ValidationException"):
        waiters(ServiceShapes(json_data(service)))


def test_a_correction_replaces_the_code_in_every_waiter_that_expects_it() -> None:
    documents = json_documents()
    published = documents["waiters"]["waiters"]
    published["ThingGoneAgain"] = {**published["ThingGone"]}
    found = generated(json_data(TINY_JSON, documents))
    for name in ("ThingGone", "ThingGoneAgain"):
        assert error_codes(found[name]) == [
            ("success", "ThingNotFound"),
            ("failure", "Busy"),
        ]
        assert found[name].notes == {
            0: "The published waiter expects ResourceNotFoundException: Tiny JSON answers a "
            "missing thing with ThingNotFound."
        }


def test_a_correction_to_the_same_code_keeps_it_and_says_why() -> None:
    ready = generated(json_data())["ThingReady"]
    assert error_codes(ready) == [("failure", "ValidationException")]
    assert ready.notes == {
        2: "ValidationException, not in the model: Tiny JSON answers a request it refuses so."
    }


def test_acceptors_other_than_corrected_errors_are_left_as_published() -> None:
    documents = json_documents()
    ready = generated(json_data(TINY_JSON, documents))["ThingReady"]
    published = documents["waiters"]["waiters"]["ThingReady"]["acceptors"]
    assert ready.config["acceptors"][:2] == published[:2]
    assert (ready.config["delay"], ready.config["maxAttempts"]) == (5, 10)


def test_a_code_modeled_only_by_an_operation_left_out_counts() -> None:
    data = json_data()
    assert {"Busy", "ThingNotFound"} == modeled_codes(data.shapes)
    assert "Busy" not in ServiceShapes(data).errors  # no operation of the registry names it
    assert ("failure", "Busy") in error_codes(generated(data)["ThingGone"])


def test_a_correction_without_a_reason_is_refused() -> None:
    service = corrected(
        TINY_JSON,
        ResourceNotFoundException=("ThingNotFound", "  "),
        ValidationException=("ValidationException", "it does."),
    )
    with pytest.raises(GenerationError, match=r"\['ResourceNotFoundException'\] gives no reason"):
        waiters(ServiceShapes(json_data(service)))


def test_a_correction_no_waiter_needs_is_refused_as_stale() -> None:
    service = dataclasses.replace(
        TINY_JSON,
        waiter_error_corrections={
            **TINY_JSON.waiter_error_corrections,
            "GoneException": ("ThingNotFound", "it was once published so."),
            "ThingNotFound": ("Busy", "a code the model has needs no correction."),
        },
    )
    with pytest.raises(
        GenerationError,
        match=r"^tinyjson: waiter_error_corrections for GoneException, ThingNotFound, which no ",
    ):
        waiters(ServiceShapes(json_data(service)))


def test_a_waiter_of_the_registry_is_held_to_the_model_too() -> None:
    service = dataclasses.replace(
        TINY_REST,
        waiters={
            "WidgetGone": {
                "operation": "GetWidget",
                "delay": 1,
                "maxAttempts": 2,
                "acceptors": [
                    {"matcher": "error", "state": "success", "expected": "WidgetNotFound"}
                ],
            }
        },
    )
    with pytest.raises(GenerationError, match=r"tinyrest: waiter WidgetGone .* WidgetNotFound"):
        waiters(ServiceShapes(rest_data(service)))
    fixed = corrected(service, WidgetNotFound=("NotFoundException", "Tiny REST answers 404s so."))
    assert error_codes(generated(rest_data(fixed))["WidgetGone"]) == [
        ("success", "NotFoundException")
    ]


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_every_registry_waiter_waits_only_for_codes_its_service_answers(service: Service) -> None:
    data = load(service)
    codes = modeled_codes(data.shapes)
    answered = {answer for answer, _ in service.waiter_error_corrections.values()}
    for waiter in waiters(ServiceShapes(data)):
        for _, code in error_codes(waiter):
            assert code in codes or code in answered, (waiter.name, code)
