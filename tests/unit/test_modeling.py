"""Models: strict requests, lenient responses, secrets kept secret, timestamps, field names."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Annotated

import pydantic
import pytest
from botocore.serialize import Serializer
from pydantic import StringConstraints

from aws_mlops_async import ValidationError
from aws_mlops_async.modeling import (
    REVEAL_ON_WIRE,
    Blob,
    HeaderDates,
    HeaderJson,
    HeaderList,
    RequestModel,
    ResponseBlob,
    ResponseModel,
    ResponseTimestamp,
    SecretValue,
    Sensitive,
    TimestampFormat,
    parse_response,
    timestamp_text,
    wire_json,
)
from aws_mlops_async.services.batch.models import (
    ServiceJobRetryStrategy,
    SubmitServiceJobRequest,
)
from aws_mlops_async.services.datazone.models import GetNotebookRunOutput, StartNotebookRunInput
from aws_mlops_async.services.sagemaker.models import (
    ListImageVersionsRequest,
    UpdateImageVersionRequest,
)

VALID_JOB = {
    "jobName": "train-1",
    "jobQueue": "queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": "{}",
}


def test_fields_take_python_or_wire_names_and_nested_models_or_dicts() -> None:
    by_wire = SubmitServiceJobRequest.model_validate(
        {**VALID_JOB, "retryStrategy": {"attempts": 2}}
    )
    by_name = SubmitServiceJobRequest(
        job_name="train-1",
        job_queue="queue",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload="{}",
        retry_strategy=ServiceJobRetryStrategy(attempts=2),
    )
    assert by_wire == by_name
    assert by_wire.model_dump(mode="json", exclude_none=True)["retryStrategy"] == {"attempts": 2}


def test_requests_refuse_unknown_fields_even_nested() -> None:
    with pytest.raises(ValidationError) as caught:
        SubmitServiceJobRequest.model_validate({**VALID_JOB, "retryStrategy": {"atempts": 2}})
    assert "retry_strategy.atempts" in caught.value.fields


def test_responses_accept_new_enum_values_new_fields_and_out_of_pattern_values() -> None:
    body = json.dumps(
        {
            "id": "run-1",
            "domainId": "dzd_1",
            "owningProjectId": "p",
            "notebookId": "n",
            "status": "PAUSED_FOR_LUNCH",
            "networkConfiguration": {"networkAccessType": "SATELLITE", "brandNew": [1, 2]},
            "computeConfiguration": {"instanceType": "not-an-instance-type"},
            "aNewTopLevelField": {"x": 1},
            "createdAt": 1700000000,
        }
    ).encode()
    run = parse_response(GetNotebookRunOutput, body)
    assert run.status == "PAUSED_FOR_LUNCH"
    assert run.network_configuration is not None
    assert run.network_configuration.network_access_type == "SATELLITE"
    assert run.compute_configuration is not None
    assert run.compute_configuration.instance_type == "not-an-instance-type"
    assert run.created_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)


def test_responses_still_need_their_required_members() -> None:
    with pytest.raises(pydantic.ValidationError):
        parse_response(GetNotebookRunOutput, b'{"id": "run-1"}')


def test_sensitive_members_are_redacted_everywhere_but_the_wire() -> None:
    request = StartNotebookRunInput(
        domain_identifier="dzd_1",
        owning_project_identifier="p",
        notebook_identifier="n",
        parameters={"db_password": "p4ssw0rd-PARAM"},
        metadata={"owner": "alice-META"},
    )
    shown = repr(request) + str(request) + str(request.model_dump())
    assert "p4ssw0rd-PARAM" not in shown and "db_password" not in shown
    assert "alice-META" not in shown
    assert "p4ssw0rd-PARAM" not in request.model_dump_json()
    wire = json.loads(wire_json(request))
    assert wire["parameters"] == {"db_password": "p4ssw0rd-PARAM"}
    assert wire["metadata"] == {"owner": "alice-META"}


class _Tokens(RequestModel):
    tokens: list[
        Annotated[Sensitive[Annotated[str, StringConstraints(max_length=8)]], REVEAL_ON_WIRE]
    ]


def test_a_sensitive_list_set_later_is_masked_and_still_checked_when_sent() -> None:
    """A list of sensitive strings given after the model was made (an attribute, a
    ``model_copy``) is kept masked item by item, and each item is still validated."""
    made = _Tokens(tokens=["a"])
    made.tokens = ["TOPSECRET"]
    copied = made.model_copy(update={"tokens": ["ok", "TOPSECRET"]})
    for model in (made, copied):
        assert all(isinstance(token, SecretValue) for token in model.tokens)
        assert "TOPSECRET" not in repr(model) + str(model.model_dump())
    with pytest.raises(ValidationError) as caught:  # "TOPSECRET" is 9 characters
        _Tokens.model_validate(copied)
    assert caught.value.fields == ("tokens[1]",)
    assert "TOPSECRET" not in str(caught.value)


def test_errors_about_sensitive_maps_name_the_field_but_never_a_key_or_value() -> None:
    secret = "TOPSECRET-" + "x" * 2000
    with pytest.raises(ValidationError) as caught:  # the library's, from the constructor
        StartNotebookRunInput(
            domain_identifier="dzd_1",
            owning_project_identifier="p",
            notebook_identifier="n",
            parameters={secret: secret},
        )
    error = caught.value
    assert error.fields == ("parameters",)
    assert "TOPSECRET" not in str(error) and "TOPSECRET" not in repr(error)


@pytest.mark.parametrize(
    ("count", "key", "value", "problem"),
    [
        (51, "k", "v", "at most 50 entries"),
        (1, "k" * 129, "v", "Keys"),
        (1, "k", "v" * 1025, "Values"),
    ],
)
def test_sensitive_map_bounds(count: int, key: str, value: str, problem: str) -> None:
    entries = {f"{key}{i}" if count > 1 else key: value for i in range(count)}
    with pytest.raises(ValidationError, match=problem):
        StartNotebookRunInput(
            domain_identifier="dzd_1",
            owning_project_identifier="p",
            notebook_identifier="n",
            parameters=entries,
        )


def test_validation_error_paths_are_dotted_python_names() -> None:
    with pytest.raises(ValidationError) as caught:
        StartNotebookRunInput(
            domain_identifier="dzd_1",
            owning_project_identifier="p",
            notebook_identifier="n",
            timeout_configuration={"run_timeout_in_minutes": 59},
            network_configuration={"network_access_type": "VPC_ONLY", "subnet_ids": ["s"] * 11},
        )
    fields = set(caught.value.fields)
    assert fields == {
        "timeout_configuration.run_timeout_in_minutes",
        "network_configuration.subnet_ids",
    }


@pytest.mark.parametrize(
    ("version", "ok"),
    [(0, True), (1152921504606846976, True), (-1, False), (1152921504606846977, False)],
)
def test_image_version_numbers_are_bounded_as_the_seed_says(version: int, ok: bool) -> None:
    if ok:
        assert UpdateImageVersionRequest(image_name="img", version=version).version == version
    else:
        with pytest.raises(ValidationError):
            UpdateImageVersionRequest(image_name="img", version=version)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("a" * 128, True),
        ("a" * 129, False),
        ("with space", False),
        ("under_score-dash9", True),
        ("", False),
        ("name\n", False),
    ],
)
def test_batch_job_names(name: str, ok: bool) -> None:
    if ok:
        SubmitServiceJobRequest.model_validate({**VALID_JOB, "jobName": name})
    else:
        with pytest.raises(ValidationError):
            SubmitServiceJobRequest.model_validate({**VALID_JOB, "jobName": name})


@pytest.mark.parametrize(
    ("alias", "ok"),
    [("stable", True), ("v1.2-rc_3", True), (".hidden", False), ("-dash", False), ("a b", False)],
)
def test_patterns_must_match_the_whole_value(alias: str, ok: bool) -> None:
    if ok:
        UpdateImageVersionRequest(image_name="img", alias=alias)
    else:
        with pytest.raises(ValidationError):
            UpdateImageVersionRequest(image_name="img", alias=alias)


def test_timestamps_are_aware_and_serialize_like_botocore() -> None:
    naive = ListImageVersionsRequest(image_name="img", creation_time_after=datetime(2024, 1, 1))
    assert naive.creation_time_after == datetime(2024, 1, 1, tzinfo=timezone.utc)
    offset = ListImageVersionsRequest(
        image_name="img",
        creation_time_after=datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
        creation_time_before=datetime(2024, 1, 1, 0, 0, 0, 1),
    )
    wire = json.loads(offset.model_dump_json(exclude_none=True))
    assert wire["CreationTimeAfter"] == 1704067200
    assert isinstance(wire["CreationTimeAfter"], int)
    assert wire["CreationTimeBefore"] == 1704067200.000001


MOMENTS = [
    datetime(2019, 12, 16, 23, 48, 18),
    datetime(2019, 12, 16, 23, 48, 18, 123000, tzinfo=timezone.utc),
    datetime(2000, 1, 2, 20, 34, 56, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-8))),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
@pytest.mark.parametrize("time_format", ["unixTimestamp", "iso8601", "rfc822"])
def test_timestamps_are_written_as_botocore_writes_them(
    moment: datetime, time_format: TimestampFormat
) -> None:
    """Fractional seconds included: ISO 8601 with microseconds when there are some, epoch
    seconds with a fraction; an HTTP date in whole seconds."""
    theirs = Serializer()._convert_timestamp_to_str(moment, time_format)
    assert timestamp_text(moment, time_format) == str(theirs)


class _Wire(RequestModel):
    blob: Blob
    number: float


class _Read(ResponseModel):
    blob: ResponseBlob
    number: float
    when: ResponseTimestamp
    items: HeaderList[int]
    dates: HeaderDates
    document: HeaderJson


def test_blobs_travel_in_base64_and_nan_and_infinities_as_the_protocols_spell_them() -> None:
    for number, text in [
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (-float("inf"), "-Infinity"),
    ]:
        wire = json.loads(wire_json(_Wire(blob=b"\x00binary", number=number)))
        assert wire == {"blob": "AGJpbmFyeQ==", "number": text}
    with pytest.raises(ValidationError):
        _Wire(blob="text", number=1.0)  # type: ignore[arg-type]  # no str for bytes


def test_responses_read_every_form_a_service_sends() -> None:
    body = {
        "blob": "AGJpbmFyeQ==",
        "number": "-Infinity",
        "when": "Mon, 16 Dec 2019 23:48:18 GMT",
        "items": "1, 2,3",
        "dates": "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 00:00:00 GMT",
        "document": "eyJhIjpbMSx0cnVlXX0=",
    }
    read = parse_response(_Read, json.dumps(body).encode())
    assert read.blob == b"\x00binary" and read.number == -float("inf")
    assert read.when == datetime(2019, 12, 16, 23, 48, 18, tzinfo=timezone.utc)
    assert read.items == [1, 2, 3]
    assert read.dates == [read.when, datetime(2019, 12, 17, tzinfo=timezone.utc)]
    assert read.document == {"a": [1, True]}
    with pytest.raises(pydantic.ValidationError):
        parse_response(_Read, json.dumps({**body, "blob": "not base64!"}).encode())
