"""Validation properties: a request that breaks one constraint of its service model (or of the
seeds' tighter bounds) is refused by the client method with a ValidationError naming that
member, and nothing reaches the network.

The constraints are read from botocore's input shapes, one test per constraint: required
members, string lengths, patterns and enums, integer ranges, list and map sizes, and the bounds
of map keys and values, at every depth.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from aioresponses import aioresponses
from botocore.validate import ParamValidator
from botocore_oracle import OPERATIONS, Operation, offline_session
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_SITE
from shape_strategies import (
    WRONG_TYPES,
    Builder,
    Site,
    fits_pattern,
    request_params,
    single_edits,
    to_python_names,
    violating,
    violation_sites,
    with_value,
)

from aws_mlops_async import Config, ValidationError
from aws_mlops_async.client import BaseClient


def distinct(sites: list[Site]) -> list[Site]:
    """One site per constraint of a structure's member (the one reached by the shortest path):
    the same class field, reached from several operations or parents, is checked once."""
    chosen: dict[tuple[str, str | None, str | None, str, str], Site] = {}
    for site in sites:
        # Per service: two services' shapes may share a name (Tag) and not their bounds.
        key = (site.operation.service, site.owner, site.member, site.kind, site.shape.name)
        if key not in chosen or len(site.path) < len(chosen[key].path):
            chosen[key] = site
    return list(chosen.values())


ALL_SITES = distinct([site for operation in OPERATIONS for site in violation_sites(operation)])
SITES = [site for site in ALL_SITES if site.kind != "type"]
TYPE_SITES = [site for site in ALL_SITES if site.kind == "type"]


def segments(path: str | tuple[str, ...]) -> list[str]:
    """A field path's steps, spelled so a Python name and its wire name compare equal
    (pydantic names a missing member by its wire name)."""
    steps = re.findall(r"\[\d+\]|[^.\[\]]+", path) if isinstance(path, str) else path
    return [step.lower().replace("_", "") for step in steps]


def within(field: str, site: Site) -> bool:
    expected = segments(site.field)
    return segments(field)[: len(expected)] == expected


@pytest.mark.parametrize("site", SITES, ids=str)
@EACH_SITE
@given(data=st.data())
async def test_a_broken_constraint_is_refused_before_anything_is_sent(
    aws_mock: aioresponses, site: Site, data: st.DataObject
) -> None:
    params = data.draw(violating(site), label="params")
    operation = site.operation
    kwargs = to_python_names(operation.model.input_shape, params)
    async with offline_session(Config(max_attempts=1)) as session:
        method = getattr(operation.client(session), operation.method_name)
        with pytest.raises(ValidationError) as caught:
            await method(**kwargs)
    error = caught.value
    assert error.operation_name == operation.name
    assert error.fields, error
    assert all(within(field, site) for field in error.fields), (error.fields, site.field)
    assert aws_mock.requests == {}


@pytest.mark.parametrize("site", TYPE_SITES, ids=str)
@EACH_SITE
@given(data=st.data())
async def test_a_value_of_the_wrong_type_is_refused_never_coerced(
    aws_mock: aioresponses, site: Site, data: st.DataObject
) -> None:
    """No "5" for an int, no 1 for a bool, no bytes for a str, no 5.0 for an int: each
    member's wrong types are refused naming it, as botocore's parameter validation refuses
    them (where this library is stricter, the table says why, and botocore shows it)."""
    params = data.draw(request_params(site.operation, force=site.path), label="params")
    operation = site.operation
    validator = ParamValidator()
    for bad, stricter_than_botocore in WRONG_TYPES[site.shape.type_name]:
        wire = with_value(params, site.path, bad)
        report = validator.validate(wire, operation.model.input_shape)
        botocore_refuses = any(kind == "invalid type" for kind, *_ in report._errors)
        assert botocore_refuses == (stricter_than_botocore is None), (bad, report.generate_report())
        kwargs = to_python_names(operation.model.input_shape, wire)
        async with offline_session(Config(max_attempts=1)) as session:
            method = getattr(operation.client(session), operation.method_name)
            with pytest.raises(ValidationError) as caught:
                await method(**kwargs)
        assert all(within(field, site) for field in caught.value.fields), (bad, caught.value)
    assert aws_mock.requests == {}
    if site.shape.type_name in ("double", "float"):  # an int for a float is fine, as in botocore
        wire = with_value(params, site.path, 7)
        assert not validator.validate(wire, operation.model.input_shape).has_errors()
        fields = to_python_names(operation.model.input_shape, wire)
        assert refusal(operation.client(SESSION), operation, fields) is None


def refusal(client: BaseClient, operation: Operation, fields: dict[str, Any]) -> Any:
    """The ValidationError building the request raises, or None."""
    try:
        client.build_request(operation.spec, fields)
    except ValidationError as error:
        return error
    return None


PATTERN_SITES = [site for site in SITES if site.kind == "pattern"]
SESSION = offline_session()


@pytest.mark.parametrize("site", PATTERN_SITES, ids=str)
@EACH_SITE
@given(data=st.data())
def test_a_pattern_admits_exactly_what_the_service_model_pattern_admits(
    site: Site, data: st.DataObject
) -> None:
    """Every one-character edit of a valid value is accepted if, and only if, it matches the
    model's pattern as the service reads it (ASCII \\d and \\w; `.` short of line ends)."""
    bounds = site.bounds
    assert bounds.pattern is not None
    operation = site.operation
    client = operation.client(SESSION)
    params = data.draw(request_params(operation, force=site.path), label="params")
    text = data.draw(Builder(operation.service).valid_string(bounds), label="value")
    for edit in single_edits(text):
        if not (bounds.min or 0) <= len(edit) <= (bounds.max or len(edit)):
            continue
        fields = to_python_names(operation.model.input_shape, with_value(params, site.path, edit))
        error = refusal(client, operation, fields)
        if fits_pattern(bounds.pattern, edit):
            assert error is None, f"{edit!r} refused: {error}"
        else:
            assert error is not None, f"{edit!r} accepted"
            assert all(within(field, site) for field in error.fields), error.fields


def test_every_kind_of_constraint_is_exercised() -> None:
    """The generic walk found each kind of constraint the issue names, where it names them."""
    kinds = Counter(site.kind for site in SITES)
    for kind in (
        "required",
        "min_length",
        "max_length",
        "pattern",
        "enum",
        "min_value",
        "max_value",
        "min_items",
        "max_items",
    ):
        assert kinds[kind], kind
    named = {(site.operation.name, str(site).split(":", 1)[1]) for site in SITES}
    for expected in [
        ("StartNotebookRun", "parameters:max_items"),
        ("StartNotebookRun", "parameters.<key>:max_length"),
        ("StartNotebookRun", "parameters.<value>:max_length"),
        ("StartNotebookRun", "metadata:max_items"),
        ("StartNotebookRun", "metadata.<key>:max_length"),
        ("StartNotebookRun", "metadata.<value>:max_length"),
        ("StartNotebookRun", "timeoutConfiguration.runTimeoutInMinutes:min_value"),
        ("StartNotebookRun", "timeoutConfiguration.runTimeoutInMinutes:max_value"),
        ("SubmitServiceJob", "tags:max_items"),
        ("SubmitServiceJob", "jobName:pattern"),
        ("SubmitServiceJob", "jobName:max_length"),
        ("SubmitServiceJob", "schedulingPriority:max_value"),
        ("UpdateImageVersion", "Version:max_value"),
        ("StartModelPackagingJob", "Configuration.Greengrass.Tags[0].Key:pattern"),
    ]:
        assert expected in named, expected
